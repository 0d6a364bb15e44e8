// Stage 2: the quality gate. An LLM judge scores each persona against its source posts (faithfulness, specificity,
// consistency, absence of personal data); rejected personas stay in the store with their reasons. The verdict keeps
// the judge's scores and the thresholds it was decided under, so changed thresholds are re-applied to stored scores
// without asking the judge again; an unparsable reply is retried with a new seed (each attempt cached, so a resumed run
// repeats no call).
import { mapPool } from '../llm/pool.ts';
import type { ChatModel } from '../llm/types.ts';
import { listJudgements, putJudgements, verdictGroups, type GateKey, type JudgementRecord, type PersonaRecord } from '../store/personas.ts';
import type { Store } from '../store/store.ts';
import { samplePostsEvenly } from './generate.ts';
import { cachedChat, DEFAULT_RETRIES, RETRY_MIN_TEMPERATURE, type CallStats } from './llm-call.ts';
import { JUDGE_PROMPT_VERSION, JUDGE_SCHEMA, judgeMessages } from './prompts.ts';
import { isRefusalText, jsonObjectsIn } from './reply-text.ts';
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

/** Reads a judge reply; undefined when it holds no JSON object with four integer scores in 1..5. */
export function parseJudgeReply(content: string): (JudgeScores & { reasons: string }) | undefined {
  const keys = ['faithfulness', 'specificity', 'consistency', 'privacy'] as const;
  // The first embedded object with the four scores (prose around it, or a second {…} after it, is ignored).
  for (const obj of jsonObjectsIn(content)) {
    const out: Partial<JudgeScores> = {};
    let ok = true;
    for (const k of keys) {
      const v = Number(obj[k]);
      if (!Number.isInteger(v) || v < 1 || v > 5) {
        ok = false;
        break;
      }
      out[k] = v;
    }
    if (ok) return { ...(out as JudgeScores), reasons: typeof obj.reasons === 'string' ? obj.reasons : '' };
  }
  return undefined;
}

/** Pass/fail with the failed criteria spelled out. */
export function applyGate(s: JudgeScores, rule: GateRule = DEFAULT_GATE): { passed: boolean; failures: string[] } {
  const failures: string[] = [];
  for (const k of ['faithfulness', 'specificity', 'consistency', 'privacy'] as const) if (s[k] < rule.minEach) failures.push(`${k} ${s[k]} < ${rule.minEach}`);
  const mean = (s.faithfulness + s.specificity + s.consistency + s.privacy) / 4;
  if (mean < rule.minMean) failures.push(`mean ${mean.toFixed(2)} < ${rule.minMean}`);
  return { passed: failures.length === 0, failures };
}

/** The instruction added to the judge prompt of a persona revised towards a group. */
export function revisionNote(group: string): string {
  return `This persona was deliberately adapted to the group "${group}"; do not count details about that group membership against faithfulness.`;
}

/** The note for a persona: an explicit one, else the revision note of a persona revised towards a group. */
function noteFor(p: PersonaRecord, notes?: ReadonlyMap<string, string>): string | undefined {
  const explicit = notes?.get(p.id);
  if (explicit) return explicit;
  const group = p.settings.group;
  return p.parentId && typeof group === 'string' ? revisionNote(group) : undefined;
}

export interface JudgeOptions {
  gate?: GateRule;
  maxPromptChars?: number;
  concurrency?: number;
  /** Re-judge personas that already have a verdict from this judge and prompt version. */
  rejudge?: boolean;
  /** Extra instruction by persona id (revised personas get revisionNote(group) without it). */
  notes?: ReadonlyMap<string, string>;
  /** Further attempts, each with a new seed, when a reply cannot be parsed (default 2). */
  retries?: number;
}

export interface GateTotals {
  judged: number;
  passed: number;
  rejected: number;
  passRate: number;
}

