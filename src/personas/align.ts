// Global alignment: KDE importance sampling (stage 3a), entropic-OT refinement (stage 3b), then energy-distance swap
// refinement (stage 3c, our design: see energy.ts), as indices into the pool.
import { Rng } from '../util/rng.ts';
import { refineByEnergy, type EnergyRefineOptions } from './energy.ts';
import { importanceWeights, weightedSampleWithoutReplacement, type ImportanceOptions, type ImportanceWeights } from './importance.ts';
import { subsample } from './kde.ts';
import { colMeans, covariance } from './linalg.ts';
import { partialAssignment, squaredCost, type SinkhornOptions, type SinkhornResult } from './sinkhorn.ts';
import { selectRows, type Points } from './types.ts';

export interface AlignOptions {
  /** Size of the aligned set (≤ pool size). */
  targetSize: number;
  seed: number;
  /** Candidates kept by stage 3a, as a multiple of targetSize (default 3). */
  candidateFactor?: number;
  /** Skip the OT refinement and the energy refinement (IS only). */
  skipOt?: boolean;
  /**
   * Stage 3c: swap refinement of the OT selection towards lower energy distance to the reference (default on; false
   * stops after OT). `maxReference` caps the reference rows it measures against (seeded subsample; default 2,000).
   */
  refine?: boolean | (EnergyRefineOptions & { maxReference?: number });
  importance?: Omit<ImportanceOptions, 'seed'>;
  sinkhorn?: SinkhornOptions;
}

export interface AlignResult {
  /** Indices into the pool of the aligned set, in the order of the reference draws they were matched to. */
  selected: number[];
  /** Stage 3a alone: the first targetSize weighted draws (for comparison). */
  importanceOnly: number[];
  /** Stage 3b alone (IS + OT, before the energy refinement); equal to `selected` when the refinement is off. */
  otOnly: number[];
  candidates: number[];
  weights: ImportanceWeights;
  /**
   * The Sinkhorn run, and the cost (in reference-SD units, squared) of each aligned persona's match to its reference
   * draw. After the energy refinement the final set is matched to the draws again, so matchedCosts[j] always belongs to
   * selected[j].
   */
  ot?: SinkhornResult & { meanMatchedCost: number; matchedCosts: number[] };
  refine?: { swaps: number; passes: number; energyBefore: number; energyAfter: number; referenceUsed: number };
  settings: Required<Pick<AlignOptions, 'targetSize' | 'seed' | 'candidateFactor'>> & { skipOt: boolean; refine: boolean };
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
  const refineOn = !opts.skipOt && opts.refine !== false;
  const settings = { targetSize: K, seed: opts.seed, candidateFactor: factor, skipOt: Boolean(opts.skipOt), refine: refineOn };
  if (opts.skipOt) return { selected: importanceOnly, importanceOnly, otOnly: importanceOnly, candidates: order, weights, settings };

  const candidates = order;
  const draws = drawReference(reference, K, rng.fork('reference-draws'));
  const { x, y } = standardise(selectRows(pool, candidates), draws, reference);
  const cost = squaredCost(x, y);
  const ot = partialAssignment(cost, candidates.length, K, opts.sinkhorn);
  const otOnly = ot.pick.map((i) => candidates[i]);
  const base = { importanceOnly, otOnly, candidates: order, weights, settings };
  if (!refineOn) return { ...base, selected: otOnly, ot: { ...ot.sinkhorn, meanMatchedCost: ot.meanMatchedCost, matchedCosts: ot.matchedCosts } };

  const ro = typeof opts.refine === 'object' ? opts.refine : {};
  const refRows = subsample(reference, ro.maxReference ?? 2000, rng.fork('refine-reference'));
  const { x: xr, y: yr } = standardise(selectRows(pool, candidates), refRows, reference);
  const refined = refineByEnergy(xr, yr, ot.pick, rng.fork('refine'), ro);
  // Match the refined set to the same draws (K × K), so that each member keeps a matched draw and cost.
  const finalRows = refined.selected;
  const sub = new Float64Array(K * K);
  finalRows.forEach((ci, r) => sub.set(cost.subarray(ci * K, (ci + 1) * K), r * K));
  const rematch = partialAssignment(sub, K, K, opts.sinkhorn);
  return {
    ...base,
    selected: rematch.pick.map((r) => candidates[finalRows[r]]),
    ot: { ...ot.sinkhorn, meanMatchedCost: rematch.meanMatchedCost, matchedCosts: rematch.matchedCosts },
    refine: { swaps: refined.swaps, passes: refined.passes, energyBefore: refined.energyBefore, energyAfter: refined.energyAfter, referenceUsed: refRows.n },
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
