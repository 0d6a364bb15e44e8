// The release a server shows: its id (a hash of release.json, the completion marker), the explorer index (built once
// per release id) and the clustering diagnostics when the release folder has them.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { indexedRelease, indexRelease, type IndexedRelease, type ReleaseFilesOfK } from '../store/explorer.ts';
import type { Store } from '../store/store.ts';

export class ReleaseError extends Error {}

export interface OpenRelease {
  dir: string;
  id: string;
  ks: number[];
  manifest: Record<string, unknown>;
}

export function openRelease(dirArg: string): OpenRelease {
  const dir = resolve(dirArg);
  const marker = join(dir, 'release.json');
  if (!existsSync(marker)) throw new ReleaseError(`${dirArg} is not a complete simpact release (no release.json)`);
  const text = readFileSync(marker, 'utf8');
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ReleaseError(`${dirArg}/release.json is not JSON`);
  }
  if (manifest.format !== 'simpact-release' || manifest.complete !== true) throw new ReleaseError(`${dirArg}/release.json is not a complete simpact release marker`);
  const ks = readdirSync(dir)
    .map((d) => /^processed_(\d+)_clusters$/.exec(d))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  if (!ks.length) throw new ReleaseError(`${dirArg} holds no processed_{K}_clusters folder`);
  const id = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return { dir, id, ks, manifest };
}

function filesOfK(dir: string, k: number): ReleaseFilesOfK {
  const splitDir = join(dir, 'splits', `${k}_clusters`);
  const splitFiles = ['train', 'validation', 'test']
    .map((split) => ({ split, path: join(splitDir, `${split}.jsonl`) }))
    .filter((s) => existsSync(s.path));
  return { k, clusterGlob: join(dir, `processed_${k}_clusters`, 'cluster_*.jsonl'), splitFiles };
}

/** The explorer index of the release, built when this release id has none yet. */
export async function ensureIndexed(store: Store, rel: OpenRelease, force = false): Promise<{ index: IndexedRelease; built: boolean }> {
  const have = force ? null : await indexedRelease(store, rel.id);
  if (have) return { index: have, built: false };
  return { index: await indexRelease(store, rel.id, rel.ks.map((k) => filesOfK(rel.dir, k))), built: true };
}

export interface KDiagnostics {
  clusters: { id: number; size: number; topTerms: string[]; actionMix: Record<string, number> }[];
  pca: { explainedVariance: [number, number]; points: { x: number; y: number; cluster: number }[] } | null;
}

/** `clusters-k{K}.json` from the clustering stage, in the release folder or its `diagnostics/`; null when absent. */
export function readDiagnostics(rel: OpenRelease, k: number): KDiagnostics | null {
  for (const p of [join(rel.dir, `clusters-k${k}.json`), join(rel.dir, 'diagnostics', `clusters-k${k}.json`)]) {
    if (!existsSync(p)) continue;
    try {
      const d = JSON.parse(readFileSync(p, 'utf8')) as any;
      return {
        clusters: (d.clusters ?? []).map((c: any) => ({ id: Number(c.id), size: Number(c.size), topTerms: (c.topTerms ?? []).map(String), actionMix: c.actionMix ?? {} })),
        pca: d.pca ? { explainedVariance: d.pca.explainedVariance, points: (d.pca.points ?? []).map((p: any) => ({ x: Number(p.x), y: Number(p.y), cluster: Number(p.cluster) })) } : null,
      };
    } catch {
      return null;
    }
  }
  return null;
}