export interface JudgeSummary {
  /** Verdicts made in this run (by the judge, possibly from cached replies). */
  judged: number;
  alreadyJudged: number;
  passed: number;
  rejected: number;
  /** Pass rate of this run's verdicts. */
  passRate: number;
  /** Over every given persona with a verdict from this judge and prompt version, under this run's thresholds. */
  total: GateTotals;
  /** Stored verdicts whose outcome changed when this run's thresholds were applied to their stored scores. */
  regated: number;
  rejections: ExclusionCounts;
  /** Calls that failed; those personas have no verdict and are judged on the next run. */
  errors: ExclusionCounts;
  /** Further attempts made after unparsable replies (calls or cache hits). */
  retries: number;
  missingSource: number;
  llm: CallStats;
}

/** A verdict from parsed scores (or why there are none) under `gate`. */
function verdict(p: PersonaRecord, modelId: string, gate: GateRule, parsed: (JudgeScores & { reasons: string }) | undefined, why: string): JudgementRecord {
  if (!parsed) return { personaId: p.id, judgeModel: modelId, promptVersion: JUDGE_PROMPT_VERSION, passed: false, reasons: why, gate, judgeReasons: why };
  const { reasons, ...scores } = parsed;
  return regate({ personaId: p.id, judgeModel: modelId, promptVersion: JUDGE_PROMPT_VERSION, scores, passed: false, reasons: '', judgeReasons: reasons }, gate);
}

/** The verdict decided again from its stored scores under `gate` (verdicts without scores stay rejected). */
export function regate(j: JudgementRecord, gate: GateRule): JudgementRecord {
  if (!j.scores) return { ...j, gate };
  // Verdicts stored before judge_reasons existed: the judge's part is after " | " (or all of it on a pass).
  const own = j.judgeReasons ?? (j.reasons.includes(' | ') ? j.reasons.split(' | ').slice(1).join(' | ') : j.passed ? j.reasons : '');
  const g = applyGate(j.scores, gate);
  return { ...j, passed: g.passed, reasons: g.passed ? own : `${g.failures.join('; ')}${own ? ` | ${own}` : ''}`, gate, judgeReasons: own };
}

/** Why a verdict failed, in counting form ("faithfulness below threshold", "judge refused", …). */
function countRejection(into: ExclusionCounts, j: JudgementRecord, gate: GateRule): void {
  if (!j.scores) countExclusion(into, j.judgeReasons || j.reasons);
  else for (const f of applyGate(j.scores, gate).failures) countExclusion(into, f.replace(/ \d.*$/, ' below threshold'));
}

function countVerdict(s: JudgeSummary, j: JudgementRecord): void {
  s.judged++;
  if (j.passed) s.passed++;
  else {
    s.rejected++;
    countRejection(s.rejections, j, j.gate ?? DEFAULT_GATE);
  }
}

/** What the quality gate did to a set of personas under one gate key: the counts and the reasons for rejection. */
export interface GateReport {
  judgeModel: string;
  promptVersion: string;
  minEach: number;
  minMean: number;
  personas: number;
  passed: number;
  rejected: number;
  /** No verdict from this judge and prompt version (not judged yet, or the call failed). */
  unjudged: number;
  passRate: number;
  rejections: ExclusionCounts;
}

/** The gate's outcome for `personaIds` under `key`, decided from the stored scores as passedPersonaIds decides it. */
export async function gateReport(store: Store, key: GateKey, personaIds: readonly string[]): Promise<GateReport> {
  const verdicts = new Map((await listJudgements(store)).filter((j) => j.judgeModel === key.judgeModel && j.promptVersion === key.promptVersion).map((j) => [j.personaId, j]));
  const rule = { minEach: key.minEach, minMean: key.minMean };
  const r: GateReport = { ...key, personas: personaIds.length, passed: 0, rejected: 0, unjudged: 0, passRate: 0, rejections: {} };
  for (const id of personaIds) {
    const j = verdicts.get(id);
    if (!j) r.unjudged++;
    else if (j.scores && applyGate(j.scores, rule).passed) r.passed++;
    else {
      r.rejected++;
      countRejection(r.rejections, j, rule);
    }
  }
  r.passRate = r.passed + r.rejected ? r.passed / (r.passed + r.rejected) : 0;
  r.rejections = Object.fromEntries(Object.entries(r.rejections).sort(([a], [b]) => (a < b ? -1 : 1)));
  return r;
}

