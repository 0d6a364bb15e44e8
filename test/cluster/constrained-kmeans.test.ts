import { test } from 'node:test';
import assert from 'node:assert/strict';
import highsModule from 'highs';
import { Rng } from '../../src/util/rng.ts';
import { constrainedKMeans } from '../../src/cluster/index.ts';

// highs ships CommonJS typings; under ESM the default import is the loader function itself.
const highsLoader = ((highsModule as any).default ?? highsModule) as typeof highsModule.default;

/** Uneven Gaussian blobs: blob b holds a share proportional to 1/(b+1)², so small blobs need the minimum size. */
function blobs(seed: number, n: number, d: number, nBlobs: number): Float32Array {
  const rng = new Rng(seed);
  const centres = Array.from({ length: nBlobs }, () => Array.from({ length: d }, () => rng.normal() * 4));
  const w = Array.from({ length: nBlobs }, (_, b) => 1 / (b + 1) ** 2);
  const total = w.reduce((a, b) => a + b, 0);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let u = rng.next() * total;
    let b = 0;
    while (b < nBlobs - 1 && (u -= w[b]) > 0) b++;
    for (let q = 0; q < d; q++) data[i * d + q] = centres[b][q] + rng.normal();
  }
  return data;
}

function sqDist(data: Float32Array, i: number, c: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let q = 0; q < d; q++) s += (data[i * d + q] - c[j * d + q]) ** 2;
  return s;
}

/** The LP optimum of assigning every point to the given centres under the size bounds (HiGHS). */
async function lpAssignmentCost(data: Float32Array, n: number, d: number, c: Float32Array, k: number, min: number, max: number): Promise<number> {
  const highs = await highsLoader();
  const v = (i: number, j: number) => `x${i}_${j}`;
  const lines = ['Minimize', ' obj:'];
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) lines.push(` + ${sqDist(data, i, c, j, d).toPrecision(17)} ${v(i, j)}`);
  lines.push('Subject To');
  for (let i = 0; i < n; i++) lines.push(` p${i}: ${Array.from({ length: k }, (_, j) => v(i, j)).join(' + ')} = 1`);
  for (let j = 0; j < k; j++) {
    const col = Array.from({ length: n }, (_, i) => v(i, j)).join(' + ');
    lines.push(` lo${j}: ${col} >= ${min}`);
    if (Number.isFinite(max)) lines.push(` hi${j}: ${col} <= ${max}`);
  }
  lines.push('End');
  const sol = highs.solve(lines.join('\n'));
  assert.equal(sol.Status, 'Optimal');
  return sol.ObjectiveValue;
}

test('clusters meet the minimum size, the labels are the exact constrained assignment, runs are deterministic', async () => {
  const n = 600;
  const d = 8;
  const k = 6;
  const data = blobs(1, n, d, 6);
  const opts = { k, minSize: 60, nInit: 2, maxIter: 100, seed: 3 };
  const unconstrained = await constrainedKMeans(data, n, d, { ...opts, minSize: 0 });
  assert.ok(Math.min(...unconstrained.sizes) < 60, 'the minimum should bind on this data');
  const res = await constrainedKMeans(data, n, d, opts);
  assert.equal(res.labels.length, n);
  assert.equal(res.centroids.length, k * d);
  for (const s of res.sizes) assert.ok(s >= 60, `cluster of ${s} < 60`);
  assert.equal(res.sizes.reduce((a, b) => a + b, 0), n);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(data, i, res.centroids, res.labels[i], d);
  assert.ok(Math.abs(inertia - res.inertia) <= 1e-6 * inertia, `inertia ${res.inertia} vs recomputed ${inertia}`);
  const opt = await lpAssignmentCost(data, n, d, res.centroids, k, 60, Infinity);
  assert.ok(Math.abs(inertia - opt) <= 1e-6 * opt, `assignment ${inertia} vs LP optimum ${opt}`);
  assert.ok(res.inertia >= unconstrained.inertia * (1 - 1e-9));
  assert.ok(res.iterations >= 1 && res.iterations <= 100);
  const again = await constrainedKMeans(data, n, d, opts);
  assert.deepEqual(again.labels, res.labels);
  assert.equal(again.inertia, res.inertia);
});

