// The offline default embedder: TF-IDF + randomized truncated SVD (latent semantic analysis), fitted on the corpus.
//
// Semantics: LSA is transductive. `prepare(corpus)` fixes the corpus (its distinct texts, sorted) and a hash of it
// becomes part of `settings`, hence of the cache key: vectors of one fit are never reused for another corpus, and a
// corpus that gains texts is refitted and re-embedded in full. The same corpus and settings give the same vectors
// (seeded SVD), so a re-run on an unchanged store is served from the cache without fitting.
import { createHash } from 'node:crypto';
import { Rng } from '../util/rng.ts';
import { randomizedSvd, type TruncatedSvd } from './svd.ts';
import { fitTfidf, transformTfidf, type TfidfModel } from './tfidf.ts';
import { wordTokens } from './tokenize.ts';
import type { Embedder, LsaSpec } from './types.ts';

export const LSA_DEFAULTS = {
  dim: 256,
  minDf: 2,
  maxDf: 0.95,
  maxFeatures: 50_000,
  sublinearTf: true,
  normalize: true,
  seed: 42,
  powerIterations: 2,
  oversampling: 10,
  /** The SVD is fitted on at most this many documents (a seeded sample); every text is still transformed. */
  maxFitDocs: 20_000,
} as const;

const SMALL_CORPUS = 1000;

export interface LsaFit {
  tfidf: TfidfModel;
  svd: TruncatedSvd;
}

export function fitLsa(corpus: readonly string[], spec: LsaSpec): LsaFit {
  const s = { ...LSA_DEFAULTS, ...spec };
  let docs = corpus.map(wordTokens);
  const tfidf = fitTfidf(docs, s);
  if (tfidf.terms.length === 0) {
    throw new Error(`lsa: no term occurs in at least ${s.minDf} of the ${corpus.length} texts; the corpus is too small (lower minDf)`);
  }
  if (docs.length > s.maxFitDocs) docs = new Rng(s.seed).fork('lsa-fit-sample').shuffle(docs.slice()).slice(0, s.maxFitDocs);
  const svd = randomizedSvd(transformTfidf(tfidf, docs), s.dim, s);
  return { tfidf, svd };
}

export function transformLsa(fit: LsaFit, texts: readonly string[], normalize: boolean): Float32Array[] {
  const x = transformTfidf(fit.tfidf, texts.map(wordTokens));
  const k = fit.svd.k;
  const comp = fit.svd.components;
  const out: Float32Array[] = [];
  for (let i = 0; i < x.nRows; i++) {
    const y = new Float64Array(k);
    for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
      const w = x.data[p];
      const base = x.indices[p] * k;
      for (let t = 0; t < k; t++) y[t] += w * comp[base + t];
    }
    if (normalize) {
      let n = 0;
      for (let t = 0; t < k; t++) n += y[t] * y[t];
      n = Math.sqrt(n);
      if (n > 0) for (let t = 0; t < k; t++) y[t] /= n;
    }
    out.push(Float32Array.from(y));
  }
  return out;
}

export function corpusHash(texts: readonly string[]): { hash: string; distinct: string[] } {
  const distinct = [...new Set(texts)].sort();
  const h = createHash('sha256');
  for (const t of distinct) h.update(t).update('\u0000');
  return { hash: h.digest('hex').slice(0, 16), distinct };
}

export class LsaEmbedder implements Embedder {
  readonly id = 'lsa';
  private corpus: string[] | undefined;
  private hash: string | undefined;
  private fit: LsaFit | undefined;
  private readonly spec: LsaSpec;
  /** minDf lowered to 1 for a small corpus where no term reaches the requested one (recorded in `settings`). */
  private minDfOverride: number | undefined;

  constructor(spec: Partial<LsaSpec> = {}) {
    this.spec = { ...spec, kind: 'lsa' };
  }

  private get effective(): LsaSpec {
    return this.minDfOverride === undefined ? this.spec : { ...this.spec, minDf: this.minDfOverride };
  }

  get settings(): Record<string, unknown> {
    const { kind: _kind, ...rest } = { ...LSA_DEFAULTS, ...this.effective };
    return { ...rest, corpus: this.hash ?? null };
  }

  get dim(): number | undefined {
    return this.fit?.svd.k;
  }

  async prepare(corpus: readonly string[]): Promise<void> {
    const { hash, distinct } = corpusHash(corpus);
    if (hash === this.hash) return;
    this.hash = hash;
    this.corpus = distinct;
    this.fit = undefined;
    this.minDfOverride = undefined;
    // Tiny corpora (sample data): rather than fail, keep every term when none occurs in minDf texts.
    const minDf = this.spec.minDf ?? LSA_DEFAULTS.minDf;
    if (distinct.length < SMALL_CORPUS && minDf > 1) {
      const df = new Map<string, number>();
      for (const t of distinct) for (const w of new Set(wordTokens(t))) df.set(w, (df.get(w) ?? 0) + 1);
      if (![...df.values()].some((d) => d >= minDf)) this.minDfOverride = 1;
    }
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (!this.corpus) await this.prepare(texts);
    this.fit ??= fitLsa(this.corpus!, this.effective);
    return transformLsa(this.fit, texts, this.spec.normalize ?? LSA_DEFAULTS.normalize);
  }
}
