// Stage 4 (subgroup adaptation), LLM part: where a subgroup-aligned set matched some reference draws poorly, the
// personas matched to them are revised by the LLM towards the group, redacted, and stored as new personas (with
// their parent) so they can be re-judged and re-scored before the next alignment.
import { mapPool } from '../llm/pool.ts';
import type { ChatModel, EmbeddingModel } from '../llm/types.ts';
import { getPersonaSet, listPersonas, putFailure, putPersona, type PersonaRecord } from '../store/personas.ts';
import type { Store } from '../store/store.ts';
import type { TextRedactor } from './generate.ts';
import { wordCount } from './generate.ts';
import { cachedChat, shortHash, type CallStats } from './llm-call.ts';
import { REVISE_PROMPT_VERSION, reviseMessages } from './prompts.ts';
import { isRefusalText } from './reply-text.ts';
import { countExclusion, type ExclusionCounts } from './types.ts';

export interface ReviseOptions {
  setId: string;
  /** Plain-language description of the group, e.g. "adults living in Japan". */
  groupDescription: string;
  groupLabel: string;
  /** Revise the personas behind the k worst-matched reference draws (default 10). */
  k?: number;
  /** Only matches costlier than this (squared reference-SD units; default 0.5) count as poorly covered. */
  minCost?: number;
  temperature?: number;
  concurrency?: number;
  redactor: TextRedactor;
  /**
   * Embedding-driven retrieval: among the personas behind poorly matched draws (up to 5·k of them), revise the k whose
   * narratives are semantically nearest to the group description. Without it, the k worst-matched are revised.
   */
  embedder?: EmbeddingModel & { prepare?(corpus: readonly string[]): Promise<void> };
}

export interface ReviseSummary {
  poorlyCovered: number;
  revised: PersonaRecord[];
  failed: ExclusionCounts;
  llm: CallStats;
}

/** Members of a set whose OT match cost is among the k largest and above minCost, worst first. */
export function poorlyMatched(memberIds: readonly string[], matchedCosts: readonly number[], k: number, minCost: number): string[] {
  return memberIds
    .map((id, j) => ({ id, c: matchedCosts[j] ?? 0 }))
    .filter((x) => x.c > minCost)
    .sort((a, b) => b.c - a.c || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map((x) => x.id);
}

/** Indices of `vecs` by descending cosine similarity to `query` (ties by index). */
export function rankBySimilarity(query: ArrayLike<number>, vecs: readonly ArrayLike<number>[]): number[] {
  const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((t, x) => t + x * x, 0)) || 1;
  const qn = norm(query);
  const sims = vecs.map((v) => {
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i] * query[i];
    return dot / (qn * norm(v));
  });
  return sims.map((_, i) => i).sort((a, b) => sims[b] - sims[a] || a - b);
}

export async function revisePersonas(store: Store, model: ChatModel, opts: ReviseOptions): Promise<ReviseSummary> {
  const set = await getPersonaSet(store, opts.setId);
  if (!set) throw new RangeError(`no persona set "${opts.setId}"`);
  const costs = ((set.diagnostics as { matchedCosts?: number[] }).matchedCosts ?? []).map(Number);
  const k = opts.k ?? 10;
  const ids = poorlyMatched(set.memberIds, costs, opts.embedder ? 5 * k : k, opts.minCost ?? 0.5);
  let personas = await listPersonas(store, { ids });
  if (opts.embedder && personas.length > k) {
    const texts = [opts.groupDescription, ...personas.map((p) => p.narrative)];
    await opts.embedder.prepare?.(texts);
    const [query, ...vecs] = await opts.embedder.embed(texts);
    const order = rankBySimilarity(query, vecs);
    personas = order.slice(0, k).map((i) => personas[i]);
  }
  const s: ReviseSummary = { poorlyCovered: ids.length, revised: [], failed: {}, llm: { calls: 0, cached: 0 } };
  await mapPool(personas, opts.concurrency ?? 4, async (p) => {
    const id = shortHash('revised', p.id, model.id, REVISE_PROMPT_VERSION, opts.groupDescription);
    let reason: string;
    try {
      const reply = await cachedChat(store, model, REVISE_PROMPT_VERSION, 'revise', { messages: reviseMessages(p.narrative, opts.groupDescription), temperature: opts.temperature ?? 0.7, maxTokens: 700, seed: 1 }, s.llm);
      const text = reply.content.trim();
      if (reply.refusal || isRefusalText(text)) reason = 'refusal';
      else if (wordCount(text) < 40) reason = 'empty or too short narrative';
      else {
        const red = opts.redactor.redact(text);
        const rec: PersonaRecord = {
          id,
          sourceUser: p.sourceUser,
          parentId: p.id,
          narrative: red.text,
          model: model.id,
          promptVersion: REVISE_PROMPT_VERSION,
          settings: { group: opts.groupDescription, fromSet: opts.setId },
          postsUsed: p.postsUsed,
          redactions: red.count,
          groupLabel: opts.groupLabel,
        };
        await putPersona(store, rec);
        s.revised.push(rec);
        return;
      }
    } catch (err) {
      reason = `LLM call failed: ${(err as Error).message.slice(0, 120)}`;
    }
    countExclusion(s.failed, reason);
    await putFailure(store, 'revise', id, model.id, reason);
  });
  s.revised.sort((a, b) => (a.id < b.id ? -1 : 1));
  return s;
}
