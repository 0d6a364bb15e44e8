// Stage 3 input: each persona answers a Big Five questionnaire through the LLM, R times, each time in a fresh seeded
// random item order; answers are parsed robustly, stored with a status, and scored with the instrument's keys. A reply
// with unusable answers is asked again with a new seed (up to `retries` times); every attempt is cached, so a resumed
// run repeats no call.
import { mapPool } from '../llm/pool.ts';
import type { ChatModel } from '../llm/types.ts';
import { putAnswers, putScore, type AnswerRow, type PersonaRecord } from '../store/personas.ts';
import type { Store } from '../store/store.ts';
import { Rng } from '../util/rng.ts';
import { scoreAnswers, type Instrument } from './instruments.ts';
import { parseLikertReply } from './likert.ts';
import { cachedChat, DEFAULT_RETRIES, RETRY_MIN_TEMPERATURE, type CallStats } from './llm-call.ts';
import { QUESTIONNAIRE_PROMPT_VERSION, questionnaireMessages, questionnaireSchema } from './prompts.ts';
import { countExclusion, TRAITS, type Big5, type ExclusionCounts } from './types.ts';

export interface QuestionnaireOptions {
  repeats?: number;
  temperature?: number;
  seed?: number;
  /** Statements per LLM call (default: the whole instrument in one call). */
  itemsPerCall?: number;
  /** Fraction of a trait's items a repeat must answer validly to count (default 0.8). */
  minItemFraction?: number;
  concurrency?: number;
  /** Further attempts, each with a new seed, for a chunk whose reply leaves items unparsable, missing or out of range (default 2). */
  retries?: number;
}

export interface QuestionnaireSummary {
  personas: number;
  scored: number;
  unscored: ExclusionCounts;
  answers: Record<string, number>;
  invalidRepeats: ExclusionCounts;
  /** Further attempts made after replies with unusable answers (calls or cache hits). */
  retries: number;
  llm: CallStats;
}

/** Item order for one persona and repeat: a seeded shuffle, the same on every run. */
export function itemOrder(inst: Instrument, personaId: string, rep: number, seed: number): number[] {
  return new Rng(`${seed}:${personaId}:${inst.id}:${rep}`).shuffle(inst.items.map((_, i) => i));
}

/** Mean of the per-repeat trait scores. */
export function averageBig5(list: readonly Big5[]): Big5 {
  return Object.fromEntries(TRAITS.map((t) => [t, list.reduce((s, b) => s + b[t], 0) / list.length])) as Big5;
}

export async function administerQuestionnaire(
  store: Store,
  model: ChatModel,
  inst: Instrument,
  personas: readonly PersonaRecord[],
  opts: QuestionnaireOptions = {},
): Promise<QuestionnaireSummary> {
  const R = opts.repeats ?? 3;
  const seed = opts.seed ?? 1;
  const per = Math.max(1, Math.min(opts.itemsPerCall ?? inst.items.length, inst.items.length));
  const minFrac = opts.minItemFraction ?? 0.8;
  const retries = Math.max(0, opts.retries ?? DEFAULT_RETRIES);
  const temperature = opts.temperature ?? 0.7;
  const s: QuestionnaireSummary = { personas: personas.length, scored: 0, unscored: {}, answers: {}, invalidRepeats: {}, retries: 0, llm: { calls: 0, cached: 0 } };
  await mapPool(personas, opts.concurrency ?? 4, async (p) => {
    const repScores: Big5[] = [];
    let failedCall = false;
    for (let rep = 0; rep < R; rep++) {
      const order = itemOrder(inst, p.id, rep, seed);
      const rows: AnswerRow[] = [];
      const answers = new Map<string, number>();
      let refusedChunks = 0;
      for (let c = 0; c < order.length; c += per) {
        const chunk = order.slice(c, c + per).map((i) => inst.items[i]);
        let parsed: ReturnType<typeof parseLikertReply> | undefined;
        try {
          // Attempt 0 is the plain request; a reply with any unusable answer is asked again with a new seed, and the
          // attempt with the most usable answers is kept (the first of equals). Refusals are not retried.
          for (let attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) s.retries++;
            const reply = await cachedChat(
              store,
              model,
              QUESTIONNAIRE_PROMPT_VERSION,
              `questionnaire:${inst.id}`,
              {
                messages: questionnaireMessages(p.narrative, chunk.map((it) => it.text), inst.scale.labels),
                temperature: attempt === 0 ? temperature : Math.max(temperature, RETRY_MIN_TEMPERATURE),
                maxTokens: 16 * chunk.length + 64,
                seed: seed * 1000 + rep + 100_000 * attempt,
                jsonSchema: { name: 'questionnaire_answers', schema: questionnaireSchema(chunk.length) },
              },
              s.llm,
            );
            const got = reply.refusal ? { values: chunk.map(() => null), status: chunk.map(() => 'missing' as const), refusal: true } : parseLikertReply(reply.content, chunk.length, inst.scale.max);
            const ok = (x: typeof got) => x.status.filter((st) => st === 'ok').length;
            if (!parsed || ok(got) > ok(parsed)) parsed = got;
            if (got.refusal || ok(got) === chunk.length) break;
          }
        } catch (err) {
          failedCall = true;
          countExclusion(s.invalidRepeats, `LLM call failed: ${(err as Error).message.slice(0, 120)}`);
          break;
        }
        const got = parsed;
        if (!got) break;
        if (got.refusal) refusedChunks++;
        chunk.forEach((it, k) => {
          const status = got.refusal ? 'refusal' : got.status[k];
          const value = got.values[k];
          rows.push({ personaId: p.id, instrument: inst.id, model: model.id, rep, item: it.code, value, status });
          s.answers[status] = (s.answers[status] ?? 0) + 1;
          if (value !== null) answers.set(it.code, value);
        });
      }
      if (failedCall) break;
      await putAnswers(store, rows);
      const sc = scoreAnswers(inst, answers, minFrac);
      if (sc.big5) repScores.push(sc.big5);
      else countExclusion(s.invalidRepeats, refusedChunks ? 'refusal' : (sc.reason ?? 'unscorable').replace(/for [A-Z,]+$/, '').trim());
    }
    if (failedCall) {
      countExclusion(s.unscored, 'LLM call failed (retried on the next run)');
      return;
    }
    const big5 = repScores.length ? averageBig5(repScores) : null;
    const reason = big5 ? undefined : 'no valid repeat';
    await putScore(store, { personaId: p.id, instrument: inst.id, model: model.id, big5, repeats: R, validRepeats: repScores.length, reason });
    if (big5) s.scored++;
    else countExclusion(s.unscored, reason!);
  });
  return s;
}
