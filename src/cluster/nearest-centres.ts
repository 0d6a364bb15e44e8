// The unconstrained nearest centre of every point, kept up to date across Lloyd iterations with Hamerly's bounds:
// an upper bound on the distance to the assigned centre and one lower bound for all other centres. Only points whose
// bounds fail (after tightening the upper bound exactly) get distances computed, and only to the centres that can
// still be nearer (Exponion-style): a point x of centre a with exact distance u can only be nearer to c_j when
// ‖c_a − c_j‖ < 2u, since ‖x − c_j‖ ≥ ‖c_a − c_j‖ − u. Points are grouped by centre, and each group is one Gemm
// against its candidate centres, so later iterations cost a fraction of a full n × k pass on clustered data.
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
  /** Compute failed points against candidate centres only (exact; off only to compare with the plain method). */
  pruneCandidates = true;

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
    const cc = await this.centreDistances(centres);
    const half = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let m = Infinity;
      for (let q = 0; q < k; q++) if (q !== j && cc[j * k + q] < m) m = cc[j * k + q];
      half[j] = 0.5 * m;
    }
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
    if (this.pruneCandidates) return this.recomputeAmongCandidates(centres, Int32Array.from(todo), cc);
    return this.recompute(centres, Int32Array.from(todo));
  }

  /** Centre-to-centre distances (k × k, not squared). */
  private async centreDistances(centres: Float32Array): Promise<Float64Array> {
    const { k, d } = this;
    const cc = new Float64Array(k * k);
    const bias = Float32Array.from(this.cNorm);
    const block = DistanceEngine.blockRows(k);
    for (let s = 0; s < k; s += block) {
      const rows = Math.min(block, k - s);
      const out = await this.engine.gemm(centres.subarray(s * d), rows, d, centres, k, bias);
      for (let r = 0; r < rows; r++) {
        const j = s + r;
        for (let q = 0; q < k; q++) cc[j * k + q] = q === j ? 0 : Math.sqrt(Math.max(0, out[r * k + q] + this.cNorm[j]));
      }
    }
    return cc;
  }

  /**
   * Full nearest/second-nearest for the points in `idx`, each against only the centres that can beat its current
   * one: for the points of centre a (exact distances u_i, R = max u_i), the candidates are the centres within 2R of
   * c_a (a itself included). Every other centre is at least ‖c_a − c_j‖ − u_i away, which bounds the second
   * distance from below. Groups whose candidates are most centres use the plain full row.
   */
  private async recomputeAmongCandidates(centres: Float32Array, idx: Int32Array, cc: Float64Array): Promise<number> {
    const { k, d, data, xNorm, assign, upper, lower } = this;
    if (idx.length === 0) return 0;
    // Group the points by their current centre (counting sort keeps the order within a group).
    const start = new Int32Array(k + 1);
    for (const i of idx) start[assign[i] + 1]++;
    for (let j = 0; j < k; j++) start[j + 1] += start[j];
    const order = new Int32Array(idx.length);
    const fill = start.slice(0, k);
    for (const i of idx) order[fill[assign[i]]++] = i;
    const full: number[] = [];
    const cand = new Int32Array(k);
    let cbuf = new Float32Array(0);
    let xbuf = new Float32Array(0);
    for (let a = 0; a < k; a++) {
      const m = start[a + 1] - start[a];
      if (m === 0) continue;
      let r = 0;
      for (let p = start[a]; p < start[a + 1]; p++) r = Math.max(r, upper[order[p]]);
      // Slack for float32 rounding in the Gemm distances.
      const reach = 2 * r * (1 + 1e-5) + 1e-6;
      let nc = 0;
      let outside = Infinity;
      const row = a * k;
      for (let j = 0; j < k; j++) {
        const v = cc[row + j];
        if (v < reach) cand[nc++] = j;
        else if (v < outside) outside = v;
      }
      if (nc * 2 > k) {
        for (let p = start[a]; p < start[a + 1]; p++) full.push(order[p]);
        continue;
      }
      if (cbuf.length < nc * d) cbuf = new Float32Array(nc * d);
      const bias = new Float32Array(nc);
      for (let c = 0; c < nc; c++) {
        cbuf.set(centres.subarray(cand[c] * d, cand[c] * d + d), c * d);
        bias[c] = this.cNorm[cand[c]];
      }
      const block = Math.max(1, Math.min(DistanceEngine.blockRows(nc), m));
      if (xbuf.length < block * d) xbuf = new Float32Array(block * d);
      for (let s = 0; s < m; s += block) {
        const rows = Math.min(block, m - s);
        gatherRows(data, d, order, start[a] + s, rows, xbuf);
        const out = await this.engine.gemm(xbuf, rows, d, cbuf, nc, bias);
        for (let q = 0; q < rows; q++) {
          const i = order[start[a] + s + q];
          let b1 = Infinity;
          let b2 = Infinity;
          let best = a;
          const o = q * nc;
          for (let c = 0; c < nc; c++) {
            const v = out[o + c];
            if (v < b1) {
              b2 = b1;
              b1 = v;
              best = cand[c];
            } else if (v < b2) b2 = v;
          }
          const bestSq = Math.max(0, b1 + xNorm[i]);
          const u = upper[i];
          assign[i] = best;
          upper[i] = Math.sqrt(bestSq);
          lower[i] = Math.min(Math.sqrt(Math.max(0, b2 + xNorm[i])), outside - u);
          this.exactSq[i] = bestSq;
          this.stamp[i] = this.round;
        }
      }
    }
    if (full.length) await this.recompute(centres, Int32Array.from(full));
    return idx.length;
  }

  /**
   * The first point whose bounds do not hold for `centres` (upper ≥ the true distance to its centre, lower ≤ the
   * true distance to every other centre), or -1. For tests: the bounds are the whole proof. The slack is float32
   * Gemm rounding, ≈ 1e-7·(‖x‖² + ‖c‖²) on a squared distance, which near zero is large on the distance itself.
   */
  firstBrokenBound(centres: Float32Array): number {
    const { n, k, d, data, xNorm, assign, upper, lower } = this;
    const cNorm = rowSqNorms(centres, k, d);
    const slack = (i: number, j: number) => Math.sqrt(1e-6 * (xNorm[i] + cNorm[j]));
    for (let i = 0; i < n; i++) {
      const a = assign[i];
      if (upper[i] < Math.sqrt(sqDist(data, i, centres, a, d, xNorm, cNorm)) - slack(i, a)) return i;
      for (let j = 0; j < k; j++) {
        if (j !== a && lower[i] > Math.sqrt(sqDist(data, i, centres, j, d, xNorm, cNorm)) + slack(i, j)) return i;
      }
    }
    return -1;
  }

  /** Exact squared distance of every point to its nearest centre, for the size repair. */
  exactSqDistances(centres: Float32Array): Float64Array {
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      out[i] = this.stamp[i] === this.round ? this.exactSq[i] : sqDist(this.data, i, centres, this.assign[i], this.d, this.xNorm, this.cNorm);
    }
    return out;
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
