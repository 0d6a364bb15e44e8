// Retry policy shared by HTTP model clients: exponential backoff with full jitter, Retry-After honoured.
import { Rng } from '../util/rng.ts';

export interface RetryOptions {
  /** Attempts after the first one (default 4). */
  retries?: number;
  /** First backoff in ms (default 500); doubles per attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Seed for the jitter (default 0). */
  seed?: number;
}

/** An error from a model endpoint, tagged with whether a retry may help. */
export class ModelHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** 429, 408, 409 and 5xx are transient; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(value);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}

export function backoffDelay(attempt: number, opts: RetryOptions, rng: Rng, retryAfterMs?: number): number {
  const base = opts.baseDelayMs ?? 500;
  const cap = opts.maxDelayMs ?? 30_000;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, cap * 4);
  return Math.round(rng.next() * Math.min(cap, base * 2 ** attempt));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Run `fn` until it succeeds, a non-retryable error occurs, or the retries are spent. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}, signal?: AbortSignal): Promise<T> {
  const rng = new Rng(opts.seed ?? 0);
  const retries = opts.retries ?? 4;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const retryable = err instanceof ModelHttpError ? err.retryable : false;
      if (!retryable || attempt >= retries || signal?.aborted) throw err;
      await sleep(backoffDelay(attempt, opts, rng, err instanceof ModelHttpError ? err.retryAfterMs : undefined), signal);
    }
  }
}
