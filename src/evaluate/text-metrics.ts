// The text-side metrics of one (group, model) pair, on embedded texts, plus the TF-IDF top-100 Jaccard across all
// (group, model) documents as the reference computes it.
import type { EmbeddingCache } from './embed-cache.ts';
import { SklearnTfidf, topK } from './sklearn-tfidf.ts';
import { bestMatchCosines, centroidCosine, densityHistogram, jsDivergence } from './vectors.ts';

export interface TextMetrics {
  nReal: number;
  nGenerated: number;
  centroidCosine: number;
  /** Reference: the single best (generated, real) pair. */
  maxCosine: number;
  /** Corrected: mean over generated texts of their best cosine to a real text. */
  meanMaxCosine: number;
  jsDivergence: number;
}

/** `realHistogram` may be passed in when the same real set is compared with several models (it is O(n²)). */
export function textMetrics(
  cache: EmbeddingCache,
  real: readonly string[],
  gen: readonly string[],
  realHistogram?: Map<number, number>,
): TextMetrics & { bestMatch: Float64Array } {
  const realRaw = real.map((t) => cache.vector(t));
  const genRaw = gen.map((t) => cache.vector(t));
  const realN = real.map((t) => cache.unitVector(t));
  const genN = gen.map((t) => cache.unitVector(t));
  const best = realN.length ? bestMatchCosines(realN, genN) : new Float64Array(0);
  let maxC = -Infinity;
  let sum = 0;
  for (const v of best) {
    if (v > maxC) maxC = v;
    sum += v;
  }
  return {
    nReal: real.length,
    nGenerated: gen.length,
    centroidCosine: centroidCosine(realRaw, genRaw),
    maxCosine: best.length ? maxC : NaN,
    meanMaxCosine: best.length ? sum / best.length : NaN,
    jsDivergence: realN.length && genN.length ? jsDivergence(realHistogram ?? densityHistogram(realN), densityHistogram(genN)) : NaN,
    bestMatch: best,
  };
}

export interface JaccardResult {
  /** jaccard[group][model] */
  jaccard: Map<string, Map<string, number>>;
  /** Top-5 terms per group and document name (real included). */
  top5: Map<string, Map<string, string[]>>;
  /** Set when sklearn would have raised (too few documents or terms); all values are then NaN. */
  error?: string;
}

/** The documents of `tfidfJaccard`: `" ".join(texts)` per (group, name), in map order. */
export function jaccardDocuments(docs: Map<string, Map<string, readonly string[]>>): string[] {
  const out: string[] = [];
  for (const byName of docs.values()) for (const texts of byName.values()) out.push(texts.join(' '));
  return out;
}

/**
 * Documents are `" ".join(texts)` per (group, name), the real texts under `realName`. The vectorizer is fitted on
 * all documents (or on `fitOn`, e.g. the cluster-level documents when the groups are the pooled population); each
 * document's top 100 terms are compared with its group's real document.
 */
export function tfidfJaccard(docs: Map<string, Map<string, readonly string[]>>, realName: string, topN = 100, fitOn?: readonly string[]): JaccardResult {
  const flat: { group: string; name: string; doc: string }[] = [];
  for (const [group, byName] of docs) for (const [name, texts] of byName) flat.push({ group, name, doc: texts.join(' ') });
  const out: JaccardResult = { jaccard: new Map(), top5: new Map() };
  const vec = new SklearnTfidf({ minDf: 2, maxDf: 0.95 });
  try {
    vec.fit(fitOn ?? flat.map((f) => f.doc));
  } catch (err) {
    out.error = (err as Error).message;
    for (const [group, byName] of docs) out.jaccard.set(group, new Map([...byName.keys()].filter((n) => n !== realName).map((n) => [n, NaN])));
    return out;
  }
  const top = new Map<string, Set<string>>();
  for (const f of flat) {
    const order = topK(vec.transform(f.doc), topN).map((i) => vec.vocabulary[i]);
    top.set(`${f.group}\u0000${f.name}`, new Set(order));
    (out.top5.get(f.group) ?? out.top5.set(f.group, new Map()).get(f.group)!).set(f.name, order.slice(0, 5));
  }
  for (const [group, byName] of docs) {
    const real = top.get(`${group}\u0000${realName}`);
    const row = new Map<string, number>();
    for (const name of byName.keys()) {
      if (name === realName) continue;
      const gen = top.get(`${group}\u0000${name}`)!;
      if (!real) {
        row.set(name, NaN);
        continue;
      }
      let inter = 0;
      for (const t of gen) if (real.has(t)) inter++;
      const union = real.size + gen.size - inter;
      row.set(name, union > 0 ? inter / union : 0);
    }
    out.jaccard.set(group, row);
  }
  return out;
}

/** The reference histogram of a real text set's within-set distances. */
export function realHistogram(cache: EmbeddingCache, real: readonly string[]): Map<number, number> {
  return densityHistogram(real.map((t) => cache.unitVector(t)));
}
