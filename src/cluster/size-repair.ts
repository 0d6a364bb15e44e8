// Exact size repair of an assignment (the assignment step of size-constrained k-means).
//
// Problem: min Σ_i cost(i, label_i) subject to minSize ≤ |cluster j| ≤ maxSize, starting from the unconstrained argmin.
// This is the Bradley–Bennett–Demiriz transportation LP (totally unimodular, so integral). We solve it as min-cost
// flow on the K-node cluster graph plus a hub node T: moving point i from cluster a to b costs cost(i,b) − cost(i,a),
// the edge a→b costs the cheapest such move, T→s exists while |s| > minSize and s→T while |s| < maxSize. A deficit
// cluster t is fixed by a shortest path T→…→t, a surplus cluster s by a shortest path s→…→T (successive shortest
// paths, Dijkstra with node potentials, one unit per augmentation; points already moved may move on).
//
// Edge costs are always exact: expanding node v in the backward search (deficits) needs the costs of all points to v
// (one column of the cost matrix); in the forward search (surpluses) the cost rows of v's members. Both are fetched
// lazily from a CostProvider and cached for this repair, so only the clusters the searches touch cost anything.
// The potentials stay valid for the whole graph, so the result is the LP optimum (and the potentials are its dual).
import { MinHeap } from './min-heap.ts';

export type CostArray = Float32Array | Float64Array;

export interface CostProvider {
  /** Cost of every point to cluster b (length n). */
  column(b: number): Promise<CostArray>;
  /** Cost rows for the given points (points.length × k, row-major). */
  rows(points: Int32Array): Promise<CostArray>;
}

export interface RepairStats {
  augmentations: number;
  columns: number;
  rows: number;
}

export interface RepairState {
  n: number;
  k: number;
  /** Current labels; on entry every point sits at a cheapest cluster. Updated in place. */
  labels: Int32Array;
  /** cost(i, labels[i]); updated in place. */
  cur: Float64Array;
  /** Cluster sizes; updated in place. */
  sizes: Int32Array;
  minSize: number;
  maxSize: number;
}

export async function repairSizes(state: RepairState, costs: CostProvider): Promise<RepairStats> {
  const { k, sizes, minSize, maxSize } = state;
  const search = new FlowSearch(state, costs);
  for (let s = 0; s < k; s++) while (sizes[s] > maxSize) await search.pushSurplus(s);
  for (let t = 0; t < k; t++) while (sizes[t] < minSize) await search.pullDeficit(t);
  return { augmentations: search.augmentations, columns: search.columns.size, rows: search.rowCount };
}

class FlowSearch {
  readonly columns = new Map<number, CostArray>();
  private readonly rowOf = new Map<number, CostArray>();
  rowCount = 0;
  augmentations = 0;
  /** Node potentials; index k is the hub T. Reduced cost of a→b is w + p[a] − p[b] ≥ 0. */
  private readonly p: Float64Array;
  private readonly dist: Float64Array;
  private readonly done: Uint8Array;
  private readonly link: Int32Array;
  private readonly via: Int32Array;
  private readonly bestVal: Float64Array;
  private readonly bestPt: Int32Array;

  constructor(
    private readonly s: RepairState,
    private readonly costs: CostProvider,
  ) {
    const k = s.k;
    this.p = new Float64Array(k + 1);
    this.dist = new Float64Array(k + 1);
    this.done = new Uint8Array(k + 1);
    this.link = new Int32Array(k + 1);
    this.via = new Int32Array(k + 1);
    this.bestVal = new Float64Array(k);
    this.bestPt = new Int32Array(k);
  }

  private reset(): MinHeap {
    this.dist.fill(Infinity);
    this.done.fill(0);
    this.link.fill(-1);
    this.via.fill(-1);
    return new MinHeap();
  }

  private async column(b: number): Promise<CostArray> {
    let col = this.columns.get(b);
    if (!col) {
      col = await this.costs.column(b);
      this.columns.set(b, col);
    }
    return col;
  }

  private async rowsFor(points: number[]): Promise<void> {
    const missing = points.filter((i) => !this.rowOf.has(i));
    if (missing.length === 0) return;
    const block = await this.costs.rows(Int32Array.from(missing));
    const k = this.s.k;
    missing.forEach((i, r) => this.rowOf.set(i, block.subarray(r * k, (r + 1) * k)));
    this.rowCount += missing.length;
  }

  private cost(i: number, b: number): number {
    const col = this.columns.get(b);
    if (col) return col[i];
    const row = this.rowOf.get(i);
    if (row) return row[b];
    throw new Error(`internal: no cost known for a point in cluster ${b}`);
  }

