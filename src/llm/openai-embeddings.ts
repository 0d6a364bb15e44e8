// An embeddings client for any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, text-embeddings-inference,
// vLLM, Ollama): batching, bounded concurrency, per-request timeout, retries with exponential backoff and jitter on
// 429/5xx/timeouts/dropped connections. The API key never appears in errors or logs.
//   - Blank texts (empty or whitespace only, e.g. image-only posts) are never sent: they get a zero vector, as the
//     reference gives them (spec §5.1) and as the transformers and lsa embedders do.
//   - Rate limits are shared: when one request is answered 429 (or carries Retry-After), every worker of this
//     client waits until then before its next request. Retry-After is honoured up to `maxRetryAfterMs`; a longer
//     one fails the run with a message saying so (finished batches stay with the caller).
//   - A batch refused as too large (413, or 400/422 saying so: TEI's max-client-batch-size, token budgets) is split
//     in halves, and later batches are no larger than the largest that had to be split.
import type { EmbeddingModel } from './types.ts';
import { apiKeyFromEnv, redact } from './openai-chat.ts';
import { ModelHttpError, backoffDelay, isRetryableStatus, parseRetryAfter, sleep, type RetryOptions } from './retry.ts';
import { Rng } from '../util/rng.ts';

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
  /** Longest Retry-After honoured, in ms (default 15 minutes); a longer one ends the run with a clear error. */
  maxRetryAfterMs?: number;
  /** vLLM's `truncate_prompt_tokens`: the server keeps the first N tokens of each input. */
  truncatePromptTokens?: number;
  /** `truncate: true` (TEI's /embed and Ollama's field): the server truncates at the model's own limit. */
  truncate?: boolean;
  /** Told of events worth a line on stderr (a shared rate-limit pause, a split batch). */
  onNotice?: (message: string) => void;
}

export const DEFAULT_MAX_RETRY_AFTER_MS = 15 * 60_000;

/** A pause shorter than this is not worth a notice. */
const NOTICE_PAUSE_MS = 5000;

/** Blank texts are never sent: they embed to a zero vector. */
export function isBlankText(text: string): boolean {
  return text.trim() === '';
}

export class OpenAIEmbeddingModel implements EmbeddingModel {
  readonly id: string;
  readonly baseURL: string;
  private readonly apiKey: string | undefined;
  private knownDim: number | undefined;
  private readonly basicAuth: string | undefined;
  /** Until when (ms since the epoch) every request of this client waits: the shared rate-limit back-off. */
  private pauseUntil = 0;
  /** The largest batch the endpoint is not known to refuse (lowered when a batch is refused as too large). */
  private batchCap = Infinity;

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
   * Embeds `texts` in order. `onBatch` is told of finished vectors as runs of consecutive positions (start, vectors),
   * so a caller can keep finished work when a later batch fails: after the first failure no new request starts,
   * requests in flight finish, then it throws. Blank texts get zero vectors without a request; only when every text
   * is blank and the dimension is not yet known does one probe request (the text ".") learn it.
   */
  async embed(texts: string[], signal?: AbortSignal, onBatch?: (start: number, vectors: Float32Array[]) => void): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    const live: number[] = [];
    const blank: number[] = [];
    texts.forEach((t, i) => (isBlankText(t) ? blank : live).push(i));
    let blanksDone = false;
    const emitRuns = (positions: number[], vecs: Float32Array[]) => {
      let r = 0;
      while (r < positions.length) {
        let e = r + 1;
        while (e < positions.length && positions[e] === positions[e - 1] + 1) e++;
        onBatch?.(positions[r], vecs.slice(r, e));
        r = e;
      }
    };
    const fillBlanks = () => {
      if (blanksDone || this.knownDim === undefined) return;
      blanksDone = true;
      const zeros = blank.map(() => new Float32Array(this.knownDim!));
      blank.forEach((i, j) => (out[i] = zeros[j]));
      if (zeros.length) emitRuns(blank, zeros);
    };

