// Randomized truncated SVD of a sparse matrix (Halko, Martinsson & Tropp 2011, algorithm 4.4 with power iterations).
// Returns the top-k right singular vectors (the LSA components) and singular values; seeded, so reproducible.
import { Rng } from '../util/rng.ts';
import { dot, jacobiEigen, orthonormalize } from './linalg.ts';
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
  const omega = Array.from({ length: l }, () => {
    const c = new Float64Array(x.nCols);
    for (let i = 0; i < c.length; i++) c[i] = rng.normal();
    return c;
  });
  let q = csrTimesDense(x, omega);
  orthonormalize(q, rng);
  for (let it = 0; it < (opts.powerIterations ?? 2); it++) {
    const z = csrTransposeTimesDense(x, q);
    orthonormalize(z, rng);
    q = csrTimesDense(x, z);
    orthonormalize(q, rng);
  }
  // B = Qᵀ X (l × nCols), held as Bᵀ columns. Its SVD comes from the eigen decomposition of B Bᵀ (l × l).
  const bt = csrTransposeTimesDense(x, q);
  const gram = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let j = i; j < l; j++) {
      const g = dot(bt[i], bt[j]);
      gram[i * l + j] = g;
      gram[j * l + i] = g;
    }
  }
  const eig = jacobiEigen(gram, l);
  const singularValues = new Float64Array(rank);
  const components = new Float64Array(x.nCols * rank);
  for (let t = 0; t < rank; t++) {
    const sigma = Math.sqrt(Math.max(eig.values[t], 0));
    singularValues[t] = sigma;
    if (sigma <= 1e-12) continue; // a null direction: its component stays zero
    // v_t = Bᵀ u_t / σ_t
    const v = new Float64Array(x.nCols);
    for (let i = 0; i < l; i++) {
      const w = eig.vectors[i * l + t] / sigma;
      if (w === 0) continue;
      const col = bt[i];
      for (let c = 0; c < v.length; c++) v[c] += w * col[c];
    }
    // Deterministic sign: the largest-magnitude entry is positive (as sklearn's svd_flip).
    let best = 0;
    for (let c = 1; c < v.length; c++) if (Math.abs(v[c]) > Math.abs(v[best])) best = c;
    const sign = v[best] < 0 ? -1 : 1;
    for (let c = 0; c < v.length; c++) components[c * rank + t] = sign * v[c];
  }
  return { k: rank, singularValues, components };
}
