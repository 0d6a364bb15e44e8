// Gaussian kernel density estimation in d dimensions with a full-covariance kernel H = h²·Σ̂ (Scott or Silverman
// factor h), evaluated by whitening with Σ̂'s Cholesky factor so the kernel is isotropic. Densities stay in log space.
import { Rng } from '../util/rng.ts';
import { cholesky, colMeans, covariance, forwardSolveInPlace, logDetFromCholesky, whiten } from './linalg.ts';
import { selectRows, type Points } from './types.ts';

export type BandwidthRule = 'scott' | 'silverman';

export function bandwidthFactor(rule: BandwidthRule, n: number, d: number): number {
  const base = n ** (-1 / (d + 4));
  return rule === 'scott' ? base : (4 / (d + 2)) ** (1 / (d + 4)) * base;
}

export class GaussianKde {
  readonly n: number;
  readonly d: number;
  readonly h: number;
  private readonly mean: Float64Array;
  private readonly chol: Float64Array;
  private readonly z: Points;
  private readonly logNorm: number;

  constructor(data: Points, opts: { bandwidth?: BandwidthRule | number } = {}) {
    if (data.n < 2) throw new RangeError('a KDE needs at least 2 points');
    this.n = data.n;
    this.d = data.d;
    this.mean = colMeans(data);
    this.chol = cholesky(covariance(data, this.mean), data.d);
    this.z = whiten(data, this.mean, this.chol);
    const bw = opts.bandwidth ?? 'scott';
    this.h = typeof bw === 'number' ? bw : bandwidthFactor(bw, data.n, data.d);
    // log of the kernel's normalising constant: (2π)^(d/2) · h^d · |Σ|^(1/2)
    this.logNorm = 0.5 * this.d * Math.log(2 * Math.PI) + this.d * Math.log(this.h) + 0.5 * logDetFromCholesky(this.chol, this.d);
  }

  /**
   * log p̂(x) for every row of `pts`. With `leaveOneOut`, `pts` must be the KDE's own data, and point i's own kernel
   * is left out (so an isolated point is not credited with its own mass).
   */
  logDensity(pts: Points, opts: { leaveOneOut?: boolean } = {}): Float64Array {
    const { d, n } = this;
    if (pts.d !== d) throw new RangeError(`points have ${pts.d} dimensions, KDE has ${d}`);
    const loo = opts.leaveOneOut === true;
    if (loo && pts.n !== n) throw new RangeError('leave-one-out needs the KDE data itself');
    const zq = whiten(pts, this.mean, this.chol);
    const zs = this.z.data;
    const inv2h2 = 1 / (2 * this.h * this.h);
    const out = new Float64Array(pts.n);
    const terms = new Float64Array(n);
    const q = new Float64Array(d);
    const count = loo ? n - 1 : n;
    for (let i = 0; i < pts.n; i++) {
      for (let k = 0; k < d; k++) q[k] = zq.data[i * d + k];
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) {
          const t = q[k] - zs[j * d + k];
          s += t * t;
        }
        const v = loo && j === i ? -Infinity : -s * inv2h2;
        terms[j] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      if (max > -Infinity) for (let j = 0; j < n; j++) sum += Math.exp(terms[j] - max);
      out[i] = max === -Infinity ? -Infinity : max + Math.log(sum) - Math.log(count) - this.logNorm;
    }
    return out;
  }

  /** Solves with the KDE's Cholesky factor (exposed for tests). */
  whitenOne(x: ArrayLike<number>): Float64Array {
    const v = Float64Array.from(x, (xi, k) => xi - this.mean[k]);
    forwardSolveInPlace(this.chol, this.d, v);
    return v;
  }
}

/** At most `max` rows, drawn without replacement (all rows when there are fewer). */
export function subsample(p: Points, max: number, rng: Rng): Points {
  if (p.n <= max) return p;
  const idx = rng.shuffle(Array.from({ length: p.n }, (_, i) => i)).slice(0, max).sort((a, b) => a - b);
  return selectRows(p, idx);
}