test('maximum sizes are met exactly as well', async () => {
  const n = 400;
  const d = 4;
  const k = 5;
  const data = blobs(2, n, d, 3);
  const res = await constrainedKMeans(data, n, d, { k, minSize: 30, maxSize: 100, nInit: 1, maxIter: 50, seed: 1 });
  for (const s of res.sizes) assert.ok(s >= 30 && s <= 100, `size ${s}`);
  const opt = await lpAssignmentCost(data, n, d, res.centroids, k, 30, 100);
  let cost = 0;
  for (let i = 0; i < n; i++) cost += sqDist(data, i, res.centroids, res.labels[i], d);
  assert.ok(Math.abs(cost - opt) <= 1e-6 * opt, `assignment ${cost} vs LP optimum ${opt}`);
});

test('without a minimum, separated blobs are recovered with unchanged labels at the end', async () => {
  const n = 300;
  const d = 3;
  const rng = new Rng(5);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let q = 0; q < d; q++) data[i * d + q] = (i % 3) * 50 + rng.normal();
  const res = await constrainedKMeans(data, n, d, { k: 3, minSize: 0, nInit: 1, seed: 9 });
  for (let i = 3; i < n; i++) assert.equal(res.labels[i], res.labels[i % 3]);
  assert.deepEqual(Array.from(res.sizes).sort(), [100, 100, 100]);
});

test('bad input is refused with clear messages', async () => {
  const d = 2;
  const data = Float32Array.from({ length: 40 }, (_, i) => (i % 7) + 1);
  await assert.rejects(constrainedKMeans(data, 20, d, { k: 3, minSize: 10 }), /infeasible: 20 points cannot fill 3 clusters of at least 10/);
  await assert.rejects(constrainedKMeans(data, 20, d, { k: 2, minSize: 0, maxSize: 9 }), /infeasible: 2 clusters of at most 9 cannot hold 20/);
  await assert.rejects(constrainedKMeans(data, 21, d, { k: 2, minSize: 1 }), /dimension mismatch: 40 values is not n × d = 21 × 2/);
  const bad = data.slice();
  bad[13] = NaN;
  await assert.rejects(constrainedKMeans(bad, 20, d, { k: 2, minSize: 1 }), /row 6 \(0-based\), column 1 is NaN/);
  bad[13] = 1;
  bad[30] = Infinity;
  await assert.rejects(constrainedKMeans(bad, 20, d, { k: 2, minSize: 1 }), /row 15 .* is Infinity/);
  const zero = data.slice();
  zero[8] = 0;
  zero[9] = 0;
  await assert.rejects(constrainedKMeans(zero, 20, d, { k: 2, minSize: 1 }), /1 all-zero vector\(s\), the first at row 4/);
  const ok = await constrainedKMeans(zero, 20, d, { k: 2, minSize: 1, allowZeroRows: true, nInit: 1 });
  assert.equal(ok.labels.length, 20);
});

// The size-repair test checks n = 2000 with float64 costs; this one runs float32 data through the whole engine
// (distances, bounds, repair, final relabelling) at the largest size and checks the final assignment.
test('n = 2000, K = 20, float32 data through the real engine: the final assignment is the exact LP optimum', async () => {
  const n = 2000;
  const d = 16;
  const k = 20;
  const minSize = 70;
  const data = blobs(11, n, d, 12);
  const res = await constrainedKMeans(data, n, d, { k, minSize, nInit: 2, maxIter: 100, seed: 5 });
  for (const s of res.sizes) assert.ok(s >= minSize, `cluster of ${s} < ${minSize}`);
  assert.equal(res.sizes.reduce((a, b) => a + b, 0), n);
  // The minimum must bind at the end: some points are not in their nearest cluster.
  let displaced = 0;
  let cost = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (sqDist(data, i, res.centroids, j, d) < sqDist(data, i, res.centroids, best, d)) best = j;
    if (sqDist(data, i, res.centroids, best, d) < sqDist(data, i, res.centroids, res.labels[i], d)) displaced++;
    cost += sqDist(data, i, res.centroids, res.labels[i], d);
  }
  assert.ok(displaced > 0, 'the minimum size should bind on this data');
  assert.ok(Math.abs(cost - res.inertia) <= 1e-6 * cost, `inertia ${res.inertia} vs recomputed ${cost}`);
  const opt = await lpAssignmentCost(data, n, d, res.centroids, k, minSize, Infinity);
  assert.ok(Math.abs(cost - opt) <= 1e-6 * opt, `assignment ${cost} vs LP optimum ${opt}`);
});
