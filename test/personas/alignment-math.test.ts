import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { cholesky, covariance, colMeans, logSumExp } from '../../src/personas/linalg.ts';
import { GaussianKde, bandwidthFactor } from '../../src/personas/kde.ts';
import { effectiveSampleSize, importanceWeights, systematicResample, weightedSampleWithoutReplacement } from '../../src/personas/importance.ts';
import { partialAssignment, sinkhorn, squaredCost } from '../../src/personas/sinkhorn.ts';
import { compareToReference, correlationDistance, ksStatistic, mmdRbf, slicedWasserstein, wasserstein1 } from '../../src/personas/metrics.ts';
import { pointsFromRows, type Points } from '../../src/personas/types.ts';
import { alignToReference } from '../../src/personas/align.ts';
import { energyDistance, refineByEnergy } from '../../src/personas/energy.ts';
import { selectRows } from '../../src/personas/types.ts';

function gaussian(n: number, d: number, rng: Rng, shift = 0): Points {
  return pointsFromRows(Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal() + shift)));
}

test('Cholesky reproduces the matrix and survives a singular covariance', () => {
  const a = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
  const l = cholesky(a, 3);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += l[i * 3 + k] * l[j * 3 + k];
      assert.ok(Math.abs(s - a[i * 3 + j]) < 1e-12);
    }
  const constCol = pointsFromRows([[1, 2], [2, 2], [3, 2]]);
  const c = cholesky(covariance(constCol, colMeans(constCol)), 2);
  assert.ok(c[3] > 0 && Number.isFinite(c[3]));
});

test('the KDE equals the brute-force full-covariance Gaussian mixture', () => {
  const rng = new Rng(3);
  const data = pointsFromRows(Array.from({ length: 40 }, () => [rng.normal(), 2 * rng.normal() + 0.5 * rng.normal()]));
  const kde = new GaussianKde(data);
  assert.ok(Math.abs(kde.h - bandwidthFactor('scott', 40, 2)) < 1e-15);
  // Scott's factor n^(−1/(d+4)) (H = h²·Σ̂ = n^(−2/(d+4))·Σ̂); Silverman's (4/(d+2))^(1/(d+4)) times it
  assert.ok(Math.abs(bandwidthFactor('scott', 1000, 5) - 1000 ** (-1 / 9)) < 1e-15);
  assert.ok(Math.abs(bandwidthFactor('silverman', 1000, 5) - (4 / 7) ** (1 / 9) * 1000 ** (-1 / 9)) < 1e-15);
  const cov = covariance(data, colMeans(data));
  const H = Array.from(cov, (v) => v * kde.h * kde.h);
  const det = H[0] * H[3] - H[1] * H[2];
  const inv = [H[3] / det, -H[1] / det, -H[2] / det, H[0] / det];
  const q = pointsFromRows([[0.3, -1], [2, 3]]);
  const got = kde.logDensity(q);
  for (let i = 0; i < 2; i++) {
    let s = 0;
    for (let j = 0; j < 40; j++) {
      const dx = q.data[i * 2] - data.data[j * 2];
      const dy = q.data[i * 2 + 1] - data.data[j * 2 + 1];
      s += Math.exp(-0.5 * (dx * (inv[0] * dx + inv[1] * dy) + dy * (inv[2] * dx + inv[3] * dy))) / (2 * Math.PI * Math.sqrt(det));
    }
    assert.ok(Math.abs(got[i] - Math.log(s / 40)) < 1e-9, `${got[i]} vs ${Math.log(s / 40)}`);
  }
  const loo = kde.logDensity(data, { leaveOneOut: true });
  const full = kde.logDensity(data);
  assert.ok(loo.every((v, i) => v < full[i] + Math.log(40 / 39) + 1e-12));
});

