// Stage 1: narrative personas from users with enough history, written by an LLM from their posts only (posts redacted
// of identifiers before prompting, see prompts.ts), then passed through the PII redactor. Refusals, by the API's field
// or in prose, are counted and stored as failures. Resumable: existing personas are kept and LLM replies come from the
// cache.
import { mapPool } from '../llm/pool.ts';
import type { ChatModel } from '../llm/types.ts';
import { listPersonas, putFailure, putPersona, clearFailure } from '../store/personas.ts';
import type { Store } from '../store/store.ts';
import { cachedChat, shortHash, type CallStats } from './llm-call.ts';
import { PERSONA_PROMPT_VERSION, personaMessages } from './prompts.ts';
import { isRefusalText } from './reply-text.ts';
import { countExclusion, type ExclusionCounts } from './types.ts';

export interface SourceUser {
  /** Internal user key (kept in the store only; never logged or released). */
  id: string;
  /** Post texts, oldest first. */
  posts: string[];
}

/** Replaces personal data in a text and says how many spans it replaced. */
export interface TextRedactor {
  redact(text: string): { text: string; count: number };
}

export interface GenerateOptions {
  minPosts?: number;
  minWords?: number;
  /** Cap on the characters of posts put in one prompt; beyond it posts are sampled evenly across time. */
  maxPromptChars?: number;
  words?: { min: number; max: number };
  /** Narratives shorter than this many words are rejected as empty. */
  minNarrativeWords?: number;
  temperature?: number;
  maxTokens?: number;
  concurrency?: number;
  redactor: TextRedactor;
}

export interface GenerateSummary {
  users: number;
  eligible: number;
  excludedUsers: ExclusionCounts;
  generated: number;
  existing: number;
  failed: ExclusionCounts;
  redactions: number;
  llm: CallStats;
}

export function wordCount(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

/** Posts that fit in `maxChars`, spread evenly over the history (keeps time order). */
export function samplePostsEvenly(posts: readonly string[], maxChars: number): string[] {
  const total = posts.reduce((s, p) => s + p.length + 8, 0);
  if (total <= maxChars) return [...posts];
  let k = Math.max(1, Math.floor((posts.length * maxChars) / total));
  for (;;) {
    const picked = Array.from({ length: k }, (_, i) => posts[Math.floor(((i + 0.5) * posts.length) / k)]);
    if (k === 1 || picked.reduce((s, p) => s + p.length + 8, 0) <= maxChars) return picked;
    k--;
  }
}

export function eligibility(u: SourceUser, minPosts: number, minWords: number): string | undefined {
  const posts = u.posts.filter((p) => p.trim());
  if (posts.length < minPosts) return `fewer than ${minPosts} posts`;
  if (posts.reduce((s, p) => s + wordCount(p), 0) < minWords) return `fewer than ${minWords} words`;
  return undefined;
}

export async function generatePersonas(store: Store, model: ChatModel, users: readonly SourceUser[], opts: GenerateOptions): Promise<GenerateSummary> {
  const settings = {
    minPosts: opts.minPosts ?? 10,
    minWords: opts.minWords ?? 2000,
    maxPromptChars: opts.maxPromptChars ?? 24_000,
    words: opts.words ?? { min: 150, max: 300 },
    minNarrativeWords: opts.minNarrativeWords ?? 40,
    temperature: opts.temperature ?? 0.7,
    maxTokens: opts.maxTokens ?? 700,
  };
  const summary: GenerateSummary = { users: users.length, eligible: 0, excludedUsers: {}, generated: 0, existing: 0, failed: {}, redactions: 0, llm: { calls: 0, cached: 0 } };
  const have = new Set((await listPersonas(store)).map((p) => p.id));
  const todo: Array<{ u: SourceUser; id: string }> = [];
  for (const u of users) {
    const why = eligibility(u, settings.minPosts, settings.minWords);
    if (why) {
      countExclusion(summary.excludedUsers, why);
      continue;
    }
    summary.eligible++;
    const id = shortHash('persona', u.id, model.id, PERSONA_PROMPT_VERSION, JSON.stringify(settings));
    if (have.has(id)) summary.existing++;
    else todo.push({ u, id });
  }
  await mapPool(todo, opts.concurrency ?? 4, async ({ u, id }) => {
    const posts = samplePostsEvenly(u.posts.filter((p) => p.trim()), settings.maxPromptChars);
    let reason: string | undefined;
    try {
      const reply = await cachedChat(store, model, PERSONA_PROMPT_VERSION, 'persona', { messages: personaMessages(posts, settings.words), temperature: settings.temperature, maxTokens: settings.maxTokens, seed: 1 }, summary.llm);
      const text = reply.content.trim();
      // The API's refusal field, or refusal prose in the content ("I can't help with that", "As an AI, I …").
      if (reply.refusal || isRefusalText(text)) reason = 'refusal';
      else if (wordCount(text) < settings.minNarrativeWords) reason = 'empty or too short narrative';
      else {
        const red = opts.redactor.redact(text);
        summary.redactions += red.count;
        await putPersona(store, { id, sourceUser: u.id, narrative: red.text, model: model.id, promptVersion: PERSONA_PROMPT_VERSION, settings, postsUsed: posts.length, redactions: red.count });
        await clearFailure(store, 'generate', id, model.id);
        summary.generated++;
        return;
      }
    } catch (err) {
      reason = `LLM call failed: ${(err as Error).message.slice(0, 200)}`;
    }
    countExclusion(summary.failed, reason);
    await putFailure(store, 'generate', id, model.id, reason);
  });
  return summary;
}
