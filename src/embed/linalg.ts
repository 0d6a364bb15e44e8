// Small dense linear algebra in plain JS: Gram–Schmidt orthonormalisation and the Jacobi eigen solver.
import type { Rng } from '../util/rng.ts';

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Orthonormalises columns in place (modified Gram–Schmidt, each column projected twice: "twice is enough").
 * A column that collapses to ~0 (rank deficiency) is replaced by a random vector orthogonal to the earlier ones.
 */
export function orthonormalize(cols: Float64Array[], rng: Rng): void {
  for (let j = 0; j < cols.length; j++) {
    const v = cols[j];
    const before = Math.sqrt(dot(v, v));
    for (let attempt = 0; ; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < j; i++) {
          const u = cols[i];
          const r = dot(u, v);
          for (let t = 0; t < v.length; t++) v[t] -= r * u[t];
        }
      }
      const norm = Math.sqrt(dot(v, v));
      if (norm > 1e-10 * Math.max(before, 1e-300) && norm > 1e-300) {
        for (let t = 0; t < v.length; t++) v[t] /= norm;
        break;
      }
      if (attempt > 3 || j >= v.length) {
        v.fill(0); // more columns than dimensions: leave a zero column
        break;
      }
      for (let t = 0; t < v.length; t++) v[t] = rng.normal();
    }
  }
}

/**
 * Eigen decomposition of a symmetric matrix (row-major n×n) by cyclic Jacobi rotations.
 * Returns eigenvalues in descending order and the matching eigenvectors as columns (row-major n×n).
 */
export function jacobiEigen(a: Float64Array, n: number, maxSweeps = 60): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += m[p * n + p] ** 2;
      for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    }
    if (off <= 1e-22 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i] || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}
