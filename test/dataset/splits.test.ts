import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignSplits, parseSplitFractions } from '../../src/dataset/splits.ts';

test('splits are stratified by cluster, seeded and reproducible', () => {
  const clusters = new Int32Array(3000);
  for (let i = 0; i < clusters.length; i++) clusters[i] = i < 2000 ? 0 : i < 2900 ? 1 : 2;
  const a = assignSplits(clusters, 25, 42);
  assert.deepEqual(a, assignSplits(clusters, 25, 42));
  assert.notDeepEqual(a, assignSplits(clusters, 25, 43));
  const count = (c: number, s: number) => {
    let n = 0;
    for (let i = 0; i < a.length; i++) if (clusters[i] === c && a[i] === s) n++;
    return n;
  };
  assert.deepEqual([count(0, 0), count(0, 1), count(0, 2)], [1600, 200, 200]);
  assert.deepEqual([count(1, 0), count(1, 1), count(1, 2)], [720, 90, 90]);
  assert.deepEqual([count(2, 0), count(2, 1), count(2, 2)], [80, 10, 10]);
});

test('tiny clusters and custom fractions', () => {
  assert.deepEqual([...assignSplits([5], 2, 1)], [0]);
  const f = parseSplitFractions('70/20/10');
  assert.ok(Math.abs(f.validation - 0.2) < 1e-12 && Math.abs(f.test - 0.1) < 1e-12);
  const s = assignSplits(new Int32Array(10), 2, 1, f);
  assert.deepEqual([0, 1, 2].map((x) => s.filter((v) => v === x).length), [7, 2, 1]);
  assert.throws(() => parseSplitFractions('80/20'), /TRAIN\/VALIDATION\/TEST/);
});
