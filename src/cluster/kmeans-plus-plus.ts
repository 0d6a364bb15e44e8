// Greedy k-means++ seeding as in scikit-learn (2 + ⌊ln k⌋ local trials per centre, the trial that lowers the
// potential most wins), with exact pruning: a point x whose closest centre c_j is at distance r satisfies
// ‖x − t‖ ≥ r for every trial t with ‖t − c_j‖ ≥ 2r, so whole groups of points (the members of c_j, whose largest
// distance to c_j is radius_j) are skipped when every trial is at least 2·radius_j from c_j. Results equal the
// unpruned computation up to floating-point summation order.
import type { Rng } from '../util/rng.ts';
import { DistanceEngine, gatherRows } from './distance-engine.ts';

const GATHER_ROWS = 8192;

export async function kmeansPlusPlus(
  engine: DistanceEngine,
  data: Float32Array,
  n: number,
  d: number,
  k: number,
  xNorm: Float64Array,
  rng: Rng,
): Promise<Float32Array> {
  const trials = 2 + Math.floor(Math.log(k));
  const centres = new Float32Array(k * d);
  const cNorm = new Float64Array(k);
  const closest = new Float64Array(n);
  const owner = new Int32Array(n);
  const members: Int32Array[] = new Array(k);
  const radius = new Float64Array(k);

  const first = rng.int(n);
  centres.set(data.subarray(first * d, first * d + d), 0);
  cNorm[0] = xNorm[first];
  const bias0 = Float32Array.of(cNorm[0]);
  const block = DistanceEngine.blockRows(1);
  for (let s = 0; s < n; s += block) {
    const rows = Math.min(block, n - s);
    const out = await engine.gemm(data.subarray(s * d), rows, d, centres, 1, bias0);
    for (let r = 0; r < rows; r++) closest[s + r] = Math.max(0, out[r] + xNorm[s + r]);
  }
  const allRows = Int32Array.from({ length: n }, (_, i) => i);
  members[0] = allRows;
  radius[0] = Math.sqrt(closest.reduce((a, b) => Math.max(a, b), 0));
  let pot = closest.reduce((a, b) => a + b, 0);

  const cand = new Float32Array(trials * d);
  const candBias = new Float32Array(trials);
  const candIds = new Int32Array(trials);
  const buf = new Float32Array(GATHER_ROWS * d);
  const pots = new Float64Array(trials);
  const evalMask = new Uint8Array(k);

  for (let c = 1; c < k; c++) {
    sampleCandidates(closest, pot, rng, candIds);
    for (let t = 0; t < trials; t++) {
      cand.set(data.subarray(candIds[t] * d, candIds[t] * d + d), t * d);
      candBias[t] = xNorm[candIds[t]];
    }
    // Which groups can any trial improve? Needs trial-to-centre distances (c × trials).
    const cc = await engine.gemm(centres, c, d, cand, trials, candBias);
    const evaluated: number[] = [];
    evalMask.fill(0);
    let count = 0;
    for (let j = 0; j < c; j++) {
      const limit = 4 * radius[j] * radius[j] * (1 + 1e-4) + 1e-12;
      for (let t = 0; t < trials; t++) {
        if (cc[j * trials + t] + cNorm[j] < limit) {
          evaluated.push(j);
          evalMask[j] = 1;
          count += members[j].length;
          break;
        }
      }
    }
    // When most points need evaluating, reading all rows in place beats gathering them (skipped points only
    // confirm what the bound already says).
    const gather = 2 * count < n;
    if (!gather) count = n;
    const idx = gather ? new Int32Array(count) : allRows;
    let w = 0;
    if (gather) {
      for (const j of evaluated) {
        idx.set(members[j], w);
        w += members[j].length;
      }
    }
    const dist = new Float64Array(count * trials);
    pots.fill(pot);
    for (let s = 0; s < count; s += GATHER_ROWS) {
      const rows = Math.min(GATHER_ROWS, count - s);
      if (gather) gatherRows(data, d, idx, s, rows, buf);
      const out = await engine.gemm(gather ? buf : data.subarray(s * d), rows, d, cand, trials, candBias);
      for (let r = 0; r < rows; r++) {
        const i = idx[s + r];
        if (!evalMask[owner[i]]) continue;
        for (let t = 0; t < trials; t++) {
          const v = Math.max(0, out[r * trials + t] + xNorm[i]);
          dist[(s + r) * trials + t] = v;
          if (v < closest[i]) pots[t] -= closest[i] - v;
        }
      }
    }
    let best = 0;
    for (let t = 1; t < trials; t++) if (pots[t] < pots[best]) best = t;
    pot = pots[best];
    centres.set(cand.subarray(best * d, best * d + d), c * d);
    cNorm[c] = xNorm[candIds[best]];

    const moved: number[] = [];
    for (let r = 0; r < count; r++) {
      const i = idx[r];
      if (!evalMask[owner[i]]) continue;
      const v = dist[r * trials + best];
      if (v < closest[i]) {
        closest[i] = v;
        owner[i] = c;
        moved.push(i);
      }
    }
    members[c] = Int32Array.from(moved);
    radius[c] = Math.sqrt(moved.reduce((a, i) => Math.max(a, closest[i]), 0));
    if (moved.length > 0) {
      for (const j of evaluated) {
        const kept = members[j].filter((i) => owner[i] === j);
        if (kept.length === members[j].length) continue;
        members[j] = kept;
        radius[j] = Math.sqrt(kept.reduce((a, i) => Math.max(a, closest[i]), 0));
      }
    }
  }
  return centres;
}

/** numpy.searchsorted(cumsum(closest), u·pot) for `out.length` uniform draws u, clipped to n − 1. */
function sampleCandidates(closest: Float64Array, pot: number, rng: Rng, out: Int32Array): void {
  const m = out.length;
  const vals = Array.from({ length: m }, () => rng.next() * pot);
  const order = Array.from({ length: m }, (_, t) => t).sort((a, b) => vals[a] - vals[b]);
  const n = closest.length;
  let acc = 0;
  let i = 0;
  for (const t of order) {
    while (i < n) {
      const next = acc + closest[i];
      if (next >= vals[t]) break;
      acc = next;
      i++;
    }
    out[t] = Math.min(i, n - 1);
  }
}
