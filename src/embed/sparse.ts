// Compressed sparse rows and the two products the randomized SVD needs. Dense matrices here are row-major
// (`rows × cols` in one Float64Array), so every inner loop runs over contiguous memory.

export interface Csr {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/** Y = X · W, with W row-major (x.nCols × l); returns Y row-major (x.nRows × l). */
export function csrTimesDense(x: Csr, w: Float64Array, l: number): Float64Array {
  const y = new Float64Array(x.nRows * l);
  for (let i = 0; i < x.nRows; i++) {
    const yo = i * l;
    for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
      const v = x.data[p];
      const wo = x.indices[p] * l;
      for (let t = 0; t < l; t++) y[yo + t] += v * w[wo + t];
    }
  }
  return y;
}

/** Z = Xᵀ · Q, with Q row-major (x.nRows × l); returns Z row-major (x.nCols × l). */
export function csrTransposeTimesDense(x: Csr, q: Float64Array, l: number): Float64Array {
  const z = new Float64Array(x.nCols * l);
  for (let i = 0; i < x.nRows; i++) {
    const qo = i * l;
    for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
      const v = x.data[p];
      const zo = x.indices[p] * l;
      for (let t = 0; t < l; t++) z[zo + t] += v * q[qo + t];
    }
  }
  return z;
}
