// Embedding-space metrics (spec §9), computed as sklearn/numpy compute them: cosine on l2-normalised rows (a zero row
// has cosine 0 with everything), numpy histogram bin edges and bin membership, JS divergence in log2.

/** Rows scaled to unit length in float64 (zero rows stay zero), as sklearn's cosine_similarity does. */
export function normalizeRows(rows: readonly ArrayLike<number>[]): Float64Array[] {
  return rows.map((r) => {
    let ss = 0;
    for (let i = 0; i < r.length; i++) ss += r[i] * r[i];
    const n = Math.sqrt(ss);
    const out = new Float64Array(r.length);
    if (n > 0) for (let i = 0; i < r.length; i++) out[i] = r[i] / n;
    return out;
  });
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function mean(rows: readonly ArrayLike<number>[]): Float64Array {
  const dim = rows[0]?.length ?? 0;
  const out = new Float64Array(dim);
  for (const r of rows) for (let i = 0; i < dim; i++) out[i] += r[i];
  for (let i = 0; i < dim; i++) out[i] /= rows.length;
  return out;
}

/** cos(mean(R), mean(G)). */
export function centroidCosine(real: readonly ArrayLike<number>[], gen: readonly ArrayLike<number>[]): number {
  if (!real.length || !gen.length) return NaN;
  const [a, b] = normalizeRows([mean(real), mean(gen)]);
  return dot(a, b);
}

/** For each generated row, its best cosine to any real row. */
export function bestMatchCosines(realN: readonly Float64Array[], genN: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(genN.length);
  for (let g = 0; g < genN.length; g++) {
    let best = -Infinity;
    for (const r of realN) {
      const c = dot(genN[g], r);
      if (c > best) best = c;
    }
    out[g] = best;
  }
  return out;
}

/** Reference `max_cosine_similarity`: the single best (g, r) pair. */
export function maxCosine(realN: readonly Float64Array[], genN: readonly Float64Array[]): number {
  if (!realN.length || !genN.length) return NaN;
  let m = -Infinity;
  for (const v of bestMatchCosines(realN, genN)) if (v > m) m = v;
  return m;
}

/** `np.linspace(0, 2, 50)`: i * step with the last edge set exactly to the stop. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const step = (stop - start) / (num - 1);
  const out = Float64Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

/** np.histogram's bin of v: [e_i, e_i+1) with the last bin closed; -1 outside [e_0, e_last]. */
export function binIndex(v: number, edges: Float64Array): number {
  const nb = edges.length - 1;
  if (!(v >= edges[0] && v <= edges[nb])) return -1;
  if (v === edges[nb]) return nb - 1;
  let a = 0;
  let b = nb; // largest i with edges[i] <= v
  while (b - a > 1) {
    const m = (a + b) >> 1;
    if (edges[m] <= v) a = m;
    else b = m;
  }
  return a;
}

/** `np.histogram(values, bins=edges)` counts; out-of-range values are dropped. */
export function histogramCounts(values: Iterable<number>, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length - 1);
  for (const v of values) {
    const i = binIndex(v, edges);
    if (i >= 0) counts[i]++;
  }
  return counts;
}

/**
 * All n² within-set cosine distances 1 − cos (diagonal included). A self-distance is exactly 0 (1 for a zero row,
 * whose cosine sklearn defines as 0). In the reference it is 1 − (a·a) after rounding, ±2e-16, and np.histogram
 * drops the negative ones, so which diagonal entries count there depends on BLAS rounding; here all of them count.
 */
export function* withinDistances(rowsN: readonly Float64Array[]): Generator<number> {
  for (let i = 0; i < rowsN.length; i++) {
    for (let j = 0; j < rowsN.length; j++) yield i === j ? (isZero(rowsN[i]) ? 1 : 0) : 1 - dot(rowsN[i], rowsN[j]);
  }
}

function isZero(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

/** Histogram counts of all n² within-set distances (see withinDistances); each off-diagonal pair computed once. */
export function withinDistanceCounts(rowsN: readonly Float64Array[], edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length - 1);
  for (let i = 0; i < rowsN.length; i++) {
    const d = binIndex(isZero(rowsN[i]) ? 1 : 0, edges);
    if (d >= 0) counts[d]++;
    for (let j = i + 1; j < rowsN.length; j++) {
      const k = binIndex(1 - dot(rowsN[i], rowsN[j]), edges);
      if (k >= 0) counts[k] += 2;
    }
  }
  return counts;
}

/** The reference histogram: density over 49 bins on [0, 2], non-zero bins only, keyed by bin index. */
export function densityHistogram(values: Iterable<number> | readonly Float64Array[]): Map<number, number> {
  const edges = linspace(0, 2, 50);
  const counts = Array.isArray(values) && values[0] instanceof Float64Array ? withinDistanceCounts(values as Float64Array[], edges) : histogramCounts(values as Iterable<number>, edges);
  let total = 0;
  for (const c of counts) total += c;
  const out = new Map<number, number>();
  for (let i = 0; i < counts.length; i++) {
    const d = counts[i] / (edges[i + 1] - edges[i]) / total;
    if (d > 0) out.set(i, d);
  }
  return out;
}

/** The reference `js_divergence` over two sparse histograms (normalised here), log base 2. */
export function jsDivergence(p: Map<number, number>, q: Map<number, number>): number {
  const keys = [...new Set([...p.keys(), ...q.keys()])].sort((a, b) => a - b);
  let ps = 0;
  for (const v of p.values()) ps += v;
  let qs = 0;
  for (const v of q.values()) qs += v;
  let klp = 0;
  let klq = 0;
  for (const k of keys) {
    const pk = (p.get(k) ?? 0) / ps;
    const qk = (q.get(k) ?? 0) / qs;
    const m = (pk + qk) / 2;
    if (pk > 0) klp += pk * Math.log2(pk / m);
    if (qk > 0) klq += qk * Math.log2(qk / m);
  }
  return (klp + klq) / 2;
}

export function embeddingJsDivergence(realN: readonly Float64Array[], genN: readonly Float64Array[]): number {
  if (!realN.length || !genN.length) return NaN;
  return jsDivergence(densityHistogram(realN), densityHistogram(genN));
}
