// Size-constrained k-means: k-means++ seeding, then Lloyd iterations whose assignment step is the exact
// size-constrained assignment (unconstrained argmin, then the min-cost-flow repair in size-repair.ts).
// Loop, convergence test (centre shift against tol × mean feature variance, or unchanged labels) and the final
// relabelling follow scikit-learn's Lloyd, so unconstrained runs (minSize 0) are comparable with sklearn's KMeans.
import { Rng } from '../util/rng.ts';
import { DistanceEngine, gatherRows, rowSqNorms, sqDist } from './distance-engine.ts';
import { kmeansPlusPlus } from './kmeans-plus-plus.ts';
import { NearestCentres } from './nearest-centres.ts';
import { repairSizes, type CostProvider } from './size-repair.ts';
import { validateBounds, validateShape, validateValues } from './validate.ts';

export interface IterationInfo {
  init: number;
  iteration: number;
  /** Σ_j ‖c_j(new) − c_j(old)‖². */
  shift: number;
  /** Points whose nearest centre had to be recomputed in full (the rest were settled by the bounds). */
  recomputed: number;
  /** Units moved by the size repair. */
  repairMoves: number;
  seconds: number;
}

export interface ConstrainedKMeansOptions {
  k: number;
  /** Minimum cluster size (default 10, as BluePrint's size_min). */
  minSize?: number;
  /** Optional maximum cluster size. */
  maxSize?: number;
  /** Independent seedings; the lowest inertia wins (default 10). */
  nInit?: number;
  /** Lloyd iterations per seeding (default 300). */
  maxIter?: number;
  /** Relative tolerance on the centre shift, scaled by the mean feature variance as in scikit-learn (default 1e-4). */
  tol?: number;
  seed?: number;
  /** Keep all-zero rows instead of refusing them (default false). */
  allowZeroRows?: boolean;
  /** onnxruntime intra-op threads (default 2). */
  threads?: number;
  /**
   * Points the k-means++ seeding draws from: `'all'` (scikit-learn's rule), a count (a seeded uniform sample of that
   * many points), or `'auto'` (default): all points unless n·k > 2^26 and n > SEED_SAMPLE_PER_CENTRE·k, then a sample
   * of SEED_SAMPLE_PER_CENTRE·k points. Seeding is k sequential passes over what it draws from, so at n = 236,000,
   * k = 1000 the full rule alone reads the data a thousand times; the Lloyd iterations that follow use every point.
   */
  seedSample?: SeedSample;
  onIteration?: (info: IterationInfo) => void;
}

export interface ConstrainedKMeansResult {
  labels: Int32Array;
  centroids: Float32Array;
  sizes: Int32Array;
  inertia: number;
  iterations: number;
  seconds: number;
}

interface Problem {
  data: Float32Array;
  n: number;
  d: number;
  k: number;
  minSize: number;
  maxSize: number;
  xNorm: Float64Array;
  engine: DistanceEngine;
}

