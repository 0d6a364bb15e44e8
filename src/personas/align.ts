// Global alignment: KDE importance sampling (stage 3a) then entropic-OT refinement (stage 3b), as indices into the pool.
import { Rng } from '../util/rng.ts';
import { importanceWeights, weightedSampleWithoutReplacement, type ImportanceOptions, type ImportanceWeights } from './importance.ts';
import { colMeans, covariance } from './linalg.ts';
import { partialAssignment, squaredCost, type SinkhornOptions, type SinkhornResult } from './sinkhorn.ts';
import { selectRows, type Points } from './types.ts';

export interface AlignOptions {
  /** Size of the aligned set (≤ pool size). */
  targetSize: number;
  seed: number;
  /** Candidates kept by stage 3a, as a multiple of targetSize (default 3). */
  candidateFactor?: number;
  /** Skip the OT refinement (IS only). */
  skipOt?: boolean;
  importance?: Omit<ImportanceOptions, 'seed'>;
  sinkhorn?: SinkhornOptions;
}

export interface AlignResult {
  /** Indices into the pool of the aligned set, in the order of the reference draws they were matched to. */
  selected: number[];
  /** Stage 3a alone: the first targetSize weighted draws (for comparison). */
  importanceOnly: number[];
  candidates: number[];
  weights: ImportanceWeights;
  /** The Sinkhorn run, and the cost (in reference-SD units, squared) of each aligned persona's match. */
  ot?: SinkhornResult & { meanMatchedCost: number; matchedCosts: number[] };
  settings: Required<Pick<AlignOptions, 'targetSize' | 'seed' | 'candidateFactor'>> & { skipOt: boolean };
}

export function alignToReference(pool: Points, reference: Points, opts: AlignOptions): AlignResult {
  const K = opts.targetSize;
  if (!Number.isInteger(K) || K < 1) throw new RangeError('targetSize must be a positive integer');
  if (pool.n < K) throw new RangeError(`the pool has ${pool.n} personas, fewer than the ${K} asked for`);
  if (reference.n < 2) throw new RangeError('the reference needs at least 2 respondents');
  const rng = new Rng(opts.seed);
  const factor = opts.candidateFactor ?? 3;
  const weights = importanceWeights(pool, reference, { ...opts.importance, seed: rng.nextU32() });
  const nCand = Math.min(pool.n, Math.max(K, Math.ceil(factor * K)));
  const order = weightedSampleWithoutReplacement(weights.logWeights, nCand, rng.fork('candidates'));
  const importanceOnly = order.slice(0, K);
  const settings = { targetSize: K, seed: opts.seed, candidateFactor: factor, skipOt: Boolean(opts.skipOt) };
  if (opts.skipOt) return { selected: importanceOnly, importanceOnly, candidates: order, weights, settings };

  const candidates = order;
  const draws = drawReference(reference, K, rng.fork('reference-draws'));
  const { x, y } = standardise(selectRows(pool, candidates), draws, reference);
  const ot = partialAssignment(squaredCost(x, y), candidates.length, K, opts.sinkhorn);
  return {
    selected: ot.pick.map((i) => candidates[i]),
    importanceOnly,
    candidates: order,
    weights,
    ot: { ...ot.sinkhorn, meanMatchedCost: ot.meanMatchedCost, matchedCosts: ot.matchedCosts },
    settings,
  };
}

/** k reference rows: without replacement when the reference is large enough, with replacement otherwise. */
export function drawReference(reference: Points, k: number, rng: Rng): Points {
  const idx = reference.n >= k ? rng.shuffle(Array.from({ length: reference.n }, (_, i) => i)).slice(0, k) : Array.from({ length: k }, () => rng.int(reference.n));
  return selectRows(reference, idx);
}

/** Scales both sets by the reference's per-trait mean and SD (the OT cost is measured in reference SD units). */
function standardise(x: Points, y: Points, reference: Points): { x: Points; y: Points } {
  const mu = colMeans(reference);
  const cov = covariance(reference, mu);
  const sd = Array.from({ length: reference.d }, (_, k) => Math.sqrt(cov[k * reference.d + k]) || 1);
  const scale = (p: Points): Points => ({ ...p, data: Float64Array.from(p.data, (v, i) => (v - mu[i % p.d]) / sd[i % p.d]) });
  return { x: scale(x), y: scale(y) };
}
