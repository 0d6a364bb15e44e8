// The unconstrained nearest centre of every point, kept up to date across Lloyd iterations with Hamerly's bounds:
// an upper bound on the distance to the assigned centre and one lower bound for all other centres. Only points whose
// bounds fail (after tightening the upper bound exactly) get a full distance row, computed as a block Gemm.
import { DistanceEngine, gatherRows, rowSqNorms, sqDist } from './distance-engine.ts';

export class NearestCentres {
  /** Index of the nearest centre (unconstrained argmin). */
  readonly assign: Int32Array;
  private readonly upper: Float64Array;
  private readonly lower: Float64Array;
  /** Exact squared distance to assign[i], valid when stamp[i] equals the current round. */
  private readonly exactSq: Float64Array;
  private readonly stamp: Int32Array;
  private round = 0;
  private cNorm: Float64Array = new Float64Array(0);

  constructor(
    private readonly engine: DistanceEngine,
    private readonly data: Float32Array,
    private readonly n: number,
    private readonly d: number,
    private readonly k: number,
    private readonly xNorm: Float64Array,
  ) {
    this.assign = new Int32Array(n);
    this.upper = new Float64Array(n);
    this.lower = new Float64Array(n);
    this.exactSq = new Float64Array(n);
    this.stamp = new Int32Array(n);
  }

  /**
   * Brings the nearest centres up to date for new `centres`; `shifts` are the distances each centre moved since the
   * previous call (omit on the first call). Returns how many points needed a full distance row.
   */
  async update(centres: Float32Array, shifts?: Float64Array): Promise<number> {
    const { n, k, d, data, xNorm, assign, upper, lower } = this;
    this.round++;
    this.cNorm = rowSqNorms(centres, k, d);
    if (!shifts) return this.recompute(centres, Int32Array.from({ length: n }, (_, i) => i));
    let max1 = 0;
    let max2 = 0;
    let arg1 = -1;
    for (let j = 0; j < k; j++) {
      const s = shifts[j];
      if (s > max1) {
        max2 = max1;
        max1 = s;
        arg1 = j;
      } else if (s > max2) max2 = s;
    }
    const half = await this.halfSeparations(centres);
    const todo: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = assign[i];
      upper[i] += shifts[a];
      lower[i] -= a === arg1 ? max2 : max1;
      const m = Math.max(half[a], lower[i]);
      if (upper[i] <= m) continue;
      const sq = sqDist(data, i, centres, a, d, xNorm, this.cNorm);
      this.exactSq[i] = sq;
      this.stamp[i] = this.round;
      upper[i] = Math.sqrt(sq);
      if (upper[i] > m) todo.push(i);
    }
    return this.recompute(centres, Int32Array.from(todo));
  }

  /** Exact squared distance of every point to its nearest centre, for the size repair. */
  exactSqDistances(centres: Float32Array): Float64Array {
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      out[i] = this.stamp[i] === this.round ? this.exactSq[i] : sqDist(this.data, i, centres, this.assign[i], this.d, this.xNorm, this.cNorm);
    }
    return out;
  }

  /** Half the distance from each centre to its closest other centre (no point nearer than that can switch). */
  private async halfSeparations(centres: Float32Array): Promise<Float64Array> {
    const { k, d } = this;
    const half = new Float64Array(k).fill(Infinity);
    const bias = Float32Array.from(this.cNorm);
    const block = DistanceEngine.blockRows(k);
    for (let s = 0; s < k; s += block) {
      const rows = Math.min(block, k - s);
      const out = await this.engine.gemm(centres.subarray(s * d), rows, d, centres, k, bias);
      for (let r = 0; r < rows; r++) {
        const j = s + r;
        let m = Infinity;
        for (let q = 0; q < k; q++) {
          if (q === j) continue;
          const v = out[r * k + q] + this.cNorm[j];
          if (v < m) m = v;
        }
        half[j] = 0.5 * Math.sqrt(Math.max(0, m));
      }
    }
    return half;
  }

  private async recompute(centres: Float32Array, idx: Int32Array): Promise<number> {
    const { k, d, data, xNorm, assign, upper, lower } = this;
    const bias = Float32Array.from(this.cNorm);
    const block = DistanceEngine.blockRows(k);
    const buf = new Float32Array(Math.min(block, idx.length) * d);
    for (let s = 0; s < idx.length; s += block) {
      const rows = Math.min(block, idx.length - s);
      gatherRows(data, d, idx, s, rows, buf);
      const out = await this.engine.gemm(buf, rows, d, centres, k, bias);
      for (let r = 0; r < rows; r++) {
        const i = idx[s + r];
        let b1 = Infinity;
        let b2 = Infinity;
        let a = 0;
        const o = r * k;
        for (let j = 0; j < k; j++) {
          const v = out[o + j];
          if (v < b1) {
            b2 = b1;
            b1 = v;
            a = j;
          } else if (v < b2) b2 = v;
        }
        const best = Math.max(0, b1 + xNorm[i]);
        assign[i] = a;
        upper[i] = Math.sqrt(best);
        lower[i] = Math.sqrt(Math.max(0, b2 + xNorm[i]));
        this.exactSq[i] = best;
        this.stamp[i] = this.round;
      }
    }
    return idx.length;
  }
}
