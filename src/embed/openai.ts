// The `openai` embedder: an OpenAI-compatible /v1/embeddings endpoint (GPU servers, many machines).
// The id names the model only, not the endpoint, so vectors cached from one server are reused with another serving
// the same model; put anything that changes the vectors (a prefix, `dimensions`, truncation) in the spec: it is in
// the settings.
//
// Blank texts (empty or whitespace only: image-only posts) get a zero vector and are never sent, as the reference
// does (spec §5.1); the prefix is added to the other texts only.
//
// Truncation (BluePrint embedded 128 tokens; servers truncate at the model's own limit, 512 for e5, or refuse):
//   maxTokens=N                 vLLM: sends `truncate_prompt_tokens: N`, the server keeps the first N tokens (exact).
//   maxTokens=N,tokenizer=DIR   any server (TEI): texts longer than N tokens under DIR's tokenizer.json (the served
//                               model's) are cut here to N tokens, special tokens included, and sent as the decoded
//                               text; the server re-tokenises it, so this approximates the reference's truncation.
//   truncate=true               sends `truncate: true` (TEI's /embed and Ollama's field; TEI's /v1/embeddings
//                               truncates only when the server runs with --auto-truncate), at the model's limit.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { OpenAIEmbeddingModel, isBlankText } from '../llm/openai-embeddings.ts';
import type { Logger } from '../util/log.ts';
import { modelFingerprint } from './model-fingerprint.ts';
import type { Embedder, OpenAISpec } from './types.ts';

type TfModule = typeof import('@huggingface/transformers');
interface TextTokenizer {
  (text: string, opts: { return_tensor: false; add_special_tokens?: boolean }): { input_ids: number[] };
  decode(ids: number[], opts: { skip_special_tokens: boolean }): string;
}

export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly settings: Record<string, unknown>;
  readonly chunkSize: number;
  private readonly client: OpenAIEmbeddingModel;
  private tokenizer: Promise<TextTokenizer> | undefined;

  constructor(
    private readonly spec: OpenAISpec,
    ctx: { logger?: Logger } = {},
  ) {
    if (spec.tokenizer !== undefined && spec.maxTokens === undefined) {
      throw new Error('embedder openai: tokenizer= is only used with maxTokens= (the token limit it cuts texts to)');
    }
    if (spec.tokenizer !== undefined && !existsSync(join(spec.tokenizer, 'tokenizer.json'))) {
      throw new Error(`embedder openai: ${basename(resolve(spec.tokenizer))} has no tokenizer.json (tokenizer= takes the served model's folder)`);
    }
    const clientSide = spec.maxTokens !== undefined && spec.tokenizer !== undefined;
    this.client = new OpenAIEmbeddingModel({
      model: spec.model,
      baseURL: spec.baseURL,
      apiKey: spec.apiKey,
      batchSize: spec.batchSize,
      concurrency: spec.concurrency,
      timeoutMs: spec.timeoutMs,
      retries: spec.retries,
      dimensions: spec.dimensions,
      baseDelayMs: spec.baseDelayMs,
      maxRetryAfterMs: spec.maxRetryAfterMs,
      truncatePromptTokens: clientSide ? undefined : spec.maxTokens,
      truncate: spec.truncate,
      onNotice: ctx.logger ? (m) => ctx.logger!.warn(m) : undefined,
    });
    this.id = this.client.id;
    // Keys are added only when set, so vectors cached before these options existed keep their key.
    this.settings = {
      prefix: spec.prefix ?? '',
      dimensions: spec.dimensions ?? null,
      ...(spec.maxTokens !== undefined
        ? { maxTokens: spec.maxTokens, truncation: clientSide ? `client:${modelFingerprint(resolve(spec.tokenizer!))}` : 'server:truncate_prompt_tokens' }
        : {}),
      ...(spec.truncate !== undefined ? { truncate: spec.truncate } : {}),
    };
    this.chunkSize = (spec.batchSize ?? 64) * (spec.concurrency ?? 4) * 4;
  }

  get dim(): number | undefined {
    return this.client.dim;
  }

  get endpoint(): string {
    return this.client.endpoint;
  }

  async embed(texts: string[], signal?: AbortSignal, onBatch?: (start: number, vectors: Float32Array[]) => void): Promise<Float32Array[]> {
    const prefix = this.spec.prefix ?? '';
    let input = texts.map((t) => (isBlankText(t) ? t : prefix + t));
    if (this.spec.maxTokens !== undefined && this.spec.tokenizer !== undefined) {
      const tok = await this.loadTokenizer();
      const max = this.spec.maxTokens;
      input = input.map((t) => (isBlankText(t) ? t : truncateText(tok, t, max)));
    }
    return this.client.embed(input, signal, onBatch);
  }

  private loadTokenizer(): Promise<TextTokenizer> {
    this.tokenizer ??= (async () => {
      const tf: TfModule = await import('@huggingface/transformers');
      const dir = resolve(this.spec.tokenizer!);
      const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as object;
      const cfgPath = join(dir, 'tokenizer_config.json');
      const cfg = (existsSync(cfgPath) ? JSON.parse(readFileSync(cfgPath, 'utf8')) : {}) as { tokenizer_class?: string };
      // the class the config names (as AutoTokenizer picks it), else the generic one
      const named = cfg.tokenizer_class ? (tf as unknown as Record<string, unknown>)[cfg.tokenizer_class.replace(/Fast$/, '')] : undefined;
      const Cls = (typeof named === 'function' ? named : tf.PreTrainedTokenizer) as unknown as new (j: object, c: object) => TextTokenizer;
      return new Cls(json, cfg);
    })();
    return this.tokenizer;
  }
}

/**
 * The text cut to at most `max` tokens including the special tokens the tokenizer adds (as Python's
 * tokenizer(truncation=True, max_length=max)); a text within the limit is returned unchanged.
 */
export function truncateText(tok: TextTokenizer, text: string, max: number): string {
  const full = tok(text, { return_tensor: false }).input_ids;
  if (full.length <= max) return text;
  const content = tok(text, { return_tensor: false, add_special_tokens: false }).input_ids;
  const specials = full.length - content.length;
  return tok.decode(content.slice(0, Math.max(1, max - specials)), { skip_special_tokens: true });
}
