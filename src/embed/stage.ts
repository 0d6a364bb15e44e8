// The embedding stage: the kept users' English posts and replies → cached text embeddings → stored user vectors.
// Idempotent: user vectors are stored under a key made of the embedder, its settings and the exact selection of
// texts, so a re-run with nothing new reads them back; a run that stopped part-way continues from the cache.
import type { Activity } from '../bluesky/activity.ts';
import { filterActivity, type FilterOptions } from '../filter/index.ts';
import { loadActivity } from '../store/activity.ts';
import { getUserVectors, putUserVectors } from '../store/embeddings.ts';
import type { Store } from '../store/store.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import { embedCached, stableHash, textHash } from './cache.ts';
import { createEmbedder, describeSpec, parseEmbedderSpec } from './spec.ts';
import type { Embedder, EmbedderSpec } from './types.ts';
import { countZeroVectors, UserMeanAccumulator, type UserTexts, type UserVector } from './user-vectors.ts';

export const DEFAULT_EMBEDDER = 'lsa';

export interface EmbedUsersOptions {
  /** A spec string or object (default `lsa`), or a ready embedder (tests). */
  embedder?: EmbedderSpec | string | Embedder;
  /** The filtered activity (kept users, English posts+replies); loaded from the store and filtered when absent. */
  activity?: Activity;
  filter?: FilterOptions;
  compatBlueprint?: boolean;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (done: number, total: number) => void;
  /** Also return every text vector (`textVectors`); off by default to keep memory flat on large corpora. */
  keepTextVectors?: boolean;
}

export interface EmbedderRecord {
  id: string;
  /** The spec with secrets removed (no API key, no credentials in URLs). */
  spec: Record<string, unknown>;
  settings: Record<string, unknown>;
  settingsHash: string;
  dim: number;
}

export interface EmbedUsersResult {
  embedder: EmbedderRecord;
  /** Key of the stored user vectors: embedder id + settings + the selection of texts. */
  embedKey: string;
  /** Sorted by did. */
  users: UserVector[];
  /** Vector per text hash, only with `keepTextVectors` and when the user vectors were computed now. */
  textVectors?: Map<string, Float32Array>;
  stats: {
    users: number;
    texts: number;
    distinctTexts: number;
    fromCache: number;
    embedded: number;
    zeroTextVectors: number;
    zeroUserVectors: number;
    reusedUserVectors: boolean;
    seconds: number;
  };
}

/** Posts and replies grouped per user, users sorted by did. */
export function userTexts(activity: Activity): { users: UserTexts[]; texts: Map<string, string> } {
  const byUser = new Map<string, string[]>();
  const texts = new Map<string, string>();
  for (const p of activity.posts) {
    if (p.kind !== 'post' && p.kind !== 'reply') continue;
    const h = textHash(p.text);
    texts.set(h, p.text);
    let list = byUser.get(p.did);
    if (!list) byUser.set(p.did, (list = []));
    list.push(h);
  }
  const dids = [...byUser.keys()].sort();
  return { users: dids.map((did) => ({ did, textHashes: byUser.get(did)! })), texts };
}

export function resolveEmbedder(e: EmbedUsersOptions['embedder'], logger?: Logger): { embedder: Embedder; spec: Record<string, unknown> } {
  if (e && typeof e === 'object' && 'embed' in e) return { embedder: e, spec: { id: e.id } };
  const spec = typeof e === 'string' || e === undefined ? parseEmbedderSpec(e ?? DEFAULT_EMBEDDER) : e;
  return { embedder: createEmbedder(spec, { logger }), spec: describeSpec(spec) };
}

export async function embedUsers(store: Store, opts: EmbedUsersOptions = {}): Promise<EmbedUsersResult> {
  const t0 = performance.now();
  const log = opts.logger ?? silentLogger;
  const activity = opts.activity ?? filterActivity(await loadActivity(store, { compatBlueprint: opts.compatBlueprint }), opts.filter).activity;
  const { users, texts } = userTexts(activity);
  if (users.length === 0) throw new Error('no kept user has an English post or reply to embed (ingest data first, or loosen the filters)');
  const { embedder, spec } = resolveEmbedder(opts.embedder, log);
  try {
    await embedder.prepare?.([...texts.values()]);
    const settingsHash = stableHash(embedder.settings);
    const embedKey = `${embedder.id}|${settingsHash}|${stableHash(users.map((u) => [u.did, u.textHashes]))}`;
    const nTexts = users.reduce((s, u) => s + u.textHashes.length, 0);
    const stored = await getUserVectors(store, embedKey);
    if (stored.length === users.length) {
      log.info(`embed: ${users.length} user vectors already stored for ${embedder.id}`);
      return {
        embedder: { id: embedder.id, spec, settings: embedder.settings, settingsHash, dim: stored[0].vec.length },
        embedKey,
        users: stored,
        stats: {
          users: users.length, texts: nTexts, distinctTexts: texts.size, fromCache: texts.size, embedded: 0,
          zeroTextVectors: 0, zeroUserVectors: countZeroVectors(stored), reusedUserVectors: true,
          seconds: (performance.now() - t0) / 1000,
        },
      };
    }
    log.info(`embed: ${texts.size} distinct texts of ${users.length} users with ${embedder.id}`);
    const acc = new UserMeanAccumulator(users);
    const res = await embedCached(store, embedder, [...texts.values()], {
      signal: opts.signal,
      onProgress: opts.onProgress,
      onVector: (h, v) => acc.add(h, v),
      keep: opts.keepTextVectors ?? false,
    });
    const vectors = acc.result();
    await putUserVectors(store, embedKey, vectors);
    const zeroUsers = countZeroVectors(vectors);
    if (res.zeroVectors > 0) log.warn(`embed: ${res.zeroVectors} text(s) embedded to a zero vector (empty text, or no known term)`);
    if (zeroUsers > 0) log.warn(`embed: ${zeroUsers} user vector(s) are all zeros; they are kept, as in the reference`);
    return {
      embedder: { id: embedder.id, spec, settings: embedder.settings, settingsHash: res.settingsHash, dim: res.dim },
      embedKey,
      users: vectors,
      ...(opts.keepTextVectors ? { textVectors: res.vectors } : {}),
      stats: {
        users: users.length, texts: nTexts, distinctTexts: texts.size, fromCache: res.fromCache, embedded: res.embedded,
        zeroTextVectors: res.zeroVectors, zeroUserVectors: zeroUsers, reusedUserVectors: false,
        seconds: (performance.now() - t0) / 1000,
      },
    };
  } finally {
    await embedder.close?.();
  }
}
