// Stage 3a: KDE importance weights w_i ∝ p̂_ref(x_i) / q̂_pool(x_i), computed, clipped and normalised in log space.
import { Rng } from '../util/rng.ts';
import { GaussianKde, subsample, type BandwidthRule } from './kde.ts';
import { logSumExp } from './linalg.ts';
import type { Points } from './types.ts';

export interface ImportanceOptions {
  bandwidth?: BandwidthRule | number;
  /** Clip w_i at tau · mean(w) (truncated importance sampling); default √n. */
  clipTau?: number;
  /** Reference points used for p̂ (a seeded subsample beyond this; default 20,000). */
  maxReference?: number;
  seed?: number;
}

export interface ImportanceWeights {
  /** Self-normalised log weights (logsumexp = 0), after clipping. */
  logWeights: Float64Array;
  /** Effective sample size (Σw)²/Σw² after clipping, and before it. */
  ess: number;
  essBeforeClip: number;
  clipped: number;
  clipTau: number;
  bandwidthRef: number;
  bandwidthPool: number;
  referenceUsed: number;
}

export function effectiveSampleSize(logW: ArrayLike<number>): number {
  const twice = Float64Array.from(logW, (v) => 2 * v);
  return Math.exp(2 * logSumExp(logW) - logSumExp(twice));
}

export function importanceWeights(pool: Points, reference: Points, opts: ImportanceOptions = {}): ImportanceWeights {
  if (pool.d !== reference.d) throw new RangeError('pool and reference differ in dimension');
  const rng = new Rng(opts.seed ?? 1);
  const ref = subsample(reference, opts.maxReference ?? 20_000, rng);
  const pKde = new GaussianKde(ref, { bandwidth: opts.bandwidth });
  const qKde = new GaussianKde(pool, { bandwidth: opts.bandwidth });
  const lp = pKde.logDensity(pool);
  const lq = qKde.logDensity(pool, { leaveOneOut: true });
  const n = pool.n;
  // A pool point with no pool neighbour within numerical reach (q̂ underflows to 0) gets the smallest finite q̂.
  let lqFloor = Infinity;
  for (let i = 0; i < n; i++) if (Number.isFinite(lq[i]) && lq[i] < lqFloor) lqFloor = lq[i];
  const logW = new Float64Array(n);
  for (let i = 0; i < n; i++) logW[i] = lp[i] - (Number.isFinite(lq[i]) ? lq[i] : lqFloor);
  const essBeforeClip = effectiveSampleSize(logW);
  const tau = opts.clipTau ?? Math.sqrt(n);
  // Truncation at tau · mean(w), repeated until no weight exceeds the cap: a single huge weight inflates the mean it is
  // clipped against, so one pass can leave it dominant.
  let clipped = 0;
  for (let pass = 0; pass < 100; pass++) {
    const cap = Math.log(tau) + logSumExp(logW) - Math.log(n);
    let changed = 0;
    for (let i = 0; i < n; i++) {
      if (logW[i] > cap + 1e-12) {
        if (logW[i] !== -Infinity) changed++;
        logW[i] = cap;
      }
    }
    if (!changed) break;
    clipped += changed;
  }
  clipped = countAtMax(logW, clipped);
  const lse = logSumExp(logW);
  for (let i = 0; i < n; i++) logW[i] -= lse;
  return {
    logWeights: logW,
    ess: effectiveSampleSize(logW),
    essBeforeClip,
    clipped,
    clipTau: tau,
    bandwidthRef: pKde.h,
    bandwidthPool: qKde.h,
    referenceUsed: ref.n,
  };
}

/**
 * k distinct indices drawn without replacement with probability ∝ w (Efraimidis–Spirakis: the k smallest
 * keys log(−log u_i) − log w_i, i.e. the k largest u_i^(1/w_i)). Zero-weight indices come last, in index order.
 */
export function weightedSampleWithoutReplacement(logW: ArrayLike<number>, k: number, rng: Rng): number[] {
  const n = logW.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    keys[i] = logW[i] === -Infinity ? Infinity : Math.log(-Math.log(u)) - logW[i];
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => keys[a] - keys[b] || a - b);
  return idx.slice(0, Math.min(k, n));
}

/** k indices by systematic resampling (with replacement) from normalised log weights. */
export function systematicResample(logW: ArrayLike<number>, k: number, rng: Rng): number[] {
  const n = logW.length;
  const out: number[] = [];
  const u0 = rng.next() / k;
  let cum = Math.exp(logW[0]);
  let i = 0;
  for (let j = 0; j < k; j++) {
    const u = u0 + j / k;
    while (u > cum && i < n - 1) cum += Math.exp(logW[++i]);
    out.push(i);
  }
  return out;
}

/** Weights sitting at the final cap (a weight clipped in several passes is counted once). */
function countAtMax(logW: Float64Array, anyClipped: number): number {
  if (!anyClipped) return 0;
  let max = -Infinity;
  for (const v of logW) if (v > max) max = v;
  let k = 0;
  for (const v of logW) if (v === max) k++;
  return k;
}
