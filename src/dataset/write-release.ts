// Writes the release files of every K: the reference layout `processed_{K}_clusters/cluster_{id}.jsonl` (one thread
// per line, the cluster of the acting user), split references `splits/{K}_clusters/{split}.jsonl`
// (`{"cluster_id": c, "line": i}`: 0-based line i of cluster_c.jsonl) and copies of the threads per split,
// `data/{K}_clusters/{split}.parquet`, or `data/{K}_clusters/{split}.jsonl` (the same lines) without Parquet.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionKey } from '../bluesky/actions.ts';
import { releaseLine } from './format.ts';
import { LineFile } from './line-file.ts';
import type { PrivateThread } from './privatize.ts';
import type { SplitFractions, SplitName } from './splits.ts';
import { SPLITS, assignSplits } from './splits.ts';

export interface Partition {
  k: number;
  clusterOf: ReadonlyMap<string, number>;
}

export interface PartitionStats {
  k: number;
  /** Clusters with at least one thread. */
  clusters: number;
  threads: number;
  threadsPerCluster: Record<string, number>;
  actionsPerCluster: Record<string, Partial<Record<ActionKey, number>>>;
  splits: Record<SplitName, number>;
  /** Threads whose acting user has no cluster in this K (left out). */
  unclustered: number;
}

export type ParquetWriter = (jsonlFiles: string[], parquetFile: string) => Promise<number>;

export const processedDir = (k: number) => `processed_${k}_clusters`;
export const configName = (k: number) => `${k}_clusters`;

export async function writeReleaseFiles(
  dir: string,
  threads: readonly PrivateThread[],
  partitions: readonly Partition[],
  split: { seed: number; fractions: SplitFractions },
  toParquet: ParquetWriter | null,
): Promise<PartitionStats[]> {
  const stats: PartitionStats[] = [];
  for (const { k, clusterOf } of partitions) {
    const clusterOfThread = new Int32Array(threads.length);
    const members = new Map<number, number[]>();
    let unclustered = 0;
    for (let i = 0; i < threads.length; i++) {
      const c = clusterOf.get(threads[i].actorDid);
      clusterOfThread[i] = c ?? -1;
      if (c === undefined) {
        unclustered++;
        continue;
      }
      let list = members.get(c);
      if (!list) members.set(c, (list = []));
      list.push(i);
    }
    const splitOf = assignSplits(clusterOfThread, k, split.seed, split.fractions);
    const work = join(dir, '.work', configName(k));
    const full = SPLITS.map((s) => new LineFile(join(work, `${s}.jsonl`)));
    const refs = SPLITS.map((s) => new LineFile(join(dir, 'splits', configName(k), `${s}.jsonl`)));
    const st: PartitionStats = { k, clusters: members.size, threads: 0, threadsPerCluster: {}, actionsPerCluster: {}, splits: { train: 0, validation: 0, test: 0 }, unclustered };
    for (const c of [...members.keys()].sort((a, b) => a - b)) {
      const file = new LineFile(join(dir, processedDir(k), `cluster_${c}.jsonl`));
      const actions: Partial<Record<ActionKey, number>> = {};
      const list = members.get(c)!;
      for (let line = 0; line < list.length; line++) {
        const t = threads[list[line]];
        const text = releaseLine(t.json, c);
        file.write(text);
        const s = splitOf[list[line]];
        full[s].write(text);
        refs[s].write(`{"cluster_id": ${c}, "line": ${line}}`);
        st.splits[SPLITS[s]]++;
        actions[t.action] = (actions[t.action] ?? 0) + 1;
      }
      file.close();
      st.threadsPerCluster[c] = list.length;
      st.actionsPerCluster[c] = actions;
      st.threads += list.length;
    }
    for (const f of [...full, ...refs]) f.close();
    mkdirSync(join(dir, 'data', configName(k)), { recursive: true });
    for (const s of SPLITS) {
      if (toParquet) await toParquet([join(work, `${s}.jsonl`)], join(dir, 'data', configName(k), `${s}.parquet`));
      else renameSync(join(work, `${s}.jsonl`), join(dir, 'data', configName(k), `${s}.jsonl`));
    }
    stats.push(st);
  }
  rmSync(join(dir, '.work'), { recursive: true, force: true });
  return stats;
}