test('importance weights are normalised in log space, clipped, and up-weight the under-covered side', () => {
  const rng = new Rng(5);
  const reference = gaussian(800, 2, rng);
  const pool = gaussian(600, 2, rng, 0.8);
  const w = importanceWeights(pool, reference, { seed: 1, clipTau: 5 });
  assert.ok(Math.abs(logSumExp(w.logWeights)) < 1e-9);
  assert.ok(w.ess > 1 && w.ess <= pool.n + 1e-9);
  assert.ok(w.ess >= w.essBeforeClip - 1e-9);
  // clipped weights all sit exactly at the cap, the largest weight
  const maxLog = Math.max(...w.logWeights);
  assert.ok(w.clipped > 0);
  assert.equal(w.logWeights.filter((v) => v === maxLog).length, w.clipped);
  // points on the reference's side (low coordinates) get more weight than those on the far side
  let low = 0;
  let high = 0;
  for (let i = 0; i < pool.n; i++) {
    const s = pool.data[2 * i] + pool.data[2 * i + 1];
    if (s < 0) low += Math.exp(w.logWeights[i]);
    else if (s > 3.2) high += Math.exp(w.logWeights[i]);
  }
  assert.ok(low > 5 * high, `${low} vs ${high}`);
  assert.equal(effectiveSampleSize([0, 0, 0, 0]), 4);
  assert.ok(Math.abs(effectiveSampleSize([0, -Infinity, -Infinity]) - 1) < 1e-12);
});

test('weighted sampling without replacement follows the weights and is seeded', () => {
  const logW = [Math.log(0.7), Math.log(0.2), Math.log(0.1), -Infinity];
  const firsts = [0, 0, 0, 0];
  const rng = new Rng(9);
  for (let t = 0; t < 4000; t++) firsts[weightedSampleWithoutReplacement(logW, 1, rng)[0]]++;
  assert.ok(Math.abs(firsts[0] / 4000 - 0.7) < 0.03 && Math.abs(firsts[2] / 4000 - 0.1) < 0.02 && firsts[3] === 0);
  const all = weightedSampleWithoutReplacement(logW, 4, new Rng(1));
  assert.deepEqual([...all].sort(), [0, 1, 2, 3]);
  assert.equal(all[3], 3); // zero weight comes last
  assert.deepEqual(weightedSampleWithoutReplacement(logW, 3, new Rng(2)), weightedSampleWithoutReplacement(logW, 3, new Rng(2)));
  const sys = systematicResample([Math.log(0.5), Math.log(0.25), Math.log(0.25)], 8, new Rng(4));
  assert.deepEqual(sys.filter((i) => i === 0).length, 4);
});

test('log-domain Sinkhorn meets both marginals; partial assignment picks distinct near rows', () => {
  const rng = new Rng(11);
  const x = gaussian(60, 3, rng);
  const y = gaussian(20, 3, rng, 0.3);
  const c = squaredCost(x, y);
  const a = new Float64Array(60).fill(1 / 60);
  const b = new Float64Array(20).fill(1 / 20);
  const s = sinkhorn(c, a, b, { epsilonScale: 0.05, tolerance: 1e-9, maxIterations: 5000 });
  assert.ok(s.converged, `marginal error ${s.marginalError}`);
  for (let j = 0; j < 20; j++) {
    let col = 0;
    for (let i = 0; i < 60; i++) col += Math.exp((s.f[i] + s.g[j] - c[i * 20 + j]) / s.epsilon);
    assert.ok(Math.abs(col - 1 / 20) < 1e-9);
  }
  const pa = partialAssignment(c, 60, 20);
  assert.equal(new Set(pa.pick).size, 20);
  // better than matching each target to a random distinct row
  const randomRows = new Rng(1).shuffle(Array.from({ length: 60 }, (_, i) => i)).slice(0, 20);
  const randomCost = randomRows.reduce((t, i, j) => t + c[i * 20 + j], 0) / 20;
  assert.ok(pa.meanMatchedCost < 0.5 * randomCost, `${pa.meanMatchedCost} vs ${randomCost}`);
  // n = m: a perfect matching of a set to itself
  const self = partialAssignment(squaredCost(y, y), 20, 20, { epsilonScale: 0.01 });
  assert.deepEqual(self.pick, Array.from({ length: 20 }, (_, i) => i));
});