export async function constrainedKMeans(
  data: Float32Array,
  n: number,
  d: number,
  opts: ConstrainedKMeansOptions,
): Promise<ConstrainedKMeansResult> {
  const t0 = performance.now();
  const k = opts.k;
  const minSize = opts.minSize ?? 10;
  const maxSize = opts.maxSize ?? Infinity;
  const nInit = opts.nInit ?? 10;
  const maxIter = opts.maxIter ?? 300;
  const tol = opts.tol ?? 1e-4;
  const seed = opts.seed ?? 42;
  validateShape(data, n, d);
  validateBounds({ k, minSize, maxSize }, n);
  if (!Number.isInteger(nInit) || nInit < 1) throw new Error(`constrained k-means: nInit must be a positive integer (got ${nInit})`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new Error(`constrained k-means: maxIter must be a positive integer (got ${maxIter})`);
  if (!(tol >= 0)) throw new Error(`constrained k-means: tol must be >= 0 (got ${tol})`);
  const xNorm = rowSqNorms(data, n, d);
  validateValues(data, n, d, xNorm, opts.allowZeroRows ?? false);

  const engine = await DistanceEngine.create(opts.threads ?? 2);
  try {
    const problem: Problem = { data, n, d, k, minSize, maxSize, xNorm, engine };
    const tolAbs = tol * meanVariance(data, n, d, xNorm);
    const rng = new Rng(seed);
    let best: Omit<ConstrainedKMeansResult, 'seconds'> | undefined;
    for (let init = 0; init < nInit; init++) {
      const initRng = rng.fork(`init-${init}`);
      const centres = await seedCentres(problem, initRng, opts.seedSample ?? 'auto');
      const run = await lloyd(problem, centres, maxIter, tolAbs, (info) => opts.onIteration?.({ ...info, init }), t0);
      if (!best || run.inertia < best.inertia) best = run;
    }
    return { ...best!, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await engine.release();
  }
}

/** Which points k-means++ seeds from: all, a sample of this many, or 'auto' (a 40·K sample when n·K > 2^26). */
export type SeedSample = number | 'all' | 'auto';

/** The default: 'auto', or 'all' (sklearn's seeding) when reproducing the reference. */
export function defaultSeedSample(compatBlueprint: boolean): SeedSample {
  return compatBlueprint ? 'all' : 'auto';
}

/** Sampled seeding draws this many points per centre (`seedSample: 'auto'`). */
export const SEED_SAMPLE_PER_CENTRE = 40;

/** How many points the seeding draws from (n: all of them). */
export function seedSampleSize(n: number, k: number, rule: SeedSample): number {
  if (rule === 'all') return n;
  if (rule === 'auto') return n * k > 2 ** 26 && n > SEED_SAMPLE_PER_CENTRE * k ? SEED_SAMPLE_PER_CENTRE * k : n;
  if (!Number.isInteger(rule) || rule < k) throw new Error(`constrained k-means: seedSample must be an integer >= k (got ${rule})`);
  return Math.min(n, rule);
}

/** k-means++ over all points, or over a seeded uniform sample of them (partial Fisher–Yates, sorted back). */
async function seedCentres(p: Problem, rng: Rng, rule: SeedSample): Promise<Float32Array> {
  const { data, n, d, k, xNorm, engine } = p;
  const m = seedSampleSize(n, k, rule);
  if (m >= n) return kmeansPlusPlus(engine, data, n, d, k, xNorm, rng);
  const pick = new Int32Array(n);
  for (let i = 0; i < n; i++) pick[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = pick[i];
    pick[i] = pick[j];
    pick[j] = t;
  }
  const idx = pick.subarray(0, m).sort();
  const sample = new Float32Array(m * d);
  gatherRows(data, d, idx, 0, m, sample);
  const norms = new Float64Array(m);
  for (let r = 0; r < m; r++) norms[r] = xNorm[idx[r]];
  return kmeansPlusPlus(engine, sample, m, d, k, norms, rng);
}

/** Mean per-feature variance, Σ‖x‖²/n − ‖mean‖² over d (float64 sums; one pass for the mean). */
function meanVariance(data: Float32Array, n: number, d: number, xNorm: Float64Array): number {
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let q = 0; q < d; q++) sum[q] += data[o + q];
  }
  let sq = 0;
  for (const v of xNorm) sq += v;
  let meanSq = 0;
  for (let q = 0; q < d; q++) meanSq += (sum[q] / n) ** 2;
  return Math.max(0, sq / n - meanSq) / d;
}

async function lloyd(
  p: Problem,
  initial: Float32Array,
  maxIter: number,
  tolAbs: number,
  report: (info: Omit<IterationInfo, 'init'>) => void,
  t0: number,
): Promise<Omit<ConstrainedKMeansResult, 'seconds'>> {
  const { data, n, d, k } = p;
  let centres = initial;
  const nearest = new NearestCentres(p.engine, data, n, d, k, p.xNorm);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  let prev: Int32Array | undefined;
  let labels: Int32Array = new Int32Array(n);
  let shifts: Float64Array | undefined;
  let strict = false;
  let iterations = 0;
  for (let it = 0; it < maxIter; it++) {
    const recomputed = await nearest.update(centres, shifts);
    const assigned = await constrainedAssignment(p, nearest, centres);
    labels = assigned.labels;
    accumulate(data, d, labels, prev, sums, counts);
    const next = meansOrKeep(sums, counts, centres, k, d);
    shifts = centreShifts(centres, next, k, d);
    centres = next;
    iterations = it + 1;
    let shiftTot = 0;
    for (const s of shifts) shiftTot += s * s;
    report({ iteration: iterations, shift: shiftTot, recomputed, repairMoves: assigned.moves, seconds: (performance.now() - t0) / 1000 });
    if (prev && equalLabels(prev, labels)) {
      strict = true;
      break;
    }
    if (shiftTot <= tolAbs) break;
    prev = labels;
  }
  if (!strict) {
    await nearest.update(centres, shifts);
    labels = (await constrainedAssignment(p, nearest, centres)).labels;
  }
  const cNorm = rowSqNorms(centres, k, d);
  let inertia = 0;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    inertia += sqDist(data, i, centres, labels[i], d, p.xNorm, cNorm);
    sizes[labels[i]]++;
  }
  return { labels, centroids: centres, sizes, inertia, iterations };
}

/** Unconstrained argmin, repaired to the size bounds by exact min-cost flow when needed. */
async function constrainedAssignment(
  p: Problem,
  nearest: NearestCentres,
  centres: Float32Array,
): Promise<{ labels: Int32Array; moves: number }> {
  const { n, k, minSize, maxSize } = p;
  const labels: Int32Array = nearest.assign.slice();
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]]++;
  let ok = true;
  for (let j = 0; j < k; j++) if (sizes[j] < minSize || sizes[j] > maxSize) ok = false;
  if (ok) return { labels, moves: 0 };
  const cur = nearest.exactSqDistances(centres);
  const stats = await repairSizes({ n, k, labels, cur, sizes, minSize, maxSize }, centreCosts(p, centres));
  return { labels, moves: stats.augmentations };
}

