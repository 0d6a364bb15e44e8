// One face over every text embedder (lsa, transformers, openai) used for user vectors.
import type { EmbeddingModel } from '../llm/types.ts';

export interface Embedder extends EmbeddingModel {
  /** Stable identifier recorded with every output: kind plus model (e.g. `transformers:multilingual-e5-large`). */
  readonly id: string;
  /** Vector size; known after `prepare` (lsa) or the first batch (openai), undefined before. */
  readonly dim: number | undefined;
  /** Everything besides the id that changes the vectors (pooling, prefix, truncation, corpus hash…). Part of the cache key. */
  readonly settings: Record<string, unknown>;
  /**
   * Called once with the whole corpus before `embed`. Transductive embedders (lsa) fix their corpus here, which
   * changes `settings`; others ignore it.
   */
  prepare?(corpus: readonly string[]): Promise<void>;
  /** Vectors in input order. `onBatch`, when the embedder batches, is told of each finished batch (for the cache). */
  embed(texts: string[], signal?: AbortSignal, onBatch?: (start: number, vectors: Float32Array[]) => void): Promise<Float32Array[]>;
  /** How many texts the caller should hand over per call so finished work reaches the cache often (default 4096). */
  readonly chunkSize?: number;
  close?(): Promise<void>;
}

export interface LsaSpec {
  kind: 'lsa';
  /** Output dimensions (default 256). */
  dim?: number;
  /** Drop terms in fewer documents than this (default 2). */
  minDf?: number;
  /** Drop terms in more than this fraction of documents (default 0.95). */
  maxDf?: number;
  /** Keep at most this many terms, the most frequent (default 50 000). */
  maxFeatures?: number;
  /** tf → 1 + ln(tf) (default true). */
  sublinearTf?: boolean;
  /** L2-normalise the output vectors (default true). */
  normalize?: boolean;
  /** Seed of the randomized SVD (default 42). */
  seed?: number;
  /** Power iterations (default 2) and oversampling (default 10) of the randomized SVD. */
  powerIterations?: number;
  oversampling?: number;
  /** The SVD is fitted on a seeded sample of at most this many texts (default 20 000); all texts are transformed. */
  maxFitDocs?: number;
}

/**
 * `blueprint`: CLS pooling, no prefix, 128 tokens, no normalisation (spec §5.1). `blueprint-eval`: the reference's
 * evaluation embedder (mean pooling, no prefix, 512 tokens, no normalisation; spec §9). `model-card`: e5 model-card usage.
 */
export type E5Mode = 'blueprint' | 'blueprint-eval' | 'model-card';

export interface TransformersSpec {
  kind: 'transformers';
  /** A local model folder (holding config.json, tokenizer.json, onnx/model.onnx) or a hub model id. */
  model: string;
  mode?: E5Mode;
  /** Token limit (default 128 in blueprint mode, 512 in blueprint-eval and model-card mode). */
  maxLength?: number;
  batchSize?: number;
  /** ONNX weights: fp32 (default), fp16, q8… */
  dtype?: string;
  /** model-card mode: `passage: ` (default) or `query: `. */
  prefix?: 'passage' | 'query';
}

export interface OpenAISpec {
  kind: 'openai';
  model: string;
  /** e.g. http://127.0.0.1:8080/v1 (default $OPENAI_BASE_URL, then OpenAI). */
  baseURL?: string;
  apiKey?: string;
  batchSize?: number;
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  /** First retry backoff in ms (default 500). */
  baseDelayMs?: number;
  /** Ask the endpoint for this many dimensions (OpenAI `dimensions`). */
  dimensions?: number;
  /** Prepended to every non-blank text (e.g. `passage: ` for e5 served by TEI). */
  prefix?: string;
  /** Token limit per text: vLLM's `truncate_prompt_tokens`, or a client-side cut with `tokenizer` (see openai.ts). */
  maxTokens?: number;
  /** A local folder with the served model's tokenizer.json: texts are cut to `maxTokens` tokens before sending. */
  tokenizer?: string;
  /** Send `truncate: true` (TEI /embed, Ollama): the server truncates at the model's own limit. */
  truncate?: boolean;
  /** Longest Retry-After honoured, in ms (default 15 minutes). */
  maxRetryAfterMs?: number;
}

export type EmbedderSpec = LsaSpec | TransformersSpec | OpenAISpec;
