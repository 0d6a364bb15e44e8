// Stage 2: the quality gate. An LLM judge scores each persona against its source posts (faithfulness, specificity,
// consistency, absence of personal data); rejected personas stay in the store with their reasons.
import { mapPool } from '../llm/pool.ts';
import type { ChatModel } from '../llm/types.ts';
import { listJudgements, putJudgement, type PersonaRecord } from '../store/personas.ts';
import type { Store } from '../store/store.ts';
import { samplePostsEvenly } from './generate.ts';
import { cachedChat, type CallStats } from './llm-call.ts';
import { JUDGE_PROMPT_VERSION, JUDGE_SCHEMA, judgeMessages } from './prompts.ts';
import { countExclusion, type ExclusionCounts } from './types.ts';

export interface JudgeScores {
  faithfulness: number;
  specificity: number;
  consistency: number;
  privacy: number;
}

export interface GateRule {
  /** Every criterion at least this (default 3). */
  minEach: number;
  /** Mean of the criteria at least this (default 4). */
  minMean: number;
}

export const DEFAULT_GATE: GateRule = { minEach: 3, minMean: 4 };

/** Reads a judge reply; undefined when it is not JSON with four integer scores in 1..5. */
export function parseJudgeReply(content: string): (JudgeScores & { reasons: string }) | undefined {
  let obj: Record<string, unknown>;
  try {
    const s = content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1);
    obj = JSON.parse(s) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const keys = ['faithfulness', 'specificity', 'consistency', 'privacy'] as const;
  const out: Partial<JudgeScores> = {};
  for (const k of keys) {
    const v = Number(obj[k]);
    if (!Number.isInteger(v) || v < 1 || v > 5) return undefined;
    out[k] = v;
  }
  return { ...(out as JudgeScores), reasons: typeof obj.reasons === 'string' ? obj.reasons : '' };
}

/** Pass/fail with the failed criteria spelled out. */
export function applyGate(s: JudgeScores, rule: GateRule = DEFAULT_GATE): { passed: boolean; failures: string[] } {
  const failures: string[] = [];
  for (const [k, v] of Object.entries(s)) if (v < rule.minEach) failures.push(`${k} ${v} < ${rule.minEach}`);
  const mean = (s.faithfulness + s.specificity + s.consistency + s.privacy) / 4;
  if (mean < rule.minMean) failures.push(`mean ${mean.toFixed(2)} < ${rule.minMean}`);
  return { passed: failures.length === 0, failures };
}

export interface JudgeOptions {
  gate?: GateRule;
  maxPromptChars?: number;
  concurrency?: number;
  /** Re-judge personas that already have a verdict from this judge and prompt version. */
  rejudge?: boolean;
  /** Extra instruction for personas revised towards a group (by persona id). */
  notes?: ReadonlyMap<string, string>;
}

export interface JudgeSummary {
  judged: number;
  alreadyJudged: number;
  passed: number;
  rejected: number;
  passRate: number;
  rejections: ExclusionCounts;
  /** Calls that failed; those personas have no verdict and are judged on the next run. */
  errors: ExclusionCounts;
  missingSource: number;
  llm: CallStats;
}

export async function judgePersonas(
  store: Store,
  model: ChatModel,
  personas: readonly PersonaRecord[],
  postsOf: (p: PersonaRecord) => string[] | undefined,
  opts: JudgeOptions = {},
): Promise<JudgeSummary> {
  const gate = opts.gate ?? DEFAULT_GATE;
  const done = new Set((await listJudgements(store)).filter((j) => j.judgeModel === model.id && j.promptVersion === JUDGE_PROMPT_VERSION).map((j) => j.personaId));
  const s: JudgeSummary = { judged: 0, alreadyJudged: 0, passed: 0, rejected: 0, passRate: 0, rejections: {}, errors: {}, missingSource: 0, llm: { calls: 0, cached: 0 } };
  const todo = personas.filter((p) => {
    if (!opts.rejudge && done.has(p.id)) {
      s.alreadyJudged++;
      return false;
    }
    return true;
  });
  await mapPool(todo, opts.concurrency ?? 4, async (p) => {
    const posts = postsOf(p);
    if (!posts?.length) {
      s.missingSource++;
      return;
    }
    const messages = judgeMessages(samplePostsEvenly(posts, opts.maxPromptChars ?? 24_000), p.narrative);
    const note = opts.notes?.get(p.id);
    if (note) messages[1].content += `\n\nNote: ${note}`;
    let record: Parameters<typeof putJudgement>[1];
    try {
      const reply = await cachedChat(store, model, JUDGE_PROMPT_VERSION, 'judge', { messages, temperature: 0, maxTokens: 300, jsonSchema: { name: 'persona_judgement', schema: judgeSchemaObject() } }, s.llm);
      const parsed = reply.refusal ? undefined : parseJudgeReply(reply.content);
      if (!parsed) {
        const why = reply.refusal ? 'judge refused' : 'judge reply unparsable';
        record = { personaId: p.id, judgeModel: model.id, promptVersion: JUDGE_PROMPT_VERSION, passed: false, reasons: why };
        countExclusion(s.rejections, why);
      } else {
        const { reasons, ...scores } = parsed;
        const g = applyGate(scores, gate);
        record = { personaId: p.id, judgeModel: model.id, promptVersion: JUDGE_PROMPT_VERSION, scores, passed: g.passed, reasons: g.passed ? reasons : `${g.failures.join('; ')}${reasons ? ` | ${reasons}` : ''}` };
        for (const f of g.failures) countExclusion(s.rejections, f.replace(/ \d.*$/, ' below threshold'));
      }
    } catch (err) {
      // Not recorded as a verdict: the persona is judged again on the next run.
      countExclusion(s.errors, `LLM call failed: ${(err as Error).message.slice(0, 120)}`);
      return;
    }
    await putJudgement(store, record);
    s.judged++;
    if (record.passed) s.passed++;
    else s.rejected++;
  });
  s.passRate = s.judged ? s.passed / s.judged : 0;
  return s;
}

function judgeSchemaObject(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(JUDGE_SCHEMA)) as Record<string, unknown>;
}
