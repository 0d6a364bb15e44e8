// Every LLM call of this pipeline goes through here: the reply is cached in the store under a hash of the model id,
// the prompt version and the full request, so an interrupted run resumes without repeating finished calls.
import { createHash } from 'node:crypto';
import type { ChatModel, ChatRequest } from '../llm/types.ts';
import { getCachedReply, putCachedReply, type CachedReply } from '../store/personas.ts';
import type { Store } from '../store/store.ts';

export function callKey(modelId: string, promptVersion: string, req: ChatRequest): string {
  const canonical = JSON.stringify({ m: modelId, v: promptVersion, msgs: req.messages, t: req.temperature, mt: req.maxTokens, s: req.seed, j: req.jsonSchema ?? null });
  return createHash('sha256').update(canonical).digest('hex');
}

/** Unparsable replies (judge, questionnaire) are asked again this many times by default, each time with a new seed. */
export const DEFAULT_RETRIES = 2;
/** Retries sample at least this temperature: at temperature 0 a new seed would give the same reply. */
export const RETRY_MIN_TEMPERATURE = 0.7;

export interface CallStats {
  calls: number;
  cached: number;
}

export async function cachedChat(store: Store, model: ChatModel, promptVersion: string, purpose: string, req: ChatRequest, stats?: CallStats): Promise<CachedReply> {
  const key = callKey(model.id, promptVersion, req);
  const hit = await getCachedReply(store, key);
  if (hit) {
    if (stats) stats.cached++;
    return hit;
  }
  const r = await model.chat(req);
  if (stats) stats.calls++;
  const reply: CachedReply = { content: r.content, refusal: r.refusal, finishReason: r.finishReason };
  await putCachedReply(store, key, model.id, purpose, reply);
  return reply;
}

/** A short stable id: sha256 of the parts, 16 hex characters. */
export function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}
