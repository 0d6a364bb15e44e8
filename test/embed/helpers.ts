// Small builders shared by the embed and cluster tests.
import type { Activity, Post } from '../../src/bluesky/activity.ts';
import type { Embedder } from '../../src/embed/types.ts';

export function post(did: string, text: string, seq: number, kind: 'post' | 'reply' = 'post'): Post {
  return { uri: `at://${did}/app.bsky.feed.post/r${seq}`, did, rkey: `r${seq}`, timeUs: 1_700_000_000_000_000 + seq, seq, kind, text, langs: ['en'] };
}

/** An embedder that records what it was asked, with vectors derived from character codes. */
export class CountingEmbedder implements Embedder {
  readonly id = 'test:counting';
  readonly settings: Record<string, unknown> = { v: 1 };
  readonly calls: string[][] = [];
  chunkSize?: number;
  constructor(
    readonly dim = 4,
    private readonly poison?: string,
  ) {}
  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls.push(texts);
    return texts.map((t) => {
      const v = new Float32Array(this.dim);
      if (t === this.poison) v[0] = Number.NaN;
      else for (let i = 0; i < t.length; i++) v[i % this.dim] += t.charCodeAt(i) / 100;
      return v;
    });
  }
}

/** Users in `groups` topics; each user writes `perUser` posts built from the topic's vocabulary. */
export function topicActivity(groups: string[][], usersPerGroup: number, perUser: number): { activity: Activity; topicOf: Map<string, number> } {
  const posts: Post[] = [];
  const topicOf = new Map<string, number>();
  let seq = 0;
  groups.forEach((words, g) => {
    for (let u = 0; u < usersPerGroup; u++) {
      const did = `did:plc:g${g}u${String(u).padStart(3, '0')}`;
      topicOf.set(did, g);
      for (let p = 0; p < perUser; p++) {
        const pick = (i: number) => words[(u * 7 + p * 3 + i * 5) % words.length];
        // one word of the next topic: topic words then occur in two clusters, as min_df=2 of the top-terms report needs
        const stray = groups[(g + 1) % groups.length][(u + p) % groups[(g + 1) % groups.length].length];
        posts.push(post(did, `${pick(0)} ${pick(1)} ${pick(2)} ${pick(3)} ${stray} today`, seq++, p % 2 ? 'reply' : 'post'));
      }
    }
  });
  posts.sort((a, b) => a.timeUs - b.timeUs);
  return { activity: { posts, actions: [] }, topicOf };
}

const WORDS = ['garden', 'tomato', 'harvest', 'compost', 'seedling', 'weather', 'rain', 'storm', 'forecast', 'cloud'];

/** Jetstream JSONL: 12 users × 3 English posts over a small vocabulary (for CLI tests through ingest). */
export function jetstreamLines(): string {
  const lines: string[] = [];
  let t = 1_779_719_000_000_000;
  for (let u = 0; u < 12; u++) {
    for (let p = 0; p < 3; p++) {
      const text = `${WORDS[(u + p) % 10]} ${WORDS[(u * 3 + p) % 10]} ${WORDS[(u + 2 * p + 5) % 10]} news`;
      lines.push(JSON.stringify({
        did: `did:plc:user${String(u).padStart(20, '0')}`,
        time_us: (t += 1000),
        kind: 'commit',
        commit: { rev: `r${t}`, operation: 'create', collection: 'app.bsky.feed.post', rkey: `3k${u}x${p}`, record: { $type: 'app.bsky.feed.post', createdAt: '2026-05-25T14:23:28.757Z', langs: ['en'], text } },
      }));
    }
  }
  return `${lines.join('\n')}\n`;
}
