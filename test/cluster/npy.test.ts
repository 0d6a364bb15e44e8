import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy } from '../../src/cluster/npy.ts';

const FIX = 'fixtures/cluster-npy';

test('reads NumPy-written float32 (v1 and v2 headers) and int32 arrays', () => {
  const a = readNpy(join(FIX, 'f32_3x4.npy'));
  assert.equal(a.dtype, 'float32');
  assert.deepEqual(a.shape, [3, 4]);
  assert.deepEqual(Array.from(a.data), Array.from({ length: 12 }, (_, i) => (i - 5.5) / 4));
  const b = readNpy(join(FIX, 'f32_v2_2x3.npy'));
  assert.deepEqual(b.shape, [2, 3]);
  assert.deepEqual(Array.from(b.data), Array.from(Float32Array.of(1.5, -2, 3, 4, 5, 6e-3)));
  const c = readNpy(join(FIX, 'i32_5.npy'));
  assert.equal(c.dtype, 'int32');
  assert.deepEqual(Array.from(c.data), [3, -1, 0, 7, 2 ** 31 - 1]);
});

test('refuses float64, Fortran order and non-npy files with clear messages', () => {
  assert.throws(() => readNpy(join(FIX, 'f64_2x2.npy')), /unsupported dtype <f8/);
  assert.throws(() => readNpy(join(FIX, 'f32_fortran.npy')), /Fortran-order/);
  assert.throws(() => readNpy(join(FIX, 'PROVENANCE.md')), /not a \.npy file/);
});

test('writeNpy round-trips and matches NumPy byte for byte', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-'));
  try {
    const src = readNpy(join(FIX, 'f32_3x4.npy'));
    const out = join(dir, 'a.npy');
    writeNpy(out, src.data, [3, 4]);
    assert.deepEqual(readFileSync(out), readFileSync(join(FIX, 'f32_3x4.npy')));
    const labels = Int32Array.of(4, 0, -2);
    writeNpy(join(dir, 'l.npy'), labels, [3]);
    const back = readNpy(join(dir, 'l.npy'));
    assert.deepEqual(back.shape, [3]);
    assert.deepEqual(back.data, labels);
    assert.throws(() => writeNpy(join(dir, 'x.npy'), labels, [2, 2]), /does not match/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