test('metrics: W1, KS, sliced W, MMD and correlation distance behave as defined', () => {
  assert.ok(Math.abs(wasserstein1([0, 1, 2], [0.5, 1.5, 2.5]) - 0.5) < 1e-12);
  assert.ok(Math.abs(wasserstein1([0, 0, 1, 1], [0, 1]) - 0) < 1e-12);
  assert.ok(Math.abs(wasserstein1([0], [0, 3]) - 1.5) < 1e-12);
  assert.equal(ksStatistic([1, 2, 3], [1, 2, 3]), 0);
  assert.equal(ksStatistic([1, 2], [3, 4]), 1);
  const rng = new Rng(2);
  const a = gaussian(300, 5, rng);
  const b = gaussian(300, 5, rng, 0.5);
  assert.equal(mmdRbf(a, a, 1), 0);
  assert.ok(mmdRbf(a, b, 2) > mmdRbf(a, gaussian(300, 5, rng), 2));
  assert.equal(slicedWasserstein(a, b, 16, new Rng(1)), slicedWasserstein(a, b, 16, new Rng(1)));
  assert.equal(correlationDistance(a, a), 0);
  const m = compareToReference(b, a, { projections: 16 });
  assert.ok(Math.abs(m.perTrait.O.meanGap - 0.5) < 0.2 && m.perTrait.O.w1 > 0.3);
  // mean and SD gaps are signed (set − reference): a set shifted by −1 and spread ×2 has Δmean −1 and ΔSD +1
  const ref = pointsFromRows([[1, 1, 1, 1, 1], [2, 2, 2, 2, 2], [3, 3, 3, 3, 3]]);
  const wide = pointsFromRows([[-2, -2, -2, -2, -2], [1, 1, 1, 1, 1], [4, 4, 4, 4, 4]]); // SD 3 against 1
  const g = compareToReference(pointsFromRows([[-1, -1, -1, -1, -1], [1, 1, 1, 1, 1], [3, 3, 3, 3, 3]]), ref, { projections: 4 });
  assert.ok(Math.abs(g.perTrait.E.meanGap - -1) < 1e-12 && Math.abs(g.perTrait.E.sdGap - 1) < 1e-12, JSON.stringify(g.perTrait.E));
  assert.ok(Math.abs(compareToReference(wide, ref, { projections: 4 }).perTrait.N.sdGap - 2) < 1e-12);
  assert.deepEqual(compareToReference(b, a, { projections: 16 }), m);
});

test('alignment is seeded: same inputs and seed, same set; another seed, another set', () => {
  const rng = new Rng(13);
  const reference = gaussian(300, 5, rng);
  const pool = gaussian(200, 5, rng, 0.4);
  const a = alignToReference(pool, reference, { targetSize: 40, seed: 3 });
  assert.deepEqual(alignToReference(pool, reference, { targetSize: 40, seed: 3 }).selected, a.selected);
  assert.notDeepEqual(alignToReference(pool, reference, { targetSize: 40, seed: 4 }).selected, a.selected);
  assert.equal(new Set(a.selected).size, 40);
  assert.deepEqual(alignToReference(pool, reference, { targetSize: 40, seed: 3, skipOt: true }).selected, a.importanceOnly);
  assert.throws(() => alignToReference(pool, reference, { targetSize: 201, seed: 3 }), /fewer than the 201/);
});

test('energy distance is zero for a set against itself, grows with a shift, and the swap refinement lowers it', () => {
  const rng = new Rng(31);
  const y = gaussian(200, 3, rng);
  assert.ok(Math.abs(energyDistance(y, y)) < 1e-12);
  const near = gaussian(200, 3, rng, 0.2);
  const far = gaussian(200, 3, rng, 1);
  assert.ok(energyDistance(far, y) > energyDistance(near, y) && energyDistance(near, y) > 0);
  // Candidates: half from the reference's law, half shifted; start from the 40 most shifted and refine.
  const x = pointsFromRows([...Array.from({ length: 60 }, () => [rng.normal(), rng.normal(), rng.normal()]), ...Array.from({ length: 60 }, () => [rng.normal() + 1.5, rng.normal(), rng.normal()])]);
  const start = Array.from({ length: 40 }, (_, i) => 60 + i);
  const r = refineByEnergy(x, y, start, new Rng(2));
  assert.equal(r.selected.length, 40);
  assert.equal(new Set(r.selected).size, 40);
  assert.ok(Math.abs(r.energyBefore - energyDistance(selectRows(x, start), y)) < 1e-9);
  assert.ok(Math.abs(r.energyAfter - energyDistance(selectRows(x, r.selected), y)) < 1e-9, 'the incremental objective tracks the real energy distance');
  assert.ok(r.energyAfter < 0.3 * r.energyBefore && r.swaps > 0);
  const mean0 = (idx: number[]) => idx.reduce((t, i) => t + x.data[i * 3], 0) / idx.length;
  assert.ok(mean0(start) > 1.2 && Math.abs(mean0(r.selected)) < 0.2, `shift on the first axis: ${mean0(start)} → ${mean0(r.selected)}`);
  assert.deepEqual(refineByEnergy(x, y, start, new Rng(2)).selected, r.selected);
  assert.throws(() => refineByEnergy(x, y, [1, 1], new Rng(2)), /distinct/);
});
