// Input checks for constrainedKMeans: every message names what is wrong and, for bad values, the first bad row.

export interface SizeBounds {
  k: number;
  minSize: number;
  maxSize: number;
}

export function validateShape(data: Float32Array, n: number, d: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`constrained k-means: n must be a positive integer (got ${n})`);
  if (!Number.isInteger(d) || d < 1) throw new Error(`constrained k-means: d must be a positive integer (got ${d})`);
  if (!(data instanceof Float32Array)) throw new Error('constrained k-means: data must be a Float32Array (row-major n × d)');
  if (data.length !== n * d) {
    throw new Error(`constrained k-means: dimension mismatch: ${data.length} values is not n × d = ${n} × ${d} = ${n * d}`);
  }
}

export function validateBounds({ k, minSize, maxSize }: SizeBounds, n: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`constrained k-means: k must be a positive integer (got ${k})`);
  if (k > n) throw new Error(`constrained k-means: k = ${k} clusters need at least ${k} points (got ${n})`);
  if (!Number.isInteger(minSize) || minSize < 0) throw new Error(`constrained k-means: minSize must be an integer >= 0 (got ${minSize})`);
  if (maxSize !== Infinity && (!Number.isInteger(maxSize) || maxSize < 1)) {
    throw new Error(`constrained k-means: maxSize must be a positive integer (got ${maxSize})`);
  }
  if (maxSize < minSize) throw new Error(`constrained k-means: maxSize ${maxSize} is below minSize ${minSize}`);
  if (n < k * minSize) {
    throw new Error(
      `constrained k-means: infeasible: ${n} points cannot fill ${k} clusters of at least ${minSize} (needs n >= k × minSize = ${k * minSize})`,
    );
  }
  if (maxSize * k < n) {
    throw new Error(
      `constrained k-means: infeasible: ${k} clusters of at most ${maxSize} cannot hold ${n} points (needs k × maxSize >= n)`,
    );
  }
}

/**
 * Throws on NaN/±Inf (naming the first bad row and column) and, unless allowed, on all-zero rows. Works from the
 * squared row norms (computed in float64, so a row's norm is finite exactly when all its values are, and zero exactly
 * when all its values are zero), so the data is read again only for a bad row.
 */
export function validateValues(data: Float32Array, n: number, d: number, xNorm: Float64Array, allowZeroRows: boolean): void {
  let zeroRows = 0;
  let firstZero = -1;
  for (let i = 0; i < n; i++) {
    const norm = xNorm[i];
    if (!Number.isFinite(norm)) {
      for (let q = 0; q < d; q++) {
        const v = data[i * d + q];
        if (!Number.isFinite(v)) throw new Error(`constrained k-means: row ${i} (0-based), column ${q} is ${v}; vectors must be finite`);
      }
    }
    if (norm === 0) {
      zeroRows++;
      if (firstZero < 0) firstZero = i;
    }
  }
  if (zeroRows > 0 && !allowZeroRows) {
    throw new Error(
      `constrained k-means: ${zeroRows} all-zero vector(s), the first at row ${firstZero} (0-based); ` +
        'zero vectors usually mean an empty text was embedded: drop those rows, or keep them with --allow-zero-vectors (allowZeroRows in the API)',
    );
  }
}
