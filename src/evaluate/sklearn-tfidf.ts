// A mirror of scikit-learn's TfidfVectorizer defaults as the reference uses them (`TfidfVectorizer(min_df=2,
// max_df=0.95)`): lowercase, token pattern `(?u)\b\w\w+\b` with Python's Unicode \w (letters, numbers, underscore;
// combining marks are not \w in Python's re), raw counts, smooth idf = ln((1+n)/(1+df)) + 1, l2-normalised rows.
// An integer min_df/max_df is a document count, a float a proportion of documents (sklearn's Integral test); the
// vocabulary is sorted by code point, as Python sorts strings.

export interface TfidfOptions {
  /** Integer: at least this many documents; fraction (0..1): at least this proportion (default 2). */
  minDf?: number;
  maxDf?: number;
  /** Set when a value such as 1.0 is meant as a proportion (sklearn's float); JS cannot tell 1 from 1.0. */
  minDfIsProportion?: boolean;
  maxDfIsProportion?: boolean;
}

import { numpyArgsort } from './numpy-argsort.ts';

const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

export function sklearnTokenize(doc: string): string[] {
  return doc.toLowerCase().match(TOKEN) ?? [];
}

function cmpCodePoints(a: string, b: string): number {
  // UTF-16 order differs from code point order only for astral vs U+E000..U+FFFF characters.
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

export class SklearnTfidf {
  vocabulary: string[] = [];
  idf = new Float64Array(0);
  private index = new Map<string, number>();

  constructor(private readonly opts: TfidfOptions = {}) {}

  fit(docs: readonly string[]): this {
    const n = docs.length;
    const df = new Map<string, number>();
    for (const d of docs) for (const t of new Set(sklearnTokenize(d))) df.set(t, (df.get(t) ?? 0) + 1);
    const minDf = this.opts.minDf ?? 2;
    const maxDf = this.opts.maxDf ?? 0.95;
    const isProp = (v: number, flag?: boolean) => flag ?? !Number.isInteger(v);
    const low = isProp(minDf, this.opts.minDfIsProportion) ? minDf * n : minDf;
    const high = isProp(maxDf, this.opts.maxDfIsProportion) ? maxDf * n : maxDf;
    if (high < low) throw new Error('max_df corresponds to < documents than min_df');
    const kept = [...df].filter(([, c]) => c <= high && c >= low).map(([t]) => t);
    if (kept.length === 0) throw new Error('After pruning, no terms remain. Try a lower min_df or a higher max_df.');
    kept.sort(cmpCodePoints);
    this.vocabulary = kept;
    this.index = new Map(kept.map((t, i) => [t, i]));
    this.idf = Float64Array.from(kept, (t) => Math.log((1 + n) / (1 + df.get(t)!)) + 1);
    return this;
  }

  /** One dense l2-normalised TF-IDF row per document. */
  transform(doc: string): Float64Array {
    const row = new Float64Array(this.vocabulary.length);
    for (const t of sklearnTokenize(doc)) {
      const i = this.index.get(t);
      if (i !== undefined) row[i] += 1;
    }
    let ss = 0;
    for (let i = 0; i < row.length; i++) {
      row[i] *= this.idf[i];
      ss += row[i] * row[i];
    }
    const norm = Math.sqrt(ss);
    if (norm > 0) for (let i = 0; i < row.length; i++) row[i] /= norm;
    return row;
  }
}

/**
 * `row.argsort()[-k:][::-1]`: the k largest entries, largest first, with numpy's own (unstable) tie order (see
 * numpy-argsort.ts). Zero-weight terms fill the set when fewer than k terms are non-zero, as in the reference.
 */
export function topK(row: Float64Array, k: number): number[] {
  const order = numpyArgsort(row);
  const n = order.length;
  // Python slicing: a[-k:] with k > n is the whole array
  return Array.from(order.subarray(Math.max(0, n - k))).reverse();
}
