// Randomized truncated SVD of a sparse matrix (Halko, Martinsson & Tropp 2011, algorithm 4.4: Gaussian sketch with
// oversampling, q power iterations with re-orthonormalisation). Returns the top-k right singular vectors (the LSA
// components) and singular values; seeded, so reproducible.
import { Rng } from '../util/rng.ts';
import { symmetricEigen } from './eigen.ts';
import { gram, orthonormalize } from './linalg.ts';
import { csrTimesDense, csrTransposeTimesDense, type Csr } from './sparse.ts';

export interface SvdOptions {
  seed: number;
  oversampling?: number;
  powerIterations?: number;
}

export interface TruncatedSvd {
  /** Rank actually computed: min(k, rows, cols). */
  k: number;
  singularValues: Float64Array;
  /** Right singular vectors, term-major: components[term * k + t]. */
  components: Float64Array;
}

export function randomizedSvd(x: Csr, k: number, opts: SvdOptions): TruncatedSvd {
  const rng = new Rng(opts.seed);
  const rank = Math.min(k, x.nRows, x.nCols);
  const l = Math.min(rank + (opts.oversampling ?? 10), x.nRows, x.nCols);
  const omega = gaussian(x.nCols * l, rng);
  const iterations = opts.powerIterations ?? 2;
  // As scikit-learn's randomized_range_finder: up to 2 power iterations run without re-orthonormalisation in between
  // (the conditioning stays far inside what float64 holds); more iterations re-orthonormalise each half-step.
  const normalizeBetween = iterations > 2;
  let q = csrTimesDense(x, omega, l);
  if (normalizeBetween) orthonormalize(q, x.nRows, l, rng, { passes: 1 });
  for (let it = 0; it < iterations; it++) {
    const z = csrTransposeTimesDense(x, q, l);
    if (normalizeBetween) orthonormalize(z, x.nCols, l, rng, { passes: 1 });
    else scaleColumns(z, x.nCols, l);
    q = csrTimesDense(x, z, l);
    if (normalizeBetween && it < iterations - 1) orthonormalize(q, x.nRows, l, rng, { passes: 1 });
  }
  orthonormalize(q, x.nRows, l, rng); // the final basis must be orthonormal (CholeskyQR2, Gram–Schmidt fallback)
  // B = Qᵀ X (l × nCols), held as Bᵀ (nCols × l). Its SVD comes from the eigen decomposition of B Bᵀ (l × l).
  const bt = csrTransposeTimesDense(x, q, l);
  const eig = symmetricEigen(gram(bt, x.nCols, l), l);
  const singularValues = new Float64Array(rank);
  const scale = new Float64Array(rank); // 1/σ_t, 0 for a null direction
  for (let t = 0; t < rank; t++) {
    singularValues[t] = Math.sqrt(Math.max(eig.values[t], 0));
    scale[t] = singularValues[t] > 1e-12 ? 1 / singularValues[t] : 0;
  }
  // V = Bᵀ U Σ⁻¹ (nCols × rank), term-major.
  const components = new Float64Array(x.nCols * rank);
  const u = new Float64Array(l * rank);
  for (let i = 0; i < l; i++) for (let t = 0; t < rank; t++) u[i * rank + t] = eig.vectors[i * l + t] * scale[t];
  for (let c = 0; c < x.nCols; c++) {
    const bo = c * l;
    const vo = c * rank;
    let i = 0;
    for (; i + 4 <= l; i += 4) {
      const b0 = bt[bo + i], b1 = bt[bo + i + 1], b2 = bt[bo + i + 2], b3 = bt[bo + i + 3];
      const u0 = i * rank, u1 = u0 + rank, u2 = u1 + rank, u3 = u2 + rank;
      for (let t = 0; t < rank; t++) components[vo + t] += b0 * u[u0 + t] + b1 * u[u1 + t] + b2 * u[u2 + t] + b3 * u[u3 + t];
    }
    for (; i < l; i++) {
      const b = bt[bo + i];
      const uo = i * rank;
      for (let t = 0; t < rank; t++) components[vo + t] += b * u[uo + t];
    }
  }
  // Deterministic signs: each component's largest-magnitude entry is positive (as sklearn's svd_flip).
  for (let t = 0; t < rank; t++) {
    let best = 0;
    for (let c = 1; c < x.nCols; c++) if (Math.abs(components[c * rank + t]) > Math.abs(components[best * rank + t])) best = c;
    if (components[best * rank + t] < 0) for (let c = 0; c < x.nCols; c++) components[c * rank + t] = -components[c * rank + t];
  }
  return { k: rank, singularValues, components };
}

/** Scales every column to unit length (keeps magnitudes bounded across power iterations; directions unchanged). */
function scaleColumns(a: Float64Array, rows: number, l: number): void {
  const norms = new Float64Array(l);
  for (let r = 0; r < rows; r++) for (let j = 0; j < l; j++) norms[j] += a[r * l + j] ** 2;
  for (let j = 0; j < l; j++) norms[j] = norms[j] > 0 ? 1 / Math.sqrt(norms[j]) : 0;
  for (let r = 0; r < rows; r++) for (let j = 0; j < l; j++) a[r * l + j] *= norms[j];
}

/** Standard normals, two per Box–Muller draw. */
function gaussian(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    let u = 0;
    while (u === 0) u = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * rng.next();
    out[i] = r * Math.cos(a);
    if (i + 1 < n) out[i + 1] = r * Math.sin(a);
  }
  return out;
}
