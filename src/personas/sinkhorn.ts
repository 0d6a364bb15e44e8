// Stage 3b: entropic optimal transport (log-domain Sinkhorn) between candidate personas and reference draws, and the
// conversion of the transport plan into a set of distinct personas.
import { median } from './linalg.ts';
import type { Points } from './types.ts';

/** Squared Euclidean costs C[i·m + j] = ‖x_i − y_j‖², row-major n×m. */
export function squaredCost(x: Points, y: Points): Float64Array {
  const { d } = x;
  const c = new Float64Array(x.n * y.n);
  for (let i = 0; i < x.n; i++) {
    for (let j = 0; j < y.n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x.data[i * d + k] - y.data[j * d + k];
        s += t * t;
      }
      c[i * y.n + j] = s;
    }
  }
  return c;
}

export interface SinkhornOptions {
  /** ε as a multiple of median(C) (default 0.05), or an absolute `epsilon`. */
  epsilonScale?: number;
  epsilon?: number;
  maxIterations?: number;
  /** Stop when ‖P·1 − a‖₁ < tolerance (default 1e-6). */
  tolerance?: number;
}

export interface SinkhornResult {
  /** Dual potentials: log P_ij = (f_i + g_j − C_ij)/ε. */
  f: Float64Array;
  g: Float64Array;
  epsilon: number;
  iterations: number;
  converged: boolean;
  marginalError: number;
  /** Σ P_ij C_ij. */
  transportCost: number;
}

/** Log-domain Sinkhorn for marginals a (n) and b (m), both summing to 1. */
export function sinkhorn(cost: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>, opts: SinkhornOptions = {}): SinkhornResult {
  const n = a.length;
  const m = b.length;
  if (cost.length !== n * m) throw new RangeError('cost matrix does not match the marginals');
  const eps = opts.epsilon ?? (opts.epsilonScale ?? 0.05) * Math.max(median(cost), 1e-12);
  const maxIt = opts.maxIterations ?? 1000;
  const tol = opts.tolerance ?? 1e-6;
  const logA = Float64Array.from(a, Math.log);
  const logB = Float64Array.from(b, Math.log);
  // Scaled duals F = f/ε, G = g/ε and kernel K = −C/ε, so log P_ij = F_i + G_j + K_ij.
  const K = Float64Array.from(cost, (c) => -c / eps);
  const F = Float64Array.from(logA);
  const G = Float64Array.from(logB);
  const checkEvery = 10;
  let it = 0;
  let err = Infinity;
  const colSum = new Float64Array(m);
  const shiftG = new Float64Array(m);
  while (it < maxIt) {
    // Each log-sum-exp is shifted by the previous potential (the log-sum it should have at convergence), which keeps
    // the sums near 1 and needs one pass; a sum that under- or overflows is recomputed with an exact max shift.
    for (let i = 0; i < n; i++) {
      const o = i * m;
      const shift = F[i] - logA[i];
      let sum = 0;
      for (let j = 0; j < m; j++) sum += Math.exp(G[j] + K[o + j] + shift);
      F[i] = sum > 1e-250 && sum < 1e250 ? F[i] - Math.log(sum) : logA[i] - rowLogSumExp(G, K, o, m);
    }
    for (let j = 0; j < m; j++) shiftG[j] = G[j] - logB[j];
    colSum.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * m;
      const fi = F[i];
      for (let j = 0; j < m; j++) colSum[j] += Math.exp(fi + K[o + j] + shiftG[j]);
    }
    for (let j = 0; j < m; j++) {
      if (!Number.isFinite(G[j])) continue; // a zero-mass target keeps G = −∞
      G[j] = colSum[j] > 1e-250 && colSum[j] < 1e250 ? G[j] - Math.log(colSum[j]) : logB[j] - colLogSumExp(F, K, j, n, m);
    }
    it++;
    if (it % checkEvery === 0 || it === maxIt) {
      // Columns are exact after the G-update; measure the row marginals.
      err = 0;
      for (let i = 0; i < n; i++) {
        const o = i * m;
        let s = 0;
        for (let j = 0; j < m; j++) s += Math.exp(F[i] + G[j] + K[o + j]);
        err += Math.abs(s - a[i]);
      }
      if (err < tol) break;
    }
  }
  const f = Float64Array.from(F, (v) => v * eps);
  const g = Float64Array.from(G, (v) => v * eps);
  let tc = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) tc += Math.exp(F[i] + G[j] + K[i * m + j]) * cost[i * m + j];
  return { f, g, epsilon: eps, iterations: it, converged: err < tol, marginalError: err, transportCost: tc };
}

