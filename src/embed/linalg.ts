// Small dense linear algebra in plain JS over row-major Float64Arrays: Gram matrices, Cholesky QR (with a
// Gram–Schmidt fallback for rank-deficient input), and the Jacobi eigen solver.
import type { Rng } from '../util/rng.ts';

/** G = AᵀA for A row-major (rows × l); returns G (l × l, symmetric, row-major). Rows go four at a time. */
export function gram(a: Float64Array, rows: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * l, o1 = o0 + l, o2 = o1 + l, o3 = o2 + l;
    for (let i = 0; i < l; i++) {
      const a0 = a[o0 + i], a1 = a[o1 + i], a2 = a[o2 + i], a3 = a[o3 + i];
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const gi = i * l;
      for (let j = i; j < l; j++) g[gi + j] += a0 * a[o0 + j] + a1 * a[o1 + j] + a2 * a[o2 + j] + a3 * a[o3 + j];
    }
  }
  for (; r < rows; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const ai = a[o + i];
      if (ai === 0) continue;
      const gi = i * l;
      for (let j = i; j < l; j++) g[gi + j] += ai * a[o + j];
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) g[i * l + j] = g[j * l + i];
  return g;
}

/** Lower-triangular L with G = L Lᵀ, or undefined when G is not (numerically) positive definite. */
export function cholesky(g: Float64Array, l: number): Float64Array | undefined {
  const c = new Float64Array(l * l);
  let maxDiag = 0;
  for (let i = 0; i < l; i++) maxDiag = Math.max(maxDiag, g[i * l + i]);
  for (let j = 0; j < l; j++) {
    let s = g[j * l + j];
    for (let k = 0; k < j; k++) s -= c[j * l + k] ** 2;
    if (!(s > 1e-12 * maxDiag)) return undefined;
    const d = Math.sqrt(s);
    c[j * l + j] = d;
    for (let i = j + 1; i < l; i++) {
      let t = g[i * l + j];
      for (let k = 0; k < j; k++) t -= c[i * l + k] * c[j * l + k];
      c[i * l + j] = t / d;
    }
  }
  return c;
}

/** Inverse of a lower-triangular matrix (row-major l × l). */
function invertLower(c: Float64Array, l: number): Float64Array {
  const inv = new Float64Array(l * l);
  for (let j = 0; j < l; j++) {
    inv[j * l + j] = 1 / c[j * l + j];
    for (let i = j + 1; i < l; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= c[i * l + k] * inv[k * l + j];
      inv[i * l + j] = s / c[i * l + i];
    }
  }
  return inv;
}

/** One Cholesky QR step in place: A ← A L⁻ᵀ (so that AᵀA = I). False when the Gram matrix is not positive definite. */
function cholQrStep(a: Float64Array, rows: number, l: number): boolean {
  const c = cholesky(gram(a, rows, l), l);
  if (!c) return false;
  const inv = invertLower(c, l); // row k of L⁻¹ = column k of L⁻ᵀ; z = a L⁻ᵀ means z_j = Σ_{k≤j} a_k (L⁻¹)_{jk}
  const mt = new Float64Array(l * l); // mt[k][j] = (L⁻¹)_{jk}, non-zero for j ≥ k: z = Σ_k a_k · mt[k]
  for (let j = 0; j < l; j++) for (let k = 0; k <= j; k++) mt[k * l + j] = inv[j * l + k];
  const z = new Float64Array(l);
  for (let r = 0; r < rows; r++) {
    const o = r * l;
    z.fill(0);
    let k = 0;
    for (; k + 4 <= l; k += 4) {
      // four rows of mt per pass over z (mt is zero left of its diagonal, so starting at column k is exact)
      const a0 = a[o + k], a1 = a[o + k + 1], a2 = a[o + k + 2], a3 = a[o + k + 3];
      const m0 = k * l, m1 = m0 + l, m2 = m1 + l, m3 = m2 + l;
      for (let j = k; j < l; j++) z[j] += a0 * mt[m0 + j] + a1 * mt[m1 + j] + a2 * mt[m2 + j] + a3 * mt[m3 + j];
    }
    for (; k < l; k++) {
      const ak = a[o + k];
      const mk = k * l;
      for (let j = k; j < l; j++) z[j] += ak * mt[mk + j];
    }
    a.set(z, o);
  }
  return true;
}

/**
 * Orthonormalises the columns of A (row-major rows × l) in place. Cholesky QR twice (CholeskyQR2: fast, and
 * accurate for condition numbers up to ~1e7); when the columns are (nearly) dependent it falls back to modified
 * Gram–Schmidt, which replaces a collapsed column by a random direction orthogonal to the earlier ones.
 * `passes: 1` is enough where only a well-conditioned basis is needed (between power iterations).
 */
export function orthonormalize(a: Float64Array, rows: number, l: number, rng: Rng, opts: { passes?: 1 | 2 } = {}): void {
  if (l <= rows && cholQrStep(a, rows, l) && (opts.passes === 1 || cholQrStep(a, rows, l))) return;
  const cols = Array.from({ length: l }, (_, j) => {
    const c = new Float64Array(rows);
    for (let r = 0; r < rows; r++) c[r] = a[r * l + j];
    return c;
  });
  gramSchmidt(cols, rng);
  cols.forEach((c, j) => {
    for (let r = 0; r < rows; r++) a[r * l + j] = c[r];
  });
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Modified Gram–Schmidt on columns, each projected twice; collapsed columns become random orthogonal ones. */
export function gramSchmidt(cols: Float64Array[], rng: Rng): void {
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