/** Lazy columns cost one pass over the data each; past this many, one dense n × k pass is cheaper. */
const LAZY_COLUMNS = 16;
/** Largest dense distance matrix (floats) the repair may hold: 2^28 floats = 1 GiB. */
const MAX_DENSE = 2 ** 28;

/**
 * Squared distances to the current centres, by column (all points to one centre) or by rows (some points). Columns
 * are computed one pass each until the repair has asked for LAZY_COLUMNS of them; then the whole n × k matrix is
 * computed once (when it fits in MAX_DENSE) and later requests are served from it.
 */
function centreCosts(p: Problem, centres: Float32Array): CostProvider {
  const { data, n, d, k, xNorm, engine } = p;
  const cNorm32 = Float32Array.from(rowSqNorms(centres, k, d));
  let dense: Float32Array | undefined;
  let columns = 0;
  const rowsOf = async (buf: Float32Array, m: number, first: number, idx?: Int32Array): Promise<Float32Array> => {
    const out = await engine.gemm(buf, m, d, centres, k, cNorm32);
    for (let r = 0; r < m; r++) {
      const xn = xNorm[idx ? idx[r] : first + r];
      for (let j = 0; j < k; j++) out[r * k + j] = Math.max(0, out[r * k + j] + xn);
    }
    return out;
  };
  const denseMatrix = async (): Promise<Float32Array> => {
    const all = new Float32Array(n * k);
    const block = DistanceEngine.blockRows(k);
    for (let s = 0; s < n; s += block) {
      const rows = Math.min(block, n - s);
      all.set(await rowsOf(data.subarray(s * d), rows, s), s * k);
    }
    return all;
  };
  return {
    column: async (b) => {
      const col = new Float32Array(n);
      if (!dense && ++columns > LAZY_COLUMNS && n * k <= MAX_DENSE) dense = await denseMatrix();
      if (dense) {
        for (let i = 0; i < n; i++) col[i] = dense[i * k + b];
        return col;
      }
      const c = centres.subarray(b * d, b * d + d);
      const bias = cNorm32.subarray(b, b + 1);
      const block = DistanceEngine.blockRows(1);
      for (let s = 0; s < n; s += block) {
        const rows = Math.min(block, n - s);
        const out = await engine.gemm(data.subarray(s * d), rows, d, c, 1, bias);
        for (let r = 0; r < rows; r++) col[s + r] = Math.max(0, out[r] + xNorm[s + r]);
      }
      return col;
    },
    rows: async (points) => {
      const m = points.length;
      if (dense) {
        const out = new Float32Array(m * k);
        for (let r = 0; r < m; r++) out.set(dense.subarray(points[r] * k, points[r] * k + k), r * k);
        return out;
      }
      const out = new Float32Array(m * k);
      const block = DistanceEngine.blockRows(k);
      const buf = new Float32Array(Math.min(block, m) * d);
      for (let s = 0; s < m; s += block) {
        const rows = Math.min(block, m - s);
        const idx = points.subarray(s, s + rows);
        gatherRows(data, d, idx, 0, rows, buf);
        out.set(await rowsOf(buf, rows, 0, idx), s * k);
      }
      return out;
    },
  };
}

/** Keeps per-cluster coordinate sums up to date: in full on the first call, then only for points that moved. */
function accumulate(data: Float32Array, d: number, labels: Int32Array, prev: Int32Array | undefined, sums: Float64Array, counts: Int32Array): void {
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const to = labels[i];
    const from = prev ? prev[i] : -1;
    if (from === to) continue;
    const o = i * d;
    if (from >= 0) {
      counts[from]--;
      const f = from * d;
      for (let q = 0; q < d; q++) sums[f + q] -= data[o + q];
    }
    counts[to]++;
    const t = to * d;
    for (let q = 0; q < d; q++) sums[t + q] += data[o + q];
  }
}

/** Cluster means; an empty cluster (possible only with minSize 0) keeps its previous centre. */
function meansOrKeep(sums: Float64Array, counts: Int32Array, old: Float32Array, k: number, d: number): Float32Array {
  const out = new Float32Array(k * d);
  for (let j = 0; j < k; j++) {
    const c = counts[j];
    for (let q = 0; q < d; q++) out[j * d + q] = c > 0 ? sums[j * d + q] / c : old[j * d + q];
  }
  return out;
}

function centreShifts(a: Float32Array, b: Float32Array, k: number, d: number): Float64Array {
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let q = 0; q < d; q++) {
      const v = a[j * d + q] - b[j * d + q];
      s += v * v;
    }
    out[j] = Math.sqrt(s);
  }
  return out;
}

function equalLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
