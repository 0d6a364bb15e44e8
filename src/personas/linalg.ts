// Small dense linear algebra for d×d problems (d = 5): mean, covariance, Cholesky, triangular solves.
import type { Points } from './types.ts';

export function colMeans(p: Points): Float64Array {
  const m = new Float64Array(p.d);
  for (let i = 0; i < p.n; i++) for (let j = 0; j < p.d; j++) m[j] += p.data[i * p.d + j];
  for (let j = 0; j < p.d; j++) m[j] /= p.n;
  return m;
}

/** Sample covariance (n−1 denominator), row-major d×d. */
export function covariance(p: Points, mean = colMeans(p)): Float64Array {
  const { n, d, data } = p;
  const c = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const da = data[i * d + a] - mean[a];
      for (let b = a; b < d; b++) c[a * d + b] += da * (data[i * d + b] - mean[b]);
    }
  }
  const denom = Math.max(1, n - 1);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      c[a * d + b] /= denom;
      c[b * d + a] = c[a * d + b];
    }
  }
  return c;
}

export function correlation(cov: Float64Array, d: number): Float64Array {
  const r = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      const s = Math.sqrt(cov[a * d + a] * cov[b * d + b]);
      r[a * d + b] = s > 0 ? cov[a * d + b] / s : a === b ? 1 : 0;
    }
  }
  return r;
}

/**
 * Lower-triangular L with L·Lᵀ = A. A tiny ridge is added when A is not numerically positive definite
 * (e.g. a trait with zero variance in a small sample), so whitening never fails on degenerate data.
 */
export function cholesky(a: Float64Array, d: number): Float64Array {
  let ridge = 0;
  const scale = Math.max(1e-300, ...Array.from({ length: d }, (_, i) => Math.abs(a[i * d + i])));
  for (let attempt = 0; attempt < 12; attempt++) {
    const l = tryCholesky(a, d, ridge);
    if (l) return l;
    ridge = ridge === 0 ? 1e-10 * scale : ridge * 10;
  }
  throw new RangeError('covariance is not positive definite, even with a ridge');
}

function tryCholesky(a: Float64Array, d: number, ridge: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j] + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j];
      }
    }
  }
  return l;
}

/** Solves L·z = x in place (forward substitution). */
export function forwardSolveInPlace(l: Float64Array, d: number, x: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * x[k];
    x[i] = s / l[i * d + i];
  }
}

export function logDetFromCholesky(l: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += 2 * Math.log(l[i * d + i]);
  return s;
}

/** z_i = L⁻¹(x_i − mean) for every row. */
export function whiten(p: Points, mean: Float64Array, l: Float64Array): Points {
  const out = new Float64Array(p.data.length);
  const buf = new Float64Array(p.d);
  for (let i = 0; i < p.n; i++) {
    for (let j = 0; j < p.d; j++) buf[j] = p.data[i * p.d + j] - mean[j];
    forwardSolveInPlace(l, p.d, buf);
    out.set(buf, i * p.d);
  }
  return { n: p.n, d: p.d, data: out };
}

export function logSumExp(xs: ArrayLike<number>, len = xs.length): number {
  let m = -Infinity;
  for (let i = 0; i < len; i++) if (xs[i] > m) m = xs[i];
  if (m === -Infinity) return -Infinity;
  if (m === Infinity) return Infinity;
  let s = 0;
  for (let i = 0; i < len; i++) s += Math.exp(xs[i] - m);
  return m + Math.log(s);
}

export function median(xs: ArrayLike<number>): number {
  const s = Float64Array.from(xs).sort();
  if (s.length === 0) return NaN;
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