  private move(i: number, to: number): void {
    this.s.cur[i] = this.cost(i, to);
    this.s.labels[i] = to;
  }

  /** One unit into deficit cluster t along a shortest path T→…→t (Dijkstra backwards from t). */
  async pullDeficit(t: number): Promise<void> {
    const { n, k, labels, cur, sizes, minSize } = this.s;
    const T = k;
    const { p, dist, done, link, via, bestVal, bestPt } = this;
    const heap = this.reset();
    dist[t] = 0;
    heap.push(0, t);
    while (heap.size > 0) {
      const v = heap.pop();
      const dv = heap.lastKey;
      if (done[v] || dv > dist[v]) continue;
      done[v] = 1;
      if (v === T) break;
      if (sizes[v] > minSize) {
        const cand = dv + Math.max(0, p[T] - p[v]);
        if (cand < dist[T]) {
          dist[T] = cand;
          link[T] = v;
          heap.push(cand, T);
        }
        if (dist[T] <= dv) continue; // T is now a minimum of the heap
      }
      const col = await this.column(v);
      bestVal.fill(Infinity);
      bestPt.fill(-1);
      for (let i = 0; i < n; i++) {
        const u = labels[i];
        if (u === v || done[u]) continue;
        const val = col[i] - cur[i];
        if (val < bestVal[u]) {
          bestVal[u] = val;
          bestPt[u] = i;
        }
      }
      for (let u = 0; u < k; u++) {
        if (bestPt[u] < 0) continue;
        const cand = dv + Math.max(0, bestVal[u] + p[u] - p[v]);
        if (cand < dist[u]) {
          dist[u] = cand;
          link[u] = v;
          via[u] = bestPt[u];
          heap.push(cand, u);
        }
      }
    }
    if (!done[T]) throw new Error(`size repair: no way to fill cluster ${t} (infeasible bounds)`);
    const D = dist[T];
    let x = link[T];
    sizes[x]--;
    while (x !== t) {
      const next = link[x];
      this.move(via[x], next);
      x = next;
    }
    sizes[t]++;
    for (let v = 0; v <= k; v++) p[v] -= Math.min(dist[v], D);
    this.augmentations++;
  }

  /** One unit out of surplus cluster s along a shortest path s→…→T (Dijkstra forwards from s). */
  async pushSurplus(s: number): Promise<void> {
    const { n, k, labels, cur, sizes, maxSize } = this.s;
    const T = k;
    const { p, dist, done, link, via, bestVal, bestPt } = this;
    const heap = this.reset();
    dist[s] = 0;
    heap.push(0, s);
    while (heap.size > 0) {
      const v = heap.pop();
      const dv = heap.lastKey;
      if (done[v] || dv > dist[v]) continue;
      done[v] = 1;
      if (v === T) break;
      if (sizes[v] < maxSize) {
        const cand = dv + Math.max(0, p[v] - p[T]);
        if (cand < dist[T]) {
          dist[T] = cand;
          link[T] = v;
          heap.push(cand, T);
        }
        if (dist[T] <= dv) continue;
      }
      const members: number[] = [];
      for (let i = 0; i < n; i++) if (labels[i] === v) members.push(i);
      await this.rowsFor(members);
      bestVal.fill(Infinity);
      bestPt.fill(-1);
      for (const i of members) {
        const row = this.rowOf.get(i)!;
        const c = cur[i];
        for (let b = 0; b < k; b++) {
          if (b === v || done[b]) continue;
          const val = row[b] - c;
          if (val < bestVal[b]) {
            bestVal[b] = val;
            bestPt[b] = i;
          }
        }
      }
      for (let b = 0; b < k; b++) {
        if (bestPt[b] < 0) continue;
        const cand = dv + Math.max(0, bestVal[b] + p[v] - p[b]);
        if (cand < dist[b]) {
          dist[b] = cand;
          link[b] = v;
          via[b] = bestPt[b];
          heap.push(cand, b);
        }
      }
    }
    if (!done[T]) throw new Error(`size repair: no way to empty cluster ${s} (infeasible bounds)`);
    const D = dist[T];
    const path: number[] = [];
    for (let x = link[T]; x !== s; x = link[x]) path.push(x);
    sizes[s]--;
    sizes[path[0] ?? s]++;
    // Move along the path from s outwards; each hop x←link[x] moves the point via[x] into x.
    for (let j = path.length - 1; j >= 0; j--) this.move(via[path[j]], path[j]);
    for (let v = 0; v <= k; v++) p[v] += Math.min(dist[v], D);
    this.augmentations++;
  }
}
