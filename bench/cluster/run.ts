// Runs constrainedKMeans on a float32 .npy for each K and prints one JSON line per K (seconds, iterations, inertia,
// smallest/largest cluster, peak RSS). Usage:
//   node --import tsx bench/cluster/run.ts --vectors bench/out/blobs.npy --k 1000 [--min-size 10] [--n-init 1]
//     [--max-iter 50] [--seed 42] [--labels-dir bench/out]
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { constrainedKMeans, readNpy, writeNpy } from '../../src/cluster/index.ts';

const { values } = parseArgs({
  options: {
    vectors: { type: 'string', default: 'bench/out/blobs.npy' },
    k: { type: 'string', default: '1000' },
    'min-size': { type: 'string', default: '10' },
    'n-init': { type: 'string', default: '1' },
    'max-iter': { type: 'string', default: '50' },
    seed: { type: 'string', default: '42' },
    'labels-dir': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const t0 = performance.now();
const arr = readNpy(values.vectors!);
if (arr.dtype !== 'float32' || arr.shape.length !== 2) throw new Error('expected a 2-D float32 .npy');
const [n, d] = arr.shape;
const loadS = (performance.now() - t0) / 1000;
const rssBase = process.memoryUsage().rss;
let peak = rssBase;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
for (const k of values.k!.split(',').map(Number)) {
  const res = await constrainedKMeans(arr.data as Float32Array, n, d, {
    k,
    minSize: Number(values['min-size']),
    nInit: Number(values['n-init']),
    maxIter: Number(values['max-iter']),
    seed: Number(values.seed),
    onIteration: values.verbose
      ? (i) => process.stderr.write(`k=${k} it=${i.iteration} shift=${i.shift.toExponential(3)} recomputed=${i.recomputed} repair=${i.repairMoves} t=${i.seconds.toFixed(1)}s\n`)
      : undefined,
  });
  peak = Math.max(peak, process.memoryUsage().rss);
  if (values['labels-dir']) writeNpy(join(values['labels-dir'], `labels_k${k}.npy`), res.labels, [n]);
  let min = Infinity;
  let max = 0;
  for (const s of res.sizes) {
    min = Math.min(min, s);
    max = Math.max(max, s);
  }
  console.log(JSON.stringify({ n, d, k, seconds: +res.seconds.toFixed(2), iterations: res.iterations, inertia: res.inertia, minCluster: min, maxCluster: max, loadSeconds: +loadS.toFixed(2), peakRssMB: Math.round(peak / 2 ** 20), rssBeyondDataMB: Math.round((peak - rssBase) / 2 ** 20) }));
}
clearInterval(timer);