    const size = Math.max(1, this.opts.batchSize ?? 64);
    const tasks: Array<[number, number]> = [];
    for (let s = 0; s < live.length; s += size) tasks.push([s, Math.min(s + size, live.length)]);
    let next = 0;
    let failure: Error | undefined;
    const stopped = () => failure !== undefined || signal?.aborted === true;
    /** Embeds live[lo, hi), splitting it to the batch cap and on "too large" replies. */
    const run = async (lo: number, hi: number): Promise<void> => {
      if (hi - lo > this.batchCap) {
        for (let s = lo; s < hi && !stopped(); s += this.batchCap) await run(s, Math.min(s + this.batchCap, hi));
        return;
      }
      if (stopped()) return;
      const positions = live.slice(lo, hi);
      let vecs: Float32Array[];
      try {
        vecs = await this.request(positions.map((i) => texts[i]), signal, lo);
      } catch (err) {
        if (isTooLarge(err) && hi - lo > 1) {
          const half = Math.ceil((hi - lo) / 2);
          if (half < this.batchCap) {
            this.batchCap = half;
            this.opts.onNotice?.(`embedding endpoint ${this.endpoint} refused a batch of ${hi - lo} as too large; batches of at most ${half} from now on`);
          }
          await run(lo, lo + half);
          await run(lo + half, hi);
          return;
        }
        if (isTooLarge(err)) throw new ModelHttpError(`${(err as Error).message} (a single text is too long for the endpoint: set maxTokens, or truncate=true where the server supports it)`, (err as ModelHttpError).status, false);
        throw err;
      }
      positions.forEach((i, j) => (out[i] = vecs[j]));
      emitRuns(positions, vecs);
      fillBlanks();
    };
    const worker = async () => {
      while (next < tasks.length && !stopped()) {
        const [lo, hi] = tasks[next++];
        try {
          await run(lo, hi);
        } catch (err) {
          failure ??= err as Error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, this.opts.concurrency ?? 4), tasks.length) }, worker));
    if (!failure && !signal?.aborted && !blanksDone && blank.length > 0) {
      if (this.knownDim === undefined && this.opts.dimensions !== undefined) this.knownDim = this.opts.dimensions;
      if (this.knownDim === undefined) {
        try {
          await this.request(['.'], signal, 0); // learns the dimension; the vector itself is not used
        } catch (err) {
          failure = err as Error;
        }
      }
      if (!failure) fillBlanks();
    }
    if (signal?.aborted) throw signal.reason;
    if (failure) {
      const attempts = failure instanceof ModelHttpError && failure.retryable ? ` after ${(this.opts.retries ?? 4) + 1} attempts` : '';
      throw new Error(`embedding endpoint ${this.endpoint} (model ${this.opts.model}) failed${attempts}: ${redact(failure.message, this.apiKey)}`);
    }
    return out;
  }

  /**
   * One batch with retries. A rate-limit reply (429, or any retryable reply with Retry-After) pauses every worker
   * of this client until the wait is over; other transient failures back off this request only.
   */
  private async request(input: string[], signal: AbortSignal | undefined, seed: number): Promise<Float32Array[]> {
    const rng = new Rng((this.opts.seed ?? 0) + seed);
    const retries = this.opts.retries ?? 4;
    const maxRetryAfter = this.opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    for (let attempt = 0; ; attempt++) {
      await this.waitForPause(signal);
      try {
        return await this.once(input, signal);
      } catch (err) {
        if (!(err instanceof ModelHttpError) || !err.retryable || attempt >= retries || signal?.aborted) throw err;
        if (err.retryAfterMs !== undefined && err.retryAfterMs > maxRetryAfter) {
          throw new ModelHttpError(
            `${err.message}; the endpoint asked to wait ${formatSeconds(err.retryAfterMs)} (Retry-After), longer than maxRetryAfterMs allows ` +
              `(${formatSeconds(maxRetryAfter)}): run again later, or raise maxRetryAfterMs in the embedder spec`,
            err.status,
            false,
          );
        }
        const rateLimited = err.status === 429 || err.retryAfterMs !== undefined;
        const delay = err.retryAfterMs ?? backoffDelay(attempt, this.opts, rng);
        if (!rateLimited) {
          await sleep(delay, signal);
          continue;
        }
        const until = Date.now() + delay;
        if (until > this.pauseUntil) {
          this.pauseUntil = until;
          if (delay >= NOTICE_PAUSE_MS) {
            this.opts.onNotice?.(`embedding endpoint ${this.endpoint} is rate-limiting (HTTP ${err.status ?? '?'}): all requests pause for ${formatSeconds(delay)}`);
          }
        }
      }
    }
  }

  private async waitForPause(signal: AbortSignal | undefined): Promise<void> {
    for (let wait = this.pauseUntil - Date.now(); wait > 0; wait = this.pauseUntil - Date.now()) await sleep(wait, signal);
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
    if (this.opts.truncatePromptTokens !== undefined) body.truncate_prompt_tokens = this.opts.truncatePromptTokens;
    if (this.opts.truncate !== undefined) body.truncate = this.opts.truncate;
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

/** 413, or a 400/422 whose message says the request is too large (batch size, token budget, input length). */
function isTooLarge(err: unknown): boolean {
  if (!(err instanceof ModelHttpError)) return false;
  if (err.status === 413) return true;
  return (err.status === 400 || err.status === 422) && /too (large|long|big|many)|exceed|maximum|max[_ ]?(client[_ ])?batch|must have less|batch size/i.test(err.message);
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
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
