// The size repair must reach the exact optimum of the transportation LP; HiGHS solves the same LP as an oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import highsModule from 'highs';
import { Rng } from '../../src/util/rng.ts';
import { repairSizes, type CostProvider } from '../../src/cluster/size-repair.ts';

interface Instance {
  n: number;
  k: number;
  cost: Float64Array; // n × k
}

/** Squared distances from clumpy random points to random centres, so that some clusters come out small or big. */
function instance(seed: number, n: number, k: number, d = 3): Instance {
  const rng = new Rng(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal() * 3));
  const hubs = Array.from({ length: 3 }, () => Array.from({ length: d }, () => rng.normal() * 3));
  const cost = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const hub = hubs[rng.int(hubs.length)];
    const x = hub.map((h) => h + rng.normal() * 1.5);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let q = 0; q < d; q++) s += (x[q] - centres[j][q]) ** 2;
      cost[i * k + j] = s;
    }
  }
  return { n, k, cost };
}

function provider({ n, k, cost }: Instance): CostProvider {
  return {
    column: async (b) => {
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) col[i] = cost[i * k + b];
      return col;
    },
    rows: async (points) => {
      const out = new Float64Array(points.length * k);
      points.forEach((i, r) => out.set(cost.subarray(i * k, (i + 1) * k), r * k));
      return out;
    },
  };
}

async function repaired(inst: Instance, minSize: number, maxSize: number) {
  const { n, k, cost } = inst;
  const labels = new Int32Array(n);
  const cur = new Float64Array(n);
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (cost[i * k + j] < cost[i * k + best]) best = j;
    labels[i] = best;
    cur[i] = cost[i * k + best];
    sizes[best]++;
  }
  const before = sizes.slice();
  const stats = await repairSizes({ n, k, labels, cur, sizes, minSize, maxSize }, provider(inst));
  let total = 0;
  const check = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    total += cost[i * k + labels[i]];
    assert.equal(cur[i], cost[i * k + labels[i]]);
    check[labels[i]]++;
  }
  assert.deepEqual(check, sizes);
  return { total, sizes, before, stats };
}

// highs ships CommonJS typings; under ESM the default import is the loader function itself.
const highsLoader = ((highsModule as any).default ?? highsModule) as typeof highsModule.default;
type Highs = Awaited<ReturnType<typeof highsLoader>>;

function lpOptimum(inst: Instance, minSize: number, maxSize: number, highs: Highs): number {
  const { n, k, cost } = inst;
  const v = (i: number, j: number) => `x${i}_${j}`;
  const lines = ['Minimize', ' obj:'];
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) lines.push(` + ${cost[i * k + j].toPrecision(17)} ${v(i, j)}`);
  lines.push('Subject To');
  for (let i = 0; i < n; i++) lines.push(` p${i}: ${Array.from({ length: k }, (_, j) => v(i, j)).join(' + ')} = 1`);
  for (let j = 0; j < k; j++) {
    const col = Array.from({ length: n }, (_, i) => v(i, j)).join(' + ');
    if (minSize > 0) lines.push(` lo${j}: ${col} >= ${minSize}`);
    if (Number.isFinite(maxSize)) lines.push(` hi${j}: ${col} <= ${maxSize}`);
  }
  lines.push('End');
  const sol = highs.solve(lines.join('\n'));
  assert.equal(sol.Status, 'Optimal');
  return sol.ObjectiveValue;
}

const cases = [
  { name: 'n=2000 K=20 min 80', seed: 1, n: 2000, k: 20, min: 80, max: Infinity },
  { name: 'n=2000 K=20 tight min 100 (n = K·min)', seed: 2, n: 2000, k: 20, min: 100, max: Infinity },
  { name: 'n=1500 K=15 max 130', seed: 3, n: 1500, k: 15, min: 0, max: 130 },
  { name: 'n=1200 K=12 min 70 max 130', seed: 4, n: 1200, k: 12, min: 70, max: 130 },
  { name: 'n=600 K=20 min 25 max 40', seed: 5, n: 600, k: 20, min: 25, max: 40 },
];

test('size repair equals the HiGHS LP optimum (min and max sizes)', async () => {
  const highs = await highsLoader();
  for (const c of cases) {
    const inst = instance(c.seed, c.n, c.k);
    const { total, sizes, before, stats } = await repaired(inst, c.min, c.max);
    const violated = Array.from(before).some((s) => s < c.min || s > c.max);
    assert.ok(violated, `${c.name}: the instance should need a repair`);
    assert.ok(stats.augmentations > 0);
    for (const s of sizes) assert.ok(s >= c.min && s <= c.max, `${c.name}: size ${s} out of [${c.min}, ${c.max}]`);
    const opt = lpOptimum(inst, c.min, c.max, highs);
    assert.ok(Math.abs(total - opt) <= 1e-6 * Math.abs(opt), `${c.name}: repair ${total} vs LP ${opt}`);
  }
});

test('size repair equals the LP optimum on many small random instances', async () => {
  const highs = await highsLoader();
  for (let seed = 100; seed < 112; seed++) {
    const rng = new Rng(seed);
    const k = 3 + rng.int(8);
    const n = k * (10 + rng.int(30));
    const min = rng.int(Math.floor(n / k));
    const max = rng.next() < 0.5 ? Infinity : Math.ceil(n / k) + rng.int(20);
    const inst = instance(seed, n, k, 2);
    const { total, sizes } = await repaired(inst, min, max);
    for (const s of sizes) assert.ok(s >= min && s <= max);
    const opt = lpOptimum(inst, min, max, highs);
    assert.ok(Math.abs(total - opt) <= 1e-6 * Math.max(1, Math.abs(opt)), `seed ${seed}: repair ${total} vs LP ${opt}`);
  }
});

test('size repair leaves a feasible argmin untouched', async () => {
  const inst = instance(9, 300, 3);
  const { before, sizes, stats } = await repaired(inst, 1, Infinity);
  assert.deepEqual(sizes, before);
  assert.equal(stats.augmentations, 0);
});
