// Reading a release directory: `processed_{K}_clusters/cluster_{id}.jsonl` plus the split references
// `splits/{K}_clusters/{split}.jsonl` (`{"cluster_id": c, "line": i}`) written by the dataset stage.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseReleaseLine, type ReleaseThread, type Split } from './release.ts';

export interface LoadedRelease {
  k: number;
  threads: ReleaseThread[];
  /** Split of each thread keyed `cluster:line`; absent when the release has no split files. */
  splitOf: Map<string, Split> | null;
  /** `file:line: reason` for lines that are not release threads (skipped, counted). */
  problems: string[];
}

export function releaseKs(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((d) => /^processed_(\d+)_clusters$/.exec(d))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

export function loadRelease(dir: string, k?: number): LoadedRelease {
  const ks = releaseKs(dir);
  if (!ks.length) throw new Error(`${dir} holds no processed_{K}_clusters folder`);
  const K = k ?? ks[0];
  if (!ks.includes(K)) throw new Error(`${dir} has no processed_${K}_clusters (has K = ${ks.join(', ')})`);
  const folder = join(dir, `processed_${K}_clusters`);
  const files = readdirSync(folder)
    .map((f) => /^cluster_(\d+)\.jsonl$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  const out: LoadedRelease = { k: K, threads: [], splitOf: null, problems: [] };
  for (const m of files) {
    const cluster = Number(m[1]);
    const lines = readFileSync(join(folder, m[0]), 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((line, i) => {
      try {
        out.threads.push(parseReleaseLine(line, cluster, i));
      } catch (err) {
        out.problems.push(`${m[0]}:${i + 1}: ${(err as Error).message}`);
      }
    });
  }
  const splitDir = join(dir, 'splits', `${K}_clusters`);
  if (existsSync(splitDir)) {
    out.splitOf = new Map();
    for (const s of ['train', 'validation', 'test'] as const) {
      const p = join(splitDir, `${s}.jsonl`);
      if (!existsSync(p)) continue;
      for (const row of readFileSync(p, 'utf8').split('\n')) {
        if (!row.trim()) continue;
        const ref = JSON.parse(row) as { cluster_id: number; line: number };
        out.splitOf.set(`${ref.cluster_id}:${ref.line}`, s);
      }
    }
  }
  return out;
}

export function threadsOfSplit(rel: LoadedRelease, split: Split): ReleaseThread[] {
  if (!rel.splitOf) throw new Error('the release has no splits/ folder; rebuild it with splits');
  return rel.threads.filter((t) => rel.splitOf!.get(`${t.cluster}:${t.index}`) === split);
}
