// Pure numeric diagnostics over row-major vectors (n × d): sampled silhouette, 2-D PCA, cosine medoids.
import { Rng } from '../util/rng.ts';

/**
 * Mean silhouette over a seeded sample of at most `sampleSize` points (as sklearn's silhouette_score with
 * sample_size: distances only within the sample). Euclidean. Undefined when the sample has fewer than 2 clusters.
 */
export function sampledSilhouette(
  data: Float32Array,
  n: number,
  d: number,
  labels: ArrayLike<number>,
  opts: { sampleSize?: number; seed: number },
): { value: number | undefined; sampled: number } {
  const size = Math.min(opts.sampleSize ?? 2000, n);
  const idx = Array.from({ length: n }, (_, i) => i);
  const sample = size < n ? new Rng(opts.seed).shuffle(idx).slice(0, size).sort((a, b) => a - b) : idx;
  const labelIds = [...new Set(sample.map((i) => labels[i]))].sort((a, b) => a - b);
  if (labelIds.length < 2) return { value: undefined, sampled: size };
  const slot = new Map(labelIds.map((l, j) => [l, j]));
  const counts = new Float64Array(labelIds.length);
  for (const i of sample) counts[slot.get(labels[i])!]++;
  const norms = sample.map((i) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += data[i * d + t] ** 2;
    return s;
  });
  const sums = new Float64Array(size * labelIds.length); // sum of distances from sample point a to each cluster
  for (let a = 0; a < size; a++) {
    const ia = sample[a] * d;
    for (let b = a + 1; b < size; b++) {
      const ib = sample[b] * d;
      let dotp = 0;
      for (let t = 0; t < d; t++) dotp += data[ia + t] * data[ib + t];
      const dist = Math.sqrt(Math.max(norms[a] + norms[b] - 2 * dotp, 0));
      sums[a * labelIds.length + slot.get(labels[sample[b]])!] += dist;
      sums[b * labelIds.length + slot.get(labels[sample[a]])!] += dist;
    }
  }
  let total = 0;
  for (let a = 0; a < size; a++) {
    const own = slot.get(labels[sample[a]])!;
    if (counts[own] <= 1) continue; // sklearn: s = 0 for a singleton cluster
    const inner = sums[a * labelIds.length + own] / (counts[own] - 1);
    let nearest = Infinity;
    for (let c = 0; c < labelIds.length; c++) if (c !== own && counts[c] > 0) nearest = Math.min(nearest, sums[a * labelIds.length + c] / counts[c]);
    const denom = Math.max(inner, nearest);
    total += denom > 0 ? (nearest - inner) / denom : 0;
  }
  return { value: total / size, sampled: size };
}

/**
 * Projection on the first two principal components (power iteration with deflation on the centred data; seeded).
 * Returns coordinates (n × 2, row-major) and the fraction of variance each component explains.
 */
export function pca2(data: Float32Array, n: number, d: number, seed: number): { coords: Float64Array; explained: [number, number] } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += data[i * d + t] / n;
  let totalVar = 0;
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) totalVar += (data[i * d + t] - mean[t]) ** 2;
  const rng = new Rng(seed);
  const comps: Float64Array[] = [];
  const eig: number[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(d).map(() => rng.normal());
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      for (const u of comps) orthogonalize(v, u);
      const w = covTimes(data, n, d, mean, v);
      for (const u of comps) orthogonalize(w, u);
      const norm = Math.hypot(...w);
      if (norm === 0) {
        v = new Float64Array(d);
        lambda = 0;
        break;
      }
      let change = 0;
      for (let t = 0; t < d; t++) change += Math.abs(w[t] / norm - v[t]);
      v = w.map((x) => x / norm);
      const converged = Math.abs(norm - lambda) <= 1e-9 * norm && change < 1e-7;
      lambda = norm;
      if (converged) break;
    }
    let best = 0;
    for (let t = 1; t < d; t++) if (Math.abs(v[t]) > Math.abs(v[best])) best = t;
    if (v[best] < 0) v = v.map((x) => -x);
    comps.push(v);
    eig.push(lambda);
  }
  const coords = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (data[i * d + t] - mean[t]) * comps[c][t];
      coords[i * 2 + c] = s;
    }
  }
  return { coords, explained: [totalVar > 0 ? eig[0] / totalVar : 0, totalVar > 0 ? eig[1] / totalVar : 0] };
}

/** (XcᵀXc) v for the centred data, i.e. n × the covariance times v. */
function covTimes(data: Float32Array, n: number, d: number, mean: Float64Array, v: Float64Array): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += (data[i * d + t] - mean[t]) * v[t];
    if (s === 0) continue;
    for (let t = 0; t < d; t++) out[t] += s * (data[i * d + t] - mean[t]);
  }
  return out;
}

function orthogonalize(v: Float64Array, u: Float64Array): void {
  let s = 0;
  for (let t = 0; t < v.length; t++) s += v[t] * u[t];
  for (let t = 0; t < v.length; t++) v[t] -= s * u[t];
}

/**
 * Indices of the `top` medoids of a set of vectors under cosine similarity: the points whose summed similarity to
 * all others is largest (exact: Σ_j cos(i,j) = û_i · Σ_j û_j). Zero vectors are never chosen.
 */
export function cosineMedoids(vectors: readonly Float32Array[], top: number): number[] {
  if (vectors.length === 0) return [];
  const d = vectors[0].length;
  const units = vectors.map((v) => {
    const norm = Math.hypot(...v);
    return norm > 0 ? Float64Array.from(v, (x) => x / norm) : undefined;
  });
  const sum = new Float64Array(d);
  for (const u of units) if (u) for (let t = 0; t < d; t++) sum[t] += u[t];
  const scored: Array<[number, number]> = [];
  units.forEach((u, i) => {
    if (!u) return;
    let s = 0;
    for (let t = 0; t < d; t++) s += u[t] * sum[t];
    scored.push([s, i]);
  });
  scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return scored.slice(0, top).map(([, i]) => i);
}
