import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/util/rng.ts';
import { readNpy, writeNpy } from '../../src/cluster/npy.ts';

function simpact(args: string[]) {
  return spawnSync(process.execPath, ['bin/simpact.js', ...args], { encoding: 'utf8', env: { ...process.env, SIMPACT_QUIET: '1' } });
}

test('simpact cluster --vectors writes labels per K and reports sizes, inertia, iterations, seconds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-cli-'));
  try {
    const n = 200;
    const d = 5;
    const rng = new Rng(4);
    const data = Float32Array.from({ length: n * d }, () => rng.normal());
    const vectors = join(dir, 'v.npy');
    writeNpy(vectors, data, [n, d]);
    const out = join(dir, 'out');
    const res = simpact(['cluster', '--vectors', vectors, '--k', '2,7', '--min-size', '20', '--n-init', '2', '--out', out, '--json']);
    assert.equal(res.status, 0, res.stderr);
    const report = JSON.parse(res.stdout);
    assert.equal(report.n, n);
    assert.equal(report.d, d);
    assert.deepEqual(report.perK.map((r: { k: number }) => r.k), [2, 7]);
    for (const r of report.perK) {
      assert.equal(r.sizes.length, r.k);
      assert.ok(r.sizes.every((s: number) => s >= 20));
      assert.ok(r.inertia > 0 && r.iterations >= 1 && r.seconds >= 0);
      const labels = readNpy(r.labelsFile);
      assert.equal(labels.dtype, 'int32');
      const counts = new Array(r.k).fill(0);
      for (const l of labels.data) counts[l]++;
      assert.deepEqual(counts, r.sizes);
    }
    const infeasible = simpact(['cluster', '--vectors', vectors, '--k', '2,25', '--min-size', '10', '--out', out]);
    assert.equal(infeasible.status, 2);
    assert.match(infeasible.stderr, /infeasible: 200 points cannot fill 25 clusters of at least 10/);
    data[3 * d + 1] = NaN;
    writeNpy(vectors, data, [n, d]);
    const nan = simpact(['cluster', '--vectors', vectors, '--k', '2', '--out', out]);
    assert.equal(nan.status, 2);
    assert.match(nan.stderr, /row 3 \(0-based\), column 1 is NaN/);
    data[3 * d + 1] = 0;
    data.fill(0, 5 * d, 6 * d);
    writeNpy(vectors, data, [n, d]);
    const zero = simpact(['cluster', '--vectors', vectors, '--k', '2', '--out', out]);
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /1 all-zero vector\(s\), the first at row 5 .*keep them with --allow-zero-vectors/);
    const kept = simpact(['cluster', '--vectors', vectors, '--k', '2', '--n-init', '1', '--allow-zero-vectors', '--out', out]);
    assert.equal(kept.status, 0, kept.stderr);
    const missing = simpact(['cluster', '--vectors', join(dir, 'nope.npy'), '--k', '2']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