/**
 * One distinct source row per target column: pairs are taken greedily by descending plan mass P_ij (each row and each
 * column used once); columns left without a row (their high-mass rows all taken) get the nearest unused row by cost.
 * Needs n ≥ m. Returns the chosen row per column. `stride` is the row length of `cost` (≥ m).
 */
export function planToSelection(cost: Float64Array, n: number, m: number, s: SinkhornResult, topPerColumn = 32, stride = m): number[] {
  if (n < m) throw new RangeError(`cannot pick ${m} distinct personas from ${n}`);
  const L = Math.min(n, topPerColumn);
  const cand: { i: number; j: number; lp: number }[] = [];
  const col = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) col[i] = (s.f[i] + s.g[j] - cost[i * stride + j]) / s.epsilon;
    const top = topK(col, L);
    for (const i of top) cand.push({ i, j, lp: col[i] });
  }
  cand.sort((p, q) => q.lp - p.lp || p.j - q.j || p.i - q.i);
  const usedRow = new Uint8Array(n);
  const pick = new Int32Array(m).fill(-1);
  for (const c of cand) {
    if (pick[c.j] >= 0 || usedRow[c.i]) continue;
    pick[c.j] = c.i;
    usedRow[c.i] = 1;
  }
  for (let j = 0; j < m; j++) {
    if (pick[j] >= 0) continue;
    let best = -1;
    for (let i = 0; i < n; i++) if (!usedRow[i] && (best < 0 || cost[i * stride + j] < cost[best * stride + j])) best = i;
    pick[j] = best;
    usedRow[best] = 1;
  }
  return Array.from(pick);
}

function topK(v: Float64Array, k: number): number[] {
  const idx = Array.from({ length: v.length }, (_, i) => i);
  if (k >= v.length) return idx;
  idx.sort((a, b) => v[b] - v[a] || a - b);
  return idx.slice(0, k);
}

export interface PartialAssignment {
  /** Chosen source row for each of the m targets (distinct rows). */
  pick: number[];
  sinkhorn: SinkhornResult;
  /** Cost of each chosen pair (per target) and their mean. */
  matchedCosts: number[];
  meanMatchedCost: number;
}

/**
 * Picks m distinct sources out of n ≥ m to match m targets, as entropic partial optimal transport: every source has
 * capacity 1/n, every target needs 1/n, and a zero-cost dummy target absorbs the (n − m)/n of mass left unused.
 * `cost` is n×m (row-major); ε is set from the median of the real costs.
 */
export function partialAssignment(cost: Float64Array, n: number, m: number, opts: SinkhornOptions = {}): PartialAssignment {
  if (n < m) throw new RangeError(`cannot pick ${m} distinct personas from ${n}`);
  const stride = m + 1;
  const aug = new Float64Array(n * stride);
  for (let i = 0; i < n; i++) aug.set(cost.subarray(i * m, (i + 1) * m), i * stride);
  const a = new Float64Array(n).fill(1 / n);
  const b = new Float64Array(stride).fill(1 / n);
  b[m] = (n - m) / n;
  const epsilon = opts.epsilon ?? (opts.epsilonScale ?? 0.05) * Math.max(median(cost), 1e-12);
  const s = sinkhorn(aug, a, b, { ...opts, epsilon });
  const pick = planToSelection(aug, n, m, s, 32, stride);
  const matchedCosts = pick.map((i, j) => cost[i * m + j]);
  // With n = m the dummy target's mass is 0, so its potential is −∞ and it takes no mass: still a valid plan.
  return { pick, sinkhorn: s, matchedCosts, meanMatchedCost: matchedCosts.reduce((x, y) => x + y, 0) / m };
}

function rowLogSumExp(G: Float64Array, K: Float64Array, o: number, m: number): number {
  let mx = -Infinity;
  for (let j = 0; j < m; j++) mx = Math.max(mx, G[j] + K[o + j]);
  if (mx === -Infinity) return -Infinity;
  let s = 0;
  for (let j = 0; j < m; j++) s += Math.exp(G[j] + K[o + j] - mx);
  return mx + Math.log(s);
}

function colLogSumExp(F: Float64Array, K: Float64Array, j: number, n: number, m: number): number {
  let mx = -Infinity;
  for (let i = 0; i < n; i++) mx = Math.max(mx, F[i] + K[i * m + j]);
  if (mx === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(F[i] + K[i * m + j] - mx);
  return mx + Math.log(s);
}
