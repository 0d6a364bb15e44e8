// A chat client for any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp server, Ollama) over fetch.
// Structured output via `response_format: json_schema`; timeouts, retries with backoff + jitter (Retry-After honoured).
// The API key comes from the options or the environment and never appears in errors or logs.
import type { ChatModel, ChatRequest, ChatResult } from './types.ts';
import { ModelHttpError, isRetryableStatus, parseRetryAfter, withRetry, type RetryOptions } from './retry.ts';

export interface OpenAIChatOptions extends RetryOptions {
  model: string;
  /** e.g. https://api.openai.com/v1 or http://127.0.0.1:8000/v1 (default $OPENAI_BASE_URL or OpenAI). */
  baseURL?: string;
  /** Default: $SIMPACT_LLM_API_KEY, then $OPENAI_API_KEY; none for local servers. */
  apiKey?: string;
  /** Per-request timeout in ms (default 120 s). */
  timeoutMs?: number;
  /** Send `max_completion_tokens` (new OpenAI models) instead of `max_tokens`. */
  useMaxCompletionTokens?: boolean;
}

export function apiKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.SIMPACT_LLM_API_KEY || env.OPENAI_API_KEY || undefined;
}

/**
 * The request body for /chat/completions (also the `body` of an OpenAI Batch API line). Keys in the reference's
 * order (create_batchinput.py: model, temperature, response_format, messages), so a Batch line can match its bytes.
 */
export function chatCompletionBody(model: string, req: ChatRequest, opts: { useMaxCompletionTokens?: boolean } = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { model };
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.maxTokens !== undefined) body[opts.useMaxCompletionTokens ? 'max_completion_tokens' : 'max_tokens'] = req.maxTokens;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.jsonSchema) {
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: req.jsonSchema.name, strict: req.jsonSchema.strict ?? true, schema: req.jsonSchema.schema },
    };
  }
  body.messages = req.messages;
  return body;
}

/** Reads a chat.completion response object (also what an OpenAI Batch output line holds in `response.body`). */
export function parseChatCompletion(json: any): ChatResult {
  const choice = json?.choices?.[0];
  if (!choice || typeof choice !== 'object') throw new ModelHttpError('response has no choices', undefined, false);
  const msg = choice.message ?? {};
  const usage = json.usage
    ? { promptTokens: Number(json.usage.prompt_tokens ?? 0), completionTokens: Number(json.usage.completion_tokens ?? 0) }
    : undefined;
  return {
    content: typeof msg.content === 'string' ? msg.content : '',
    finishReason: choice.finish_reason ?? undefined,
    refusal: typeof msg.refusal === 'string' && msg.refusal ? msg.refusal : undefined,
    usage,
  };
}

export class OpenAIChatModel implements ChatModel {
  readonly id: string;
  private readonly baseURL: string;
  private readonly apiKey: string | undefined;

  constructor(private readonly opts: OpenAIChatOptions) {
    this.baseURL = (opts.baseURL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
    this.apiKey = opts.apiKey ?? apiKeyFromEnv();
    this.id = `openai:${opts.model}`;
  }

  chat(req: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    return withRetry((attempt) => this.once(req, attempt, signal), { ...this.opts, seed: this.opts.seed ?? req.seed }, signal);
  }

  private async once(req: ChatRequest, _attempt: number, signal?: AbortSignal): Promise<ChatResult> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 120_000);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let res: Response;
    try {
      res = await fetch(`${this.baseURL}/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify(chatCompletionBody(this.opts.model, req, this.opts)),
        signal: combined,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const what = timeout.aborted ? `timed out after ${this.opts.timeoutMs ?? 120_000} ms` : `network error (${(err as Error).message})`;
      throw new ModelHttpError(`chat request ${what}`, undefined, true);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ModelHttpError('chat response body could not be read', res.status, true);
    }
    if (!res.ok) {
      throw new ModelHttpError(
        `chat endpoint answered HTTP ${res.status}${redact(errorDetail(text), this.apiKey)}`,
        res.status,
        isRetryableStatus(res.status),
        parseRetryAfter(res.headers.get('retry-after')),
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ModelHttpError('chat endpoint answered with invalid JSON', res.status, true);
    }
    return parseChatCompletion(json);
  }
}

function errorDetail(body: string): string {
  try {
    const m = (JSON.parse(body) as any)?.error?.message;
    return typeof m === 'string' ? `: ${m.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

/** Endpoint messages sometimes echo (part of) the key; never pass it on. */
export function redact(message: string, apiKey: string | undefined): string {
  let out = message.replace(/\b(sk|key)-[A-Za-z0-9_*-]{6,}/g, '$1-***');
  if (apiKey) out = out.split(apiKey).join('***');
  return out;
}
