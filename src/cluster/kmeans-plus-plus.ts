// Greedy k-means++ seeding as in scikit-learn (2 + ⌊ln k⌋ local trials per centre, the trial that lowers the
// potential most wins), with exact pruning by the triangle inequality: a point x whose closest centre c_j is at
// distance r satisfies ‖x − t‖ ≥ ‖t − c_j‖ − r ≥ r for every trial t with ‖t − c_j‖ ≥ 2r, so no trial can bring it
// closer and its row need not be read. Results equal the unpruned computation up to floating-point summation order.
import type { Rng } from '../util/rng.ts';
import { DistanceEngine, gatherRows } from './distance-engine.ts';

/** Rows per Gemm call; few, large calls matter on a busy machine, where every call waits to be scheduled. */
const GATHER_ROWS = 16384;

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
  let pot = closest.reduce((a, b) => a + b, 0);

  const cand = new Float32Array(trials * d);
  const candBias = new Float32Array(trials);
  const candIds = new Int32Array(trials);
  const buf = new Float32Array(GATHER_ROWS * d);
  const pots = new Float64Array(trials);
  const reach = new Float64Array(k);
  const idx = new Int32Array(n);
  const dist = new Float64Array(n * trials);

  for (let c = 1; c < k; c++) {
    sampleCandidates(closest, pot, rng, candIds);
    for (let t = 0; t < trials; t++) {
      cand.set(data.subarray(candIds[t] * d, candIds[t] * d + d), t * d);
      candBias[t] = xNorm[candIds[t]];
    }
    // reach[j] = (min over trials of ‖t − c_j‖²) / 4: points of c_j closer than that cannot improve.
    const cc = await engine.gemm(centres, c, d, cand, trials, candBias);
    for (let j = 0; j < c; j++) {
      let m = Infinity;
      for (let t = 0; t < trials; t++) m = Math.min(m, cc[j * trials + t] + cNorm[j]);
      reach[j] = (Math.max(0, m) / 4) * (1 - 1e-4); // slack for float32 rounding
    }
    let count = 0;
    for (let i = 0; i < n; i++) if (closest[i] > reach[owner[i]]) idx[count++] = i;
    // When most points need evaluating, reading all rows in place beats gathering them.
    const gather = 2 * count < n;
    const rowsTotal = gather ? count : n;
    pots.fill(pot);
    for (let s = 0; s < rowsTotal; s += GATHER_ROWS) {
      const rows = Math.min(GATHER_ROWS, rowsTotal - s);
      if (gather) gatherRows(data, d, idx, s, rows, buf);
      const out = await engine.gemm(gather ? buf : data.subarray(s * d), rows, d, cand, trials, candBias);
      for (let r = 0; r < rows; r++) {
        const i = gather ? idx[s + r] : s + r;
        if (!gather && closest[i] <= reach[owner[i]]) continue;
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
    for (let r = 0; r < rowsTotal; r++) {
      const i = gather ? idx[r] : r;
      if (!gather && closest[i] <= reach[owner[i]]) continue;
      const v = dist[r * trials + best];
      if (v < closest[i]) {
        closest[i] = v;
        owner[i] = c;
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
