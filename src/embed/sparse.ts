// Compressed sparse rows and the two products the randomized SVD needs. Dense matrices are column-major:
// one Float64Array per column.

export interface Csr {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/** Y = X · W, W given as columns of length nCols; returns columns of length nRows. */
export function csrTimesDense(x: Csr, w: Float64Array[]): Float64Array[] {
  return w.map((col) => {
    const y = new Float64Array(x.nRows);
    for (let i = 0; i < x.nRows; i++) {
      let s = 0;
      for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) s += x.data[p] * col[x.indices[p]];
      y[i] = s;
    }
    return y;
  });
}

/** Z = Xᵀ · Q, Q given as columns of length nRows; returns columns of length nCols. */
export function csrTransposeTimesDense(x: Csr, q: Float64Array[]): Float64Array[] {
  return q.map((col) => {
    const z = new Float64Array(x.nCols);
    for (let i = 0; i < x.nRows; i++) {
      const qi = col[i];
      if (qi === 0) continue;
      for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) z[x.indices[p]] += x.data[p] * qi;
    }
    return z;
  });
}
