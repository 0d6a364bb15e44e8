// Train / validation / test splits by thread, stratified by cluster and seeded: inside every cluster the threads are
// shuffled with a generator derived from (seed, K, cluster), then cut by the fractions (rounded, validation and test
// first), so each cluster contributes the same proportions and a re-run with the same seed gives the same splits.
import { Rng } from '../util/rng.ts';

export const SPLITS = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface SplitFractions {
  validation: number;
  test: number;
}

export const DEFAULT_SPLIT: SplitFractions = { validation: 0.1, test: 0.1 };

export function parseSplitFractions(spec: string): SplitFractions & { train: number } {
  const parts = spec.split('/').map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p) || p < 0)) throw new Error(`split "${spec}" must be TRAIN/VALIDATION/TEST, e.g. 80/10/10`);
  const sum = parts[0] + parts[1] + parts[2];
  if (sum <= 0) throw new Error(`split "${spec}" sums to 0`);
  return { train: parts[0] / sum, validation: parts[1] / sum, test: parts[2] / sum };
}

/**
 * The split of every thread (0 train, 1 validation, 2 test) given each thread's cluster.
 * `clusterOfThread[i]` is the cluster of thread i in this K.
 */
export function assignSplits(clusterOfThread: ArrayLike<number>, k: number, seed: number, fr: SplitFractions = DEFAULT_SPLIT): Uint8Array {
  const members = new Map<number, number[]>();
  for (let i = 0; i < clusterOfThread.length; i++) {
    const c = clusterOfThread[i];
    let list = members.get(c);
    if (!list) members.set(c, (list = []));
    list.push(i);
  }
  const out = new Uint8Array(clusterOfThread.length);
  for (const [c, list] of members) {
    new Rng(`split:${seed}:${k}:${c}`).shuffle(list);
    const nVal = Math.round(list.length * fr.validation);
    const nTest = Math.min(list.length - nVal, Math.round(list.length * fr.test));
    for (let j = 0; j < list.length; j++) out[list[j]] = j < nVal ? 1 : j < nVal + nTest ? 2 : 0;
  }
  return out;
}
