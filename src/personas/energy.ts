// Stage 3c (our design, not the paper's): the selected set is refined by single swaps that lower its energy distance to
// the reference, i.e. towards support points (Mak & Joseph, "Support points", Ann. Statist. 46(6A), 2018). OT matches
// each reference draw with a nearby persona, but where the pool is thin the nearest persona lies towards the pool's
// dense side, so a residual shift in the direction of the bias remains; the energy distance sees that shift and the
// swaps remove most of it, on every trait at once. Points are expected in standardised (reference-SD) space.
import type { Rng } from '../util/rng.ts';
import type { Points } from './types.ts';

export interface EnergyRefineOptions {
  /** Passes over the unselected candidates (default 6); a pass without an improving swap ends the refinement. */
  maxPasses?: number;
}

export interface EnergyRefineResult {
  /** Indices into `x` of the refined selection (same size as the start). */
  selected: number[];
  swaps: number;
  passes: number;
  /** Energy distance between the selection and the reference sample (as energyDistance), before and after. */
  energyBefore: number;
  energyAfter: number;
}

function dist(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = a[i * d + k] - b[j * d + k];
    s += t * t;
  }
  return Math.sqrt(s);
}

/** Energy distance 2·E‖X−Y‖ − E‖X−X′‖ − E‖Y−Y′‖ between two point sets (V-statistic form). */
export function energyDistance(x: Points, y: Points): number {
  const { d } = x;
  let xy = 0;
  for (let i = 0; i < x.n; i++) for (let j = 0; j < y.n; j++) xy += dist(x.data, i, y.data, j, d);
  let xx = 0;
  for (let i = 0; i < x.n; i++) for (let j = i + 1; j < x.n; j++) xx += 2 * dist(x.data, i, x.data, j, d);
  let yy = 0;
  for (let i = 0; i < y.n; i++) for (let j = i + 1; j < y.n; j++) yy += 2 * dist(y.data, i, y.data, j, d);
  return (2 * xy) / (x.n * y.n) - xx / (x.n * x.n) - yy / (y.n * y.n);
}

/**
 * Greedy swap refinement of `start` (distinct indices into the candidates `x`) towards the reference sample `y`:
 * each unselected candidate, in a seeded random order, replaces the selected point whose exchange lowers the energy
 * distance most, if any does. O(passes · n · K) distance evaluations plus O(n) per accepted swap.
 */
export function refineByEnergy(x: Points, y: Points, start: readonly number[], rng: Rng, opts: EnergyRefineOptions = {}): EnergyRefineResult {
  const { n, d } = x;
  const K = start.length;
  if (new Set(start).size !== K || start.some((i) => i < 0 || i >= n)) throw new RangeError('the start selection must be distinct candidate indices');
  const maxPasses = opts.maxPasses ?? 6;
  // a[i]: mean distance of candidate i to the reference; b[i]: sum of its distances to the selected points.
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < y.n; j++) s += dist(x.data, i, y.data, j, d);
    a[i] = s / y.n;
  }
  const sel = [...start];
  const inSel = new Uint8Array(n);
  for (const i of sel) inSel[i] = 1;
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const j of sel) s += dist(x.data, i, x.data, j, d);
    b[i] = s;
  }
  // Objective without the reference's self-term: J = (2/K)·Σ_S a − (1/K²)·Σ_{S×S} d.
  const objective = () => (2 / K) * sel.reduce((s, i) => s + a[i], 0) - sel.reduce((s, i) => s + b[i], 0) / (K * K);
  const yy = selfTerm(y);
  const energyBefore = objective() - yy;
  let swaps = 0;
  let passes = 0;
  while (passes < maxPasses) {
    passes++;
    let changed = 0;
    const outside = rng.shuffle(Array.from({ length: n }, (_, i) => i).filter((i) => !inSel[i]));
    for (const j of outside) {
      if (inSel[j]) continue;
      let best = -1e-12;
      let bestSlot = -1;
      for (let slot = 0; slot < K; slot++) {
        const i = sel[slot];
        const delta = (2 / K) * (a[j] - a[i]) - (2 / (K * K)) * (b[j] - dist(x.data, i, x.data, j, d) - b[i]);
        if (delta < best) {
          best = delta;
          bestSlot = slot;
        }
      }
      if (bestSlot < 0) continue;
      const out = sel[bestSlot];
      sel[bestSlot] = j;
      inSel[out] = 0;
      inSel[j] = 1;
      for (let t = 0; t < n; t++) b[t] += dist(x.data, t, x.data, j, d) - dist(x.data, t, x.data, out, d);
      changed++;
    }
    swaps += changed;
    if (!changed) break;
  }
  return { selected: sel, swaps, passes, energyBefore, energyAfter: objective() - yy };
}

/** E‖Y−Y′‖ (V-statistic) of the reference sample. */
function selfTerm(y: Points): number {
  let s = 0;
  for (let i = 0; i < y.n; i++) for (let j = i + 1; j < y.n; j++) s += 2 * dist(y.data, i, y.data, j, y.d);
  return s / (y.n * y.n);
}
