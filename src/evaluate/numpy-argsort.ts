// numpy's default `argsort` (kind='quicksort') for float64, ported from numpy/_core/src/npysort/quicksort.cpp and
// heapsort.cpp (generic, non-SIMD path): introsort with median-of-3 pivots, insertion sort below 16 elements and a
// heapsort fallback past depth 2·floor(log2 n). It is not stable, so the order of equal values is this algorithm's;
// reproducing it makes the reference's top-100 term choice exact on ties. numpy ≥ 1.26 on CPUs with AVX-512 uses a
// SIMD argsort instead, whose tie order differs.

const SMALL_QUICKSORT = 15;

const less = (a: number, b: number) => a < b || (b !== b && a === a);

function msb(n: number): number {
  let depth = 0;
  while (n > 1) {
    n = Math.floor(n / 2);
    depth++;
  }
  return depth;
}

/** In-place heapsort of tosort[lo .. lo+n-1] by v (numpy's aheapsort, 1-based heap). */
function aheapsort(v: ArrayLike<number>, tosort: Int32Array, lo: number, n: number): void {
  const a = (k: number) => lo + k - 1; // heap index k (1-based) → array position
  let i: number;
  let j: number;
  let tmp: number;
  for (let l = n >> 1; l > 0; --l) {
    tmp = tosort[a(l)];
    for (i = l, j = l << 1; j <= n; ) {
      if (j < n && less(v[tosort[a(j)]], v[tosort[a(j + 1)]])) j += 1;
      if (less(v[tmp], v[tosort[a(j)]])) {
        tosort[a(i)] = tosort[a(j)];
        i = j;
        j += j;
      } else break;
    }
    tosort[a(i)] = tmp;
  }
  for (; n > 1; ) {
    tmp = tosort[a(n)];
    tosort[a(n)] = tosort[a(1)];
    n -= 1;
    for (i = 1, j = 2; j <= n; ) {
      if (j < n && less(v[tosort[a(j)]], v[tosort[a(j + 1)]])) j++;
      if (less(v[tmp], v[tosort[a(j)]])) {
        tosort[a(i)] = tosort[a(j)];
        i = j;
        j += j;
      } else break;
    }
    tosort[a(i)] = tmp;
  }
}

export function numpyArgsort(v: ArrayLike<number>): Int32Array {
  const num = v.length;
  const t = Int32Array.from({ length: num }, (_, i) => i);
  if (num < 2) return t;
  const swap = (x: number, y: number) => {
    const tmp = t[x];
    t[x] = t[y];
    t[y] = tmp;
  };
  let pl = 0;
  let pr = num - 1;
  const stack: number[] = [];
  const depths: number[] = [];
  let cdepth = msb(num) * 2;
  for (;;) {
    if (cdepth < 0) {
      aheapsort(v, t, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[t[pm]], v[t[pl]])) swap(pm, pl);
        if (less(v[t[pr]], v[t[pm]])) swap(pr, pm);
        if (less(v[t[pm]], v[t[pl]])) swap(pm, pl);
        const vp = v[t[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while (less(v[t[pi]], vp));
          do --pj;
          while (less(vp, v[t[pj]]));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = t[pi];
        const vp = v[vi];
        let pj = pi;
        let pk = pi - 1;
        while (pj > pl && less(vp, v[t[pk]])) t[pj--] = t[pk--];
        t[pj] = vi;
      }
    }
    if (!stack.length) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depths.pop()!;
  }
  return t;
}
