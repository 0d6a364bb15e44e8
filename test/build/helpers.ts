// Shared pieces of the build tests: options with an injected partition (no clustering stage), release readers.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BuildOptions } from '../../src/dataset/build-stage.ts';
import type { ClusterPartitions } from '../../src/dataset/clusters.ts';
import { parseSplitFractions } from '../../src/dataset/splits.ts';
import { silentLogger } from '../../src/util/log.ts';

export const SECRET = 'a-test-secret-that-is-long-enough';

/** K=1 and K=3, the latter by a hash of the seed and the DID: a new seed is a new clustering. */
export async function seededClusters(users: Set<string>, req: { ks: number[]; seed: number }): Promise<ClusterPartitions> {
  const byK = new Map<number, Map<string, number>>();
  for (const k of req.ks) {
    const m = new Map<string, number>();
    for (const did of users) m.set(did, k === 1 ? 0 : createHash('sha256').update(`${req.seed}:${did}`).digest()[0] % k);
    byK.set(k, m);
  }
  return { ks: [...req.ks], byK, method: 'test partition (hash of seed and DID)', seed: req.seed };
}

export function buildOptions(out: string, keyFile: string, extra: Partial<BuildOptions> = {}): BuildOptions {
  return {
    out,
    inputs: [],
    ks: [1, 3],
    chainK: 3,
    compat: false,
    scope: 'same-cluster',
    seed: 42,
    secretFile: keyFile,
    minPosts: 2,
    languages: 'blueprint',
    keywords: 'none',
    split: parseSplitFractions('80/10/10'),
    parquet: true,
    log: silentLogger,
    clusters: seededClusters,
    ...extra,
  };
}

export interface ReleasedMessage {
  relative_integer_time: number;
  text?: string;
  actions?: Record<string, boolean>;
  user_id: string;
}

/** Every thread of one K, cluster file by cluster file, in line order. */
export function releasedThreads(out: string, k: number): { cluster: number; thread: ReleasedMessage[] }[] {
  const dir = join(out, `processed_${k}_clusters`);
  const rows: { cluster: number; thread: ReleasedMessage[] }[] = [];
  const files = readdirSync(dir).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean)) {
      const rec = JSON.parse(line) as { thread: ReleasedMessage[]; cluster_id: number };
      rows.push({ cluster: rec.cluster_id, thread: rec.thread });
    }
  }
  return rows;
}

export function actionOf(m: ReleasedMessage): string | undefined {
  return m.actions ? Object.entries(m.actions).find(([, v]) => v)?.[0] : undefined;
}

/** Every file under `dir` (relative path → bytes). */
export function releaseFiles(dir: string, base = dir): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) for (const [k, v] of releaseFiles(p, base)) out.set(k, v);
    else out.set(relative(base, p), readFileSync(p));
  }
  return out;
}

/** Jetstream v1 post-create events, for small hand-written inputs. */
export function postEvent(did: string, rkey: string, timeUs: number, text: string, reply?: { parent: string; root: string }): string {
  const record: Record<string, unknown> = { $type: 'app.bsky.feed.post', createdAt: new Date(timeUs / 1000).toISOString(), langs: ['en'], text };
  if (reply) record.reply = { parent: { uri: reply.parent, cid: 'bafyreiparent' }, root: { uri: reply.root, cid: 'bafyreiroot' } };
  return JSON.stringify({ did, time_us: timeUs, kind: 'commit', commit: { rev: `${rkey}r`, operation: 'create', collection: 'app.bsky.feed.post', rkey, record, cid: `bafyrei${rkey}` } });
}
