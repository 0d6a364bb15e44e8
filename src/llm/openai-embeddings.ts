// An embeddings client for any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, text-embeddings-inference,
// vLLM, Ollama): batching, bounded concurrency, per-request timeout, retries with exponential backoff and jitter on
// 429/5xx/timeouts/dropped connections (Retry-After honoured). The API key never appears in errors or logs.
import type { EmbeddingModel } from './types.ts';
import { apiKeyFromEnv, redact } from './openai-chat.ts';
import { ModelHttpError, isRetryableStatus, parseRetryAfter, withRetry, type RetryOptions } from './retry.ts';

export interface OpenAIEmbeddingOptions extends RetryOptions {
  model: string;
  /** e.g. http://127.0.0.1:8080/v1 (default $OPENAI_BASE_URL, then https://api.openai.com/v1). */
  baseURL?: string;
  /** Default: $SIMPACT_LLM_API_KEY, then $OPENAI_API_KEY; none for local servers. */
  apiKey?: string;
  /** Inputs per request (default 64). */
  batchSize?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Per-request timeout in ms (default 60 s). */
  timeoutMs?: number;
  /** OpenAI `dimensions` (only for models that support shortening). */
  dimensions?: number;
}

export class OpenAIEmbeddingModel implements EmbeddingModel {
  readonly id: string;
  readonly baseURL: string;
  private readonly apiKey: string | undefined;
  private knownDim: number | undefined;
  private readonly basicAuth: string | undefined;

  constructor(private readonly opts: OpenAIEmbeddingOptions) {
    const raw = (opts.baseURL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
    this.apiKey = opts.apiKey ?? apiKeyFromEnv();
    // fetch refuses URLs with user:password; send them as Basic auth instead (and never show them).
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    if (url && (url.username || url.password)) {
      this.basicAuth = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
      url.username = '';
      url.password = '';
      this.baseURL = url.href.replace(/\/+$/, '');
    } else this.baseURL = raw;
    this.id = `openai:${opts.model}`;
  }

  get dim(): number | undefined {
    return this.knownDim;
  }

  /** The endpoint as shown in messages: no user:password, no query string. */
  get endpoint(): string {
    try {
      const u = new URL(this.baseURL);
      return `${u.protocol}//${u.host}${u.pathname}`;
    } catch {
      return '(invalid base URL)';
    }
  }

  /**
   * Embeds `texts` in order. `onBatch` is told of every batch as it completes, so a caller can keep finished work
   * when a later batch fails: after the first failure no new batch starts, batches in flight finish, then it throws.
   */
  async embed(texts: string[], signal?: AbortSignal, onBatch?: (start: number, vectors: Float32Array[]) => void): Promise<Float32Array[]> {
    const size = this.opts.batchSize ?? 64;
    const out = new Array<Float32Array>(texts.length);
    const starts: number[] = [];
    for (let s = 0; s < texts.length; s += size) starts.push(s);
    let next = 0;
    let failure: Error | undefined;
    const worker = async () => {
      while (next < starts.length && !failure && !signal?.aborted) {
        const s = starts[next++];
        const batch = texts.slice(s, s + size);
        try {
          const vecs = await withRetry(() => this.once(batch, signal), { ...this.opts, seed: (this.opts.seed ?? 0) + s }, signal);
          vecs.forEach((v, j) => (out[s + j] = v));
          onBatch?.(s, vecs);
        } catch (err) {
          failure ??= err as Error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 4, starts.length) }, worker));
    if (signal?.aborted) throw signal.reason;
    if (failure) {
      const attempts = failure instanceof ModelHttpError && failure.retryable ? ` after ${(this.opts.retries ?? 4) + 1} attempts` : '';
      throw new Error(`embedding endpoint ${this.endpoint} (model ${this.opts.model}) failed${attempts}: ${redact(failure.message, this.apiKey)}`);
    }
    return out;
  }

  private async once(input: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const timeoutMs = this.opts.timeoutMs ?? 60_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    else if (this.basicAuth) headers.authorization = `Basic ${this.basicAuth}`;
    const body: Record<string, unknown> = { model: this.opts.model, input };
    if (this.opts.dimensions !== undefined) body.dimensions = this.opts.dimensions;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.baseURL}/embeddings`, { method: 'POST', headers, body: JSON.stringify(body), signal: combined });
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) throw err;
      const what = timeout.aborted ? `timed out after ${timeoutMs} ms` : `network error (${(err as Error).message})`;
      throw new ModelHttpError(`request ${what}`, undefined, true);
    }
    if (!res.ok) {
      throw new ModelHttpError(
        `HTTP ${res.status}${errorDetail(text)}`,
        res.status,
        isRetryableStatus(res.status),
        parseRetryAfter(res.headers.get('retry-after')),
      );
    }
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ModelHttpError('the response is not JSON', res.status, true);
    }
    return this.parse(json, input.length);
  }

  private parse(json: any, n: number): Float32Array[] {
    const data = json?.data;
    if (!Array.isArray(data) || data.length !== n) {
      throw new ModelHttpError(`expected ${n} embeddings, got ${Array.isArray(data) ? data.length : 'none'}`, undefined, false);
    }
    const out = new Array<Float32Array>(n);
    data.forEach((item: any, pos: number) => {
      const idx = Number.isInteger(item?.index) ? item.index : pos;
      if (idx < 0 || idx >= n || out[idx]) throw new ModelHttpError(`embedding index ${idx} is out of range or repeated`, undefined, false);
      const v = decode(item?.embedding);
      if (!v) throw new ModelHttpError(`embedding ${idx} is not a list of numbers`, undefined, false);
      if (v.some((x) => !Number.isFinite(x))) throw new ModelHttpError(`embedding ${idx} contains NaN or infinite values`, undefined, false);
      if (this.knownDim !== undefined && v.length !== this.knownDim) {
        throw new ModelHttpError(`dimension mismatch: embedding ${idx} has ${v.length} dimensions, earlier ones ${this.knownDim}`, undefined, false);
      }
      this.knownDim = v.length;
      out[idx] = v;
    });
    return out;
  }
}

function decode(e: unknown): Float32Array | undefined {
  if (Array.isArray(e) && e.length > 0 && e.every((x) => typeof x === 'number')) return Float32Array.from(e as number[]);
  if (typeof e === 'string' && e.length > 0) {
    const b = Buffer.from(e, 'base64');
    if (b.byteLength % 4 !== 0) return undefined;
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  return undefined;
}

function errorDetail(body: string): string {
  try {
    const m = (JSON.parse(body) as any)?.error?.message ?? (JSON.parse(body) as any)?.error;
    return typeof m === 'string' ? `: ${m.slice(0, 200)}` : '';
  } catch {
    return body ? `: ${body.slice(0, 120)}` : '';
  }
}
