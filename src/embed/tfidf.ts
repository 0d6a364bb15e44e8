// TF-IDF over token lists, sklearn-compatible where it matters: smooth idf = ln((1+n)/(1+df)) + 1, optional
// sublinear tf = 1 + ln(tf), l2-normalised rows, vocabulary pruned by min_df, max_df (a fraction) and max_features.
import type { Csr } from './sparse.ts';

export interface TfidfOptions {
  minDf?: number;
  maxDf?: number;
  maxFeatures?: number;
  sublinearTf?: boolean;
}

export interface TfidfModel {
  /** Terms in index order (sorted). */
  terms: string[];
  index: Map<string, number>;
  idf: Float64Array;
  sublinearTf: boolean;
}

export function fitTfidf(docs: readonly string[][], opts: TfidfOptions = {}): TfidfModel {
  const n = docs.length;
  const df = new Map<string, number>();
  const tf = new Map<string, number>();
  for (const doc of docs) {
    for (const w of doc) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const w of new Set(doc)) df.set(w, (df.get(w) ?? 0) + 1);
  }
  const minDf = opts.minDf ?? 1;
  const maxDocs = (opts.maxDf ?? 1) * n;
  let kept = [...df.entries()].filter(([, d]) => d >= minDf && d <= maxDocs).map(([w]) => w);
  if (opts.maxFeatures !== undefined && kept.length > opts.maxFeatures) {
    kept.sort((a, b) => tf.get(b)! - tf.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
    kept = kept.slice(0, opts.maxFeatures);
  }
  kept.sort();
  const idf = new Float64Array(kept.length);
  kept.forEach((w, i) => (idf[i] = Math.log((1 + n) / (1 + df.get(w)!)) + 1));
  return { terms: kept, index: new Map(kept.map((w, i) => [w, i])), idf, sublinearTf: opts.sublinearTf ?? false };
}

/** One l2-normalised TF-IDF row per document; out-of-vocabulary tokens are ignored (an all-OOV row is empty). */
export function transformTfidf(model: TfidfModel, docs: readonly string[][]): Csr {
  const indptr = new Int32Array(docs.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  docs.forEach((doc, r) => {
    const counts = new Map<number, number>();
    for (const w of doc) {
      const j = model.index.get(w);
      if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    const cols = [...counts.keys()].sort((a, b) => a - b);
    let norm = 0;
    const start = val.length;
    for (const j of cols) {
      const c = counts.get(j)!;
      const w = (model.sublinearTf ? 1 + Math.log(c) : c) * model.idf[j];
      idx.push(j);
      val.push(w);
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let p = start; p < val.length; p++) val[p] /= norm;
    indptr[r + 1] = val.length;
  });
  return { nRows: docs.length, nCols: model.terms.length, indptr, indices: Int32Array.from(idx), data: Float64Array.from(val) };
}
