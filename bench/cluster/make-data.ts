// Writes a seeded synthetic float32 .npy of Gaussian blobs with uneven blob sizes (some blobs are tiny, so the
// minimum cluster size binds at large K). Usage:
//   node --import tsx bench/cluster/make-data.ts [--n 236000] [--d 1024] [--blobs 300] [--seed 7] [--out bench/out/blobs.npy]
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../../src/util/rng.ts';
import { writeNpy } from '../../src/cluster/npy.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '236000' },
    d: { type: 'string', default: '1024' },
    blobs: { type: 'string', default: '300' },
    seed: { type: 'string', default: '7' },
    out: { type: 'string', default: 'bench/out/blobs.npy' },
  },
});
const n = Number(values.n);
const d = Number(values.d);
const blobs = Number(values.blobs);
const rng = new Rng(Number(values.seed));

const centres = new Float32Array(blobs * d);
for (let i = 0; i < centres.length; i++) centres[i] = rng.normal();
const spread = Float64Array.from({ length: blobs }, () => 0.3 + rng.next() * 0.5);
// Zipf-like blob weights: blob b has weight 1/(b+1)^0.8.
const weights = Float64Array.from({ length: blobs }, (_, b) => 1 / Math.pow(b + 1, 0.8));
const cum = new Float64Array(blobs);
let acc = 0;
weights.forEach((w, b) => (cum[b] = acc += w));

const data = new Float32Array(n * d);
for (let i = 0; i < n; i++) {
  const u = rng.next() * acc;
  let b = 0;
  while (cum[b] < u) b++;
  const s = spread[b];
  for (let q = 0; q < d; q++) data[i * d + q] = centres[b * d + q] + s * rng.normal();
}
mkdirSync(dirname(values.out!), { recursive: true });
writeNpy(values.out!, data, [n, d]);
process.stderr.write(`wrote ${values.out} (${n} × ${d}, ${blobs} blobs)\n`);
