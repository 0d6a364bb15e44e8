// Sampled k-means++ seeding: when it applies, and that the constrained result stays exact and deterministic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constrainedKMeans, SEED_SAMPLE_PER_CENTRE, seedSampleSize } from '../../src/cluster/constrained-kmeans.ts';
import { Rng } from '../../src/util/rng.ts';

test('seedSampleSize: all points unless n·k is large and the sample is a real saving', () => {
  assert.equal(seedSampleSize(236_000, 1000, 'auto'), SEED_SAMPLE_PER_CENTRE * 1000);
  assert.equal(seedSampleSize(236_000, 100, 'auto'), 236_000, 'n·k = 2.4e7 is seeded on all points');
  assert.equal(seedSampleSize(30_000, 1000, 'auto'), 30_000, 'fewer points than the sample would hold');
  assert.equal(seedSampleSize(236_000, 1000, 'all'), 236_000);
  assert.equal(seedSampleSize(5000, 10, 700), 700);
  assert.throws(() => seedSampleSize(5000, 10, 5), /seedSample must be an integer >= k/);
});

test('a sampled seeding still gives the exact size-constrained clustering, deterministically', async () => {
  const rng = new Rng(5);
  const n = 3000;
  const d = 12;
  const k = 30;
  const centres = Array.from({ length: 8 }, () => Array.from({ length: d }, () => rng.normal() * 5));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const b = Math.min(7, Math.floor(rng.next() ** 3 * 8)); // uneven blobs: the minimum size binds
    for (let q = 0; q < d; q++) data[i * d + q] = centres[b][q] + rng.normal();
  }
  const opts = { k, minSize: 40, nInit: 1, maxIter: 30, seed: 3, seedSample: 600 } as const;
  const a = await constrainedKMeans(data, n, d, opts);
  const b = await constrainedKMeans(data, n, d, opts);
  assert.deepEqual(a.labels, b.labels);
  assert.ok(Math.min(...a.sizes) >= 40);
  const all = await constrainedKMeans(data, n, d, { ...opts, seedSample: 'all' });
  assert.ok(Math.min(...all.sizes) >= 40);
  // same method after the seeding: the two inertias are of the same order (the sample only moves the start)
  assert.ok(a.inertia < all.inertia * 1.15 && all.inertia < a.inertia * 1.15, `${a.inertia} vs ${all.inertia}`);
});
