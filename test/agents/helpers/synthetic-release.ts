// A small synthetic release in the spec §4.4 layout (threads, cluster files, split references), with action mixes
// that differ by cluster and context words that hint at the action, so a learned classifier has signal to find.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_KEYS, type ActionKey } from '../../../src/bluesky/actions.ts';
import { Rng } from '../../../src/util/rng.ts';
import { pythonJsonDumps } from '../../../src/util/python-json.ts';

const TOPICS: Record<string, string[]> = {
  like: ['lovely', 'great', 'wonderful', 'beautiful', 'congrats'],
  follow: ['artist', 'writer', 'portfolio', 'commissions', 'newsletter'],
  repost: ['breaking', 'urgent', 'share', 'petition', 'alert'],
  reply: ['question', 'what', 'think', 'anyone', 'opinion'],
  unfollow: ['spam', 'crypto', 'promo', 'giveaway', 'airdrop'],
};
const FILLER = ['the', 'day', 'news', 'people', 'today', 'city', 'team', 'game', 'music', 'book', 'coffee', 'rain'];

function flags(a: ActionKey): Record<string, boolean> {
  return Object.fromEntries(ACTION_KEYS.map((k) => [k, k === a]));
}

function sentence(rng: Rng, topic: string | null, n = 8): string {
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(topic && rng.next() < 0.35 ? rng.pick(TOPICS[topic]) : rng.pick(FILLER));
  return words.join(' ');
}

const uid = (rng: Rng) => Array.from({ length: 64 }, () => '0123456789abcdef'[rng.int(16)]).join('');

export interface SyntheticReleaseOptions {
  clusters?: number;
  threadsPerCluster?: number;
  seed?: number;
}

/** Writes `processed_{K}_clusters/` and `splits/{K}_clusters/` under dir; returns K. */
export function writeSyntheticRelease(dir: string, o: SyntheticReleaseOptions = {}): number {
  const K = o.clusters ?? 3;
  const n = o.threadsPerCluster ?? 60;
  const rng = new Rng(o.seed ?? 1);
  const mixes: ActionKey[][] = [
    ['post', 'post', 'reply', 'like', 'like', 'follow', 'repost', 'unfollow'],
    ['post', 'reply', 'reply', 'reply', 'like', 'follow', 'follow', 'repost'],
    ['post', 'post', 'post', 'like', 'follow', 'repost', 'repost', 'unfollow'],
  ];
  const folder = join(dir, `processed_${K}_clusters`);
  const splitDir = join(dir, 'splits', `${K}_clusters`);
  mkdirSync(folder, { recursive: true });
  mkdirSync(splitDir, { recursive: true });
  const refs: Record<string, string[]> = { train: [], validation: [], test: [] };
  let time = 0;
  for (let c = 0; c < K; c++) {
    const lines: string[] = [];
    const users = Array.from({ length: 6 }, () => uid(rng));
    for (let i = 0; i < n; i++) {
      const action = rng.pick(mixes[c % mixes.length]);
      const actor = rng.pick(users);
      const other = uid(rng);
      let thread: Record<string, unknown>[];
      if (action === 'post') thread = [{ relative_integer_time: time++, text: sentence(rng, null, 10), actions: flags('post'), user_id: actor }];
      else if (action === 'reply') {
        thread = [{ relative_integer_time: time++, text: sentence(rng, 'reply'), user_id: other }];
        if (rng.next() < 0.4) thread.push({ relative_integer_time: time++, text: sentence(rng, 'reply'), user_id: rng.next() < 0.5 ? actor : uid(rng) });
        thread.push({ relative_integer_time: time++, text: `${sentence(rng, null, 6)} ü`, actions: flags('reply'), user_id: actor });
      } else thread = [
        { relative_integer_time: time++, text: sentence(rng, action), user_id: other },
        { relative_integer_time: time++, actions: flags(action), user_id: actor },
      ];
      lines.push(`{"thread": ${pythonJsonDumps(thread)}, "cluster_id": ${c}}`);
      const r = rng.next();
      refs[r < 0.6 ? 'train' : r < 0.8 ? 'validation' : 'test'].push(`{"cluster_id": ${c}, "line": ${i}}`);
    }
    writeFileSync(join(folder, `cluster_${c}.jsonl`), `${lines.join('\n')}\n`);
  }
  for (const s of Object.keys(refs)) writeFileSync(join(splitDir, `${s}.jsonl`), refs[s].length ? `${refs[s].join('\n')}\n` : '');
  return K;
}