/** One line for stage output: "gate openai:x (judge-v3, min-each 3, min-mean 4): 7 of 9 passed, 2 rejected {...}, 1 unjudged". */
export function gateLine(g: GateReport | null | undefined): string {
  if (!g) return 'gate: no verdicts in the store (nothing was judged)';
  const rej = g.rejected ? ` ${JSON.stringify(g.rejections)}` : '';
  return `gate ${g.judgeModel} (${g.promptVersion}, min-each ${g.minEach}, min-mean ${g.minMean}): ${g.passed} of ${g.passed + g.rejected} judged passed (${(100 * g.passRate).toFixed(1)} %), ${g.rejected} rejected${rej}, ${g.unjudged} unjudged`;
}

export async function judgePersonas(
  store: Store,
  model: ChatModel,
  personas: readonly PersonaRecord[],
  postsOf: (p: PersonaRecord) => string[] | undefined,
  opts: JudgeOptions = {},
): Promise<JudgeSummary> {
  const gate = opts.gate ?? DEFAULT_GATE;
  const retries = Math.max(0, opts.retries ?? DEFAULT_RETRIES);
  const stored = new Map((await listJudgements(store)).filter((j) => j.judgeModel === model.id && j.promptVersion === JUDGE_PROMPT_VERSION).map((j) => [j.personaId, j]));
  const s: JudgeSummary = {
    judged: 0,
    alreadyJudged: 0,
    passed: 0,
    rejected: 0,
    passRate: 0,
    total: { judged: 0, passed: 0, rejected: 0, passRate: 0 },
    regated: 0,
    rejections: {},
    errors: {},
    retries: 0,
    missingSource: 0,
    llm: { calls: 0, cached: 0 },
  };
  const final = new Map<string, JudgementRecord>();
  const updates: JudgementRecord[] = [];
  const todo: PersonaRecord[] = [];
  for (const p of personas) {
    const old = stored.get(p.id);
    // Re-asked: --rejudge, and verdicts without scores from an unparsable reply (the cached attempts answer at once;
    // only attempts beyond them, if --retries grew, reach the model).
    if (!old || opts.rejudge || (!old.scores && old.judgeReasons !== 'judge refused' && old.reasons !== 'judge refused')) {
      todo.push(p);
      continue;
    }
    s.alreadyJudged++;
    const again = regate(old, gate);
    if (again.passed !== old.passed) s.regated++;
    if (again.passed !== old.passed || again.reasons !== old.reasons || old.gate?.minEach !== gate.minEach || old.gate?.minMean !== gate.minMean) updates.push(again);
    final.set(p.id, again);
  }
  if (updates.length) await putJudgements(store, updates);
  await mapPool(todo, opts.concurrency ?? 4, async (p) => {
    const posts = postsOf(p);
    if (!posts?.length) {
      s.missingSource++;
      return;
    }
    const messages = judgeMessages(samplePostsEvenly(posts, opts.maxPromptChars ?? 24_000), p.narrative);
    const note = noteFor(p, opts.notes);
    if (note) messages[1].content += `\n\nNote: ${note}`;
    let record: JudgementRecord | undefined;
    try {
      for (let attempt = 0; attempt <= retries && !record; attempt++) {
        if (attempt > 0) s.retries++;
        const req = {
          messages,
          temperature: attempt === 0 ? 0 : RETRY_MIN_TEMPERATURE,
          maxTokens: 300,
          jsonSchema: { name: 'persona_judgement', schema: judgeSchemaObject() },
          ...(attempt === 0 ? {} : { seed: attempt }),
        };
        const reply = await cachedChat(store, model, JUDGE_PROMPT_VERSION, 'judge', req, s.llm);
        const parsed = reply.refusal ? undefined : parseJudgeReply(reply.content);
        if (parsed) record = verdict(p, model.id, gate, parsed, '');
        else if (reply.refusal || isRefusalText(reply.content)) record = verdict(p, model.id, gate, undefined, 'judge refused');
        else if (attempt === retries) record = verdict(p, model.id, gate, undefined, 'judge reply unparsable');
      }
    } catch (err) {
      // Not recorded as a verdict: the persona is judged again on the next run.
      countExclusion(s.errors, `LLM call failed: ${(err as Error).message.slice(0, 120)}`);
      return;
    }
    await putJudgements(store, [record!]);
    countVerdict(s, record!);
    final.set(p.id, record!);
  });
  s.passRate = s.judged ? s.passed / s.judged : 0;
  const all = [...final.values()];
  const passedAll = all.filter((j) => j.passed).length;
  s.total = { judged: all.length, passed: passedAll, rejected: all.length - passedAll, passRate: all.length ? passedAll / all.length : 0 };
  return s;
}

