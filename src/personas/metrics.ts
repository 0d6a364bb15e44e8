// Distances between a persona set and the reference population: per trait (W1, KS, mean and SD gaps) and joint
// (sliced Wasserstein, MMD² with an RBF kernel and median-heuristic bandwidth, correlation-matrix distance).
import { Rng } from '../util/rng.ts';
import { subsample } from './kde.ts';
import { colMeans, correlation, covariance, median } from './linalg.ts';
import { column, TRAITS, type Points, type Trait } from './types.ts';

/** 1-D Wasserstein-1 between two empirical distributions: ∫|F − G|. */
export function wasserstein1(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const a = Float64Array.from(xs).sort();
  const b = Float64Array.from(ys).sort();
  if (!a.length || !b.length) return NaN;
  let i = 0;
  let j = 0;
  let prev = Math.min(a[0], b[0]);
  let w = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    w += Math.abs(i / a.length - j / b.length) * (next - prev);
    prev = next;
    while (i < a.length && a[i] === next) i++;
    while (j < b.length && b[j] === next) j++;
  }
  return w;
}

/** Two-sample Kolmogorov–Smirnov statistic sup|F − G|. */
export function ksStatistic(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const a = Float64Array.from(xs).sort();
  const b = Float64Array.from(ys).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const v = Math.min(a[i], b[j]);
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

function meanSd(xs: ArrayLike<number>): { mean: number; sd: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, sd: Math.sqrt(v / Math.max(1, xs.length - 1)) };
}

/** Average over `projections` seeded random directions of the 1-D W1 between the projected samples. */
export function slicedWasserstein(x: Points, y: Points, projections: number, rng: Rng): number {
  const d = x.d;
  let total = 0;
  const px = new Float64Array(x.n);
  const py = new Float64Array(y.n);
  for (let p = 0; p < projections; p++) {
    const dir = Array.from({ length: d }, () => rng.normal());
    const norm = Math.hypot(...dir) || 1;
    for (let k = 0; k < d; k++) dir[k] /= norm;
    for (let i = 0; i < x.n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += dir[k] * x.data[i * d + k];
      px[i] = s;
    }
    for (let i = 0; i < y.n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += dir[k] * y.data[i * d + k];
      py[i] = s;
    }
    total += wasserstein1(px, py);
  }
  return total / projections;
}

function sqDist(a: Points, i: number, b: Points, j: number): number {
  let s = 0;
  for (let k = 0; k < a.d; k++) {
    const t = a.data[i * a.d + k] - b.data[j * b.d + k];
    s += t * t;
  }
  return s;
}

/** Biased (V-statistic) MMD² with an RBF kernel whose bandwidth is the median pairwise distance of the pooled sample. */
/** Median pairwise distance over (at most ~400) evenly spaced rows: the RBF bandwidth's median heuristic. */
export function medianHeuristic(p: Points): number {
  const ds: number[] = [];
  const step = Math.max(1, Math.floor(p.n / 400));
  for (let u = 0; u < p.n; u += step) for (let v = u + step; v < p.n; v += step) ds.push(Math.sqrt(sqDist(p, u, p, v)));
  return median(ds) || 1;
}

/** Biased (V-statistic) MMD² with an RBF kernel exp(−‖x−y‖²/(2·bw²)). */
export function mmdRbf(x: Points, y: Points, bandwidth: number): number {
  const g = 1 / (2 * bandwidth * bandwidth);
  const mean = (a: Points, b: Points) => {
    let s = 0;
    for (let i = 0; i < a.n; i++) for (let j = 0; j < b.n; j++) s += Math.exp(-g * sqDist(a, i, b, j));
    return s / (a.n * b.n);
  };
  return Math.max(0, mean(x, x) + mean(y, y) - 2 * mean(x, y));
}

/** Frobenius norm of the difference between the two trait correlation matrices. */
export function correlationDistance(x: Points, y: Points): number {
  const rx = correlation(covariance(x, colMeans(x)), x.d);
  const ry = correlation(covariance(y, colMeans(y)), y.d);
  let s = 0;
  for (let i = 0; i < rx.length; i++) s += (rx[i] - ry[i]) ** 2;
  return Math.sqrt(s);
}

export interface TraitMetrics {
  w1: number;
  ks: number;
  meanGap: number;
  sdGap: number;
}

export interface SetMetrics {
  n: number;
  perTrait: Record<Trait, TraitMetrics>;
  meanW1: number;
  slicedW1: number;
  mmd2: number;
  correlationDistance: number;
}

export interface MetricOptions {
  seed?: number;
  projections?: number;
  /** Rows per side used for MMD (a seeded subsample beyond this; default 1,000). */
  mmdMaxRows?: number;
  /** RBF bandwidth for MMD (default: the median heuristic on the reference). */
  mmdBandwidth?: number;
}

/** All metrics of `set` against `reference` (both in OCEAN order). Seeded: same inputs, same numbers. */
export function compareToReference(set: Points, reference: Points, opts: MetricOptions = {}): SetMetrics {
  const seed = opts.seed ?? 1;
  const perTrait = {} as Record<Trait, TraitMetrics>;
  TRAITS.forEach((t, k) => {
    const xs = column(set, k);
    const ys = column(reference, k);
    const a = meanSd(xs);
    const b = meanSd(ys);
    perTrait[t] = { w1: wasserstein1(xs, ys), ks: ksStatistic(xs, ys), meanGap: a.mean - b.mean, sdGap: a.sd - b.sd };
  });
  const maxRows = opts.mmdMaxRows ?? 1000;
  const refSub = subsample(reference, maxRows, new Rng(seed ^ 0x52));
  // The bandwidth comes from the reference alone, so every set is measured with the same kernel.
  const bandwidth = opts.mmdBandwidth ?? medianHeuristic(refSub);
  const mmd2 = mmdRbf(subsample(set, maxRows, new Rng(seed ^ 0x51)), refSub, bandwidth);
  return {
    n: set.n,
    perTrait,
    meanW1: TRAITS.reduce((s, t) => s + perTrait[t].w1, 0) / TRAITS.length,
    slicedW1: slicedWasserstein(set, reference, opts.projections ?? 128, new Rng(seed)),
    mmd2,
    correlationDistance: correlationDistance(set, reference),
  };
}

/** 1 − after/before (the fraction of the error removed); NaN when before is 0. */
export function errorReduction(before: number, after: number): number {
  return before > 0 ? 1 - after / before : NaN;
}
