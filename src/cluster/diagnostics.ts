// Cluster diagnostics for one K (pure): sizes, inertia, sampled silhouette, per-cluster top TF-IDF terms
// (the reference's get_cluster_stats: TfidfVectorizer(min_df=2, max_df=0.95) over each cluster's concatenated
// texts), medoid posts, the action mix, and a 2-D PCA projection of (a seeded sample of) the user vectors.
import type { Activity } from '../bluesky/activity.ts';
import { textHash } from '../embed/cache.ts';
import { fitTfidf, transformTfidf } from '../embed/tfidf.ts';
import { sklearnTokens } from '../embed/tokenize.ts';
import { Rng } from '../util/rng.ts';
import { cosineMedoids, pca2, sampledSilhouette } from './diagnostics-math.ts';

export interface ClusterSummary {
  id: number;
  size: number;
  topTerms: string[];
  /** Texts of the medoid posts (raw here; redact before they leave the store, see diagnostics-write.ts). */
  medoidPosts: string[];
  /** Count of each action key over the cluster's users (post and reply included). */
  actionMix: Record<string, number>;
}

export interface ClusterDiagnostics {
  k: number;
  nUsers: number;
  dim: number;
  sizes: number[];
  inertia: number;
  silhouette: { value: number | null; sampled: number; seed: number };
  topTerms: { minDf: number; maxDf: number; note?: string };
  clusters: ClusterSummary[];
  pca: { explainedVariance: [number, number]; sampled: number; points: Array<{ x: number; y: number; cluster: number }> };
  /** Lloyd iterations of the run (set by the clustering stage; absent in runs stored before it was recorded). */
  iterations?: number;
}

export interface DiagnosticsInput {
  k: number;
  /** User ids in the row order of `data`. */
  dids: readonly string[];
  /** Row-major user vectors (n × dim). */
  data: Float32Array;
  dim: number;
  labels: ArrayLike<number>;
  inertia: number;
  /** The filtered activity of the kept users. */
  activity: Activity;
  /** Text vectors by text hash of the medoid candidates (texts without a vector are not candidates; none: no medoids). */
  textVectors?: ReadonlyMap<string, Float32Array>;
  seed: number;
  silhouetteSample?: number;
  plotPoints?: number;
  topTerms?: number;
  medoids?: number;
}

export function computeDiagnostics(inp: DiagnosticsInput): ClusterDiagnostics {
  const n = inp.dids.length;
  const row = new Map(inp.dids.map((did, i) => [did, i]));
  const sizes = new Array<number>(inp.k).fill(0);
  for (let i = 0; i < n; i++) sizes[inp.labels[i]]++;
  const clusterOf = (did: string) => {
    const i = row.get(did);
    return i === undefined ? undefined : inp.labels[i];
  };

  const texts: string[][] = Array.from({ length: inp.k }, () => []);
  const actionMix: Record<string, number>[] = Array.from({ length: inp.k }, () => ({}));
  for (const p of inp.activity.posts) {
    const c = clusterOf(p.did);
    if (c === undefined) continue;
    texts[c].push(p.text);
    actionMix[c][p.kind] = (actionMix[c][p.kind] ?? 0) + 1;
  }
  for (const a of inp.activity.actions) {
    const c = clusterOf(a.did);
    if (c === undefined) continue;
    actionMix[c][a.key] = (actionMix[c][a.key] ?? 0) + 1;
  }

  const terms = topTermsPerCluster(texts, inp.topTerms ?? 5);
  const silhouette = sampledSilhouette(inp.data, n, inp.dim, inp.labels, { sampleSize: inp.silhouetteSample ?? 2000, seed: inp.seed });
  const clusters: ClusterSummary[] = sizes.map((size, c) => ({
    id: c,
    size,
    topTerms: terms.terms[c],
    medoidPosts: inp.textVectors ? medoidTexts(texts[c], inp.textVectors, inp.medoids ?? 3) : [],
    actionMix: sortedRecord(actionMix[c]),
  }));
  return {
    k: inp.k,
    nUsers: n,
    dim: inp.dim,
    sizes,
    inertia: inp.inertia,
    silhouette: { value: silhouette.value ?? null, sampled: silhouette.sampled, seed: inp.seed },
    topTerms: { minDf: terms.minDf, maxDf: terms.maxDf, ...(terms.note ? { note: terms.note } : {}) },
    clusters,
    pca: projection(inp, inp.plotPoints ?? 3000),
  };
}

/** sklearn-like TF-IDF (raw tf, smooth idf, l2) over one document per cluster; the top-N terms of each. */
export function topTermsPerCluster(texts: readonly string[][], top: number): { terms: string[][]; minDf: number; maxDf: number; note?: string } {
  const docs = texts.map((ts) => ts.flatMap((t) => sklearnTokens(withoutNames(t))));
  let minDf = 2;
  let maxDf = 0.95;
  let note: string | undefined;
  if (maxDf * docs.length < minDf) {
    // sklearn refuses max_df*n < min_df (e.g. K=2); keep every term rather than report nothing.
    minDf = 1;
    maxDf = 1;
    note = `min_df=2, max_df=0.95 leave no term with ${docs.length} clusters; used min_df=1, max_df=1.0`;
  }
  const model = fitTfidf(docs, { minDf, maxDf });
  const x = transformTfidf(model, docs);
  const terms = docs.map((_, r) => {
    const entries: Array<[number, number]> = [];
    for (let p = x.indptr[r]; p < x.indptr[r + 1]; p++) entries.push([x.data[p], x.indices[p]]);
    entries.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    return entries.slice(0, top).map(([, j]) => model.terms[j]);
  });
  return { terms, minDf, maxDf, note };
}

/** Drops mentions, URLs and domain-like words (handles such as name.bsky.social) so no account name becomes a term. */
export function withoutNames(text: string): string {
  return text
    .replace(/https?:\/\/\S+/giu, ' ')
    .replace(/@[\p{L}\p{N}_.-]+/gu, ' ')
    .replace(/[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+(?:\/\S*)?/gu, ' ');
}

function medoidTexts(texts: readonly string[], vectors: ReadonlyMap<string, Float32Array>, top: number): string[] {
  const distinct = [...new Set(texts)].filter((t) => t.trim() !== '' && vectors.has(textHash(t)));
  const picked = cosineMedoids(distinct.map((t) => vectors.get(textHash(t))!), top);
  return picked.map((i) => distinct[i]);
}

function projection(inp: DiagnosticsInput, maxPoints: number): ClusterDiagnostics['pca'] {
  const n = inp.dids.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  const sample = n > maxPoints ? new Rng(inp.seed).fork('pca-sample').shuffle(idx).slice(0, maxPoints).sort((a, b) => a - b) : idx;
  const sub = new Float32Array(sample.length * inp.dim);
  sample.forEach((i, r) => sub.set(inp.data.subarray(i * inp.dim, (i + 1) * inp.dim), r * inp.dim));
  const { coords, explained } = pca2(sub, sample.length, inp.dim, inp.seed);
  return {
    explainedVariance: explained,
    sampled: sample.length,
    points: sample.map((i, r) => ({ x: round(coords[r * 2]), y: round(coords[r * 2 + 1]), cluster: inp.labels[i] })),
  };
}

function round(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}

function sortedRecord(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