function judgeSchemaObject(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(JUDGE_SCHEMA)) as Record<string, unknown>;
}

/** Parses a --judge-model value (a model spec or a recorded id) into the id verdicts are stored under. */
export function judgeModelId(specOrId: string): string {
  const colon = specOrId.indexOf(':');
  if (colon <= 0) return specOrId;
  const kind = specOrId.slice(0, colon);
  const rest = specOrId.slice(colon + 1);
  if (kind === 'gguf') return `gguf:${rest.split(/[\\/]/).pop()}`;
  if (kind === 'openai' || kind === 'ollama') return `openai:${rest.split('@')[0]}`;
  return specOrId;
}

/**
 * The gate key pass/fail is read under: the given judge model / thresholds, else the only judge model (current prompt
 * version first) in the store and the thresholds its verdicts were decided under (the defaults for verdicts that
 * predate recorded thresholds). Undefined when nothing was judged; a RangeError when the choice is ambiguous.
 */
export async function resolveGateKey(store: Store, want: { judgeModel?: string; minEach?: number; minMean?: number } = {}): Promise<GateKey | undefined> {
  const groups = await verdictGroups(store);
  if (!groups.length) return undefined;
  const wantId = want.judgeModel ? judgeModelId(want.judgeModel) : undefined;
  let cands = wantId ? groups.filter((g) => g.judgeModel === wantId) : groups;
  if (wantId && !cands.length) throw new RangeError(`no verdicts from judge model "${wantId}" (judged by: ${[...new Set(groups.map((g) => g.judgeModel))].join(', ')})`);
  const current = cands.filter((g) => g.promptVersion === JUDGE_PROMPT_VERSION);
  if (current.length) cands = current;
  const pairs = [...new Set(cands.map((g) => `${g.judgeModel}\u0000${g.promptVersion}`))];
  if (pairs.length > 1) throw new RangeError(`verdicts from several judges (${pairs.map((p) => p.replace('\u0000', ' ')).join(', ')}): choose one with --judge-model`);
  const [judgeModel, promptVersion] = pairs[0].split('\u0000');
  const recorded = [...new Set(cands.filter((g) => g.gate).map((g) => `${g.gate!.minEach}/${g.gate!.minMean}`))];
  if ((want.minEach === undefined || want.minMean === undefined) && recorded.length > 1)
    throw new RangeError(`verdicts of ${judgeModel} were decided under several thresholds (${recorded.join(', ')} as min-each/min-mean): give --min-each and --min-mean, or re-run personas judge`);
  const [re, rm] = recorded.length ? recorded[0].split('/').map(Number) : [DEFAULT_GATE.minEach, DEFAULT_GATE.minMean];
  return { judgeModel, promptVersion, minEach: want.minEach ?? re, minMean: want.minMean ?? rm };
}
