// The bounded nearest-centre search (Hamerly bounds + candidate centres) must give exactly the brute-force argmin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DistanceEngine, rowSqNorms } from '../../src/cluster/distance-engine.ts';
import { NearestCentres } from '../../src/cluster/nearest-centres.ts';
import { Rng } from '../../src/util/rng.ts';

function blobs(rng: Rng, n: number, d: number, nBlobs: number, spread: number): Float32Array {
  const centres = Array.from({ length: nBlobs }, () => Array.from({ length: d }, () => rng.normal() * spread));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const b = rng.int(nBlobs);
    for (let q = 0; q < d; q++) data[i * d + q] = centres[b][q] + rng.normal();
  }
  return data;
}

function sq(data: Float32Array, i: number, c: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let q = 0; q < d; q++) s += (data[i * d + q] - c[j * d + q]) ** 2;
  return s;
}

/** Lloyd steps driven by the tracker; after every update each point's centre must be a true nearest one. */
async function check(n: number, d: number, k: number, nBlobs: number, spread: number, seed: number): Promise<{ recomputed: number[] }> {
  const rng = new Rng(seed);
  const data = blobs(rng, n, d, nBlobs, spread);
  const engine = await DistanceEngine.create(1);
  try {
    const nearest = new NearestCentres(engine, data, n, d, k, rowSqNorms(data, n, d));
    let centres = new Float32Array(k * d);
    for (let j = 0; j < k; j++) {
      const i = rng.int(n);
      centres.set(data.subarray(i * d, i * d + d), j * d);
    }
    let shifts: Float64Array | undefined;
    const recomputed: number[] = [];
    for (let it = 0; it < 8; it++) {
      recomputed.push(await nearest.update(centres, shifts));
      assert.equal(nearest.firstBrokenBound(centres), -1, `iteration ${it}: a bound does not hold`);
      for (let i = 0; i < n; i++) {
        const got = sq(data, i, centres, nearest.assign[i], d);
        let best = Infinity;
        for (let j = 0; j < k; j++) best = Math.min(best, sq(data, i, centres, j, d));
        assert.ok(got <= best * (1 + 1e-4) + 1e-6, `iteration ${it}, point ${i}: assigned ${got}, nearest ${best}`);
      }
      // next centres: means of the assignment (empty clusters keep theirs)
      const sums = new Float64Array(k * d);
      const counts = new Int32Array(k);
      for (let i = 0; i < n; i++) {
        const a = nearest.assign[i];
        counts[a]++;
        for (let q = 0; q < d; q++) sums[a * d + q] += data[i * d + q];
      }
      const next = new Float32Array(k * d);
      shifts = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let q = 0; q < d; q++) {
          next[j * d + q] = counts[j] ? sums[j * d + q] / counts[j] : centres[j * d + q];
          s += (next[j * d + q] - centres[j * d + q]) ** 2;
        }
        shifts[j] = Math.sqrt(s);
      }
      centres = next;
    }
    return { recomputed };
  } finally {
    await engine.release();
  }
}

test('candidate-pruned nearest centres equal the brute-force argmin on separated blobs', async () => {
  await check(3000, 24, 40, 12, 6, 1);
});

test('... and on overlapping blobs in higher dimension, where most candidates stay in play', async () => {
  await check(1500, 96, 60, 50, 0.8, 2);
});

test('... and with more centres than blobs (blobs split between centres)', async () => {
  await check(2500, 16, 90, 20, 5, 3);
});

test('... and with fewer centres than blobs, centres travelling far between iterations', async () => {
  await check(2000, 8, 15, 40, 10, 4);
});
