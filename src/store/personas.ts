// Population-aligned personas: narratives, judge verdicts, questionnaire answers and scores, aligned sets, failures,
// and the LLM call cache that makes every LLM stage resumable (a finished call is never repeated).
import type { SchemaModule } from './schema-module.ts';
import type { Store } from './store.ts';

// Not `num` from store.ts: importing a value from store.ts here would close an import cycle (store → schemas → here).
function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : Number(v ?? 0);
}

export const personasSchema: SchemaModule = {
  name: 'personas',
  migrations: [
    `CREATE TABLE persona_llm_cache (
      key VARCHAR PRIMARY KEY, model VARCHAR NOT NULL, purpose VARCHAR NOT NULL,
      content VARCHAR NOT NULL, refusal VARCHAR, finish_reason VARCHAR)`,
    `CREATE TABLE personas (
      id VARCHAR PRIMARY KEY, source_user VARCHAR NOT NULL, parent_id VARCHAR, narrative VARCHAR NOT NULL,
      model VARCHAR NOT NULL, prompt_version VARCHAR NOT NULL, settings_json VARCHAR NOT NULL,
      posts_used INTEGER NOT NULL, redactions INTEGER NOT NULL, group_label VARCHAR)`,
    `CREATE TABLE persona_judgements (
      persona_id VARCHAR NOT NULL, judge_model VARCHAR NOT NULL, prompt_version VARCHAR NOT NULL,
      faithfulness INTEGER, specificity INTEGER, consistency INTEGER, privacy INTEGER,
      passed BOOLEAN NOT NULL, reasons VARCHAR NOT NULL,
      PRIMARY KEY (persona_id, judge_model, prompt_version))`,
    `CREATE TABLE persona_answers (
      persona_id VARCHAR NOT NULL, instrument VARCHAR NOT NULL, model VARCHAR NOT NULL, rep INTEGER NOT NULL,
      item VARCHAR NOT NULL, value INTEGER, status VARCHAR NOT NULL,
      PRIMARY KEY (persona_id, instrument, model, rep, item))`,
    `CREATE TABLE persona_scores (
      persona_id VARCHAR NOT NULL, instrument VARCHAR NOT NULL, model VARCHAR NOT NULL,
      o DOUBLE, c DOUBLE, e DOUBLE, a DOUBLE, n DOUBLE, repeats INTEGER NOT NULL, valid_repeats INTEGER NOT NULL,
      reason VARCHAR,
      PRIMARY KEY (persona_id, instrument, model))`,
    `CREATE TABLE persona_failures (
      stage VARCHAR NOT NULL, subject VARCHAR NOT NULL, reason VARCHAR NOT NULL, model VARCHAR NOT NULL,
      PRIMARY KEY (stage, subject, model))`,
    `CREATE TABLE persona_sets (
      set_id VARCHAR PRIMARY KEY, settings_json VARCHAR NOT NULL, diagnostics_json VARCHAR NOT NULL)`,
    `CREATE TABLE persona_set_members (
      set_id VARCHAR NOT NULL, rank INTEGER NOT NULL, persona_id VARCHAR NOT NULL, PRIMARY KEY (set_id, rank))`,
    // The gate a verdict was decided under, and the judge's own reasons (without the gate's failures), so that changed
    // thresholds can be re-applied to stored scores without asking the judge again. NULL on verdicts stored before.
    `ALTER TABLE persona_judgements ADD COLUMN min_each DOUBLE`,
    `ALTER TABLE persona_judgements ADD COLUMN min_mean DOUBLE`,
    `ALTER TABLE persona_judgements ADD COLUMN judge_reasons VARCHAR`,
  ],
};

type Param = string | number | boolean | null;

/** Multi-row INSERT in chunks (one statement per chunk instead of one per row). */
async function insertMany(store: Store, table: string, width: number, rows: Param[][], conflict: string): Promise<void> {
  const CHUNK = 200;
  for (let c = 0; c < rows.length; c += CHUNK) {
    const part = rows.slice(c, c + CHUNK);
    const values = part.map((_, k) => `(${Array.from({ length: width }, (_, f) => `$${k * width + f + 1}`).join(', ')})`).join(', ');
    await store.run(`INSERT INTO ${table} VALUES ${values} ${conflict}`, part.flat());
  }
}

export interface CachedReply {
  content: string;
  refusal?: string;
  finishReason?: string;
}

export async function getCachedReply(store: Store, key: string): Promise<CachedReply | undefined> {
  const rows = await store.all('SELECT content, refusal, finish_reason FROM persona_llm_cache WHERE key = $1', [key]);
  if (!rows.length) return undefined;
  const r = rows[0];
  return { content: String(r.content), refusal: (r.refusal as string | null) ?? undefined, finishReason: (r.finish_reason as string | null) ?? undefined };
}

export async function putCachedReply(store: Store, key: string, model: string, purpose: string, reply: CachedReply): Promise<void> {
  await store.run('INSERT INTO persona_llm_cache VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING', [
    key,
    model,
    purpose,
    reply.content,
    reply.refusal ?? null,
    reply.finishReason ?? null,
  ]);
}

export async function countCachedReplies(store: Store): Promise<number> {
  return num((await store.all('SELECT count(*) AS n FROM persona_llm_cache'))[0].n);
}

export interface PersonaRecord {
  id: string;
  sourceUser: string;
  parentId?: string;
  narrative: string;
  model: string;
  promptVersion: string;
  settings: Record<string, unknown>;
  postsUsed: number;
  redactions: number;
  groupLabel?: string;
}

const PERSONA_CONFLICT = 'ON CONFLICT (id) DO UPDATE SET narrative = excluded.narrative, redactions = excluded.redactions';

function personaRow(p: PersonaRecord): Param[] {
  return [p.id, p.sourceUser, p.parentId ?? null, p.narrative, p.model, p.promptVersion, JSON.stringify(p.settings), p.postsUsed, p.redactions, p.groupLabel ?? null];
}

export async function putPersona(store: Store, p: PersonaRecord): Promise<void> {
  await putPersonas(store, [p]);
}

export async function putPersonas(store: Store, list: readonly PersonaRecord[]): Promise<void> {
  await insertMany(store, 'personas', 10, list.map(personaRow), PERSONA_CONFLICT);
}

function toPersona(r: Record<string, unknown>): PersonaRecord {
  return {
    id: String(r.id),
    sourceUser: String(r.source_user),
    parentId: (r.parent_id as string | null) ?? undefined,
    narrative: String(r.narrative),
    model: String(r.model),
    promptVersion: String(r.prompt_version),
    settings: JSON.parse(String(r.settings_json)) as Record<string, unknown>,
    postsUsed: num(r.posts_used),
    redactions: num(r.redactions),
    groupLabel: (r.group_label as string | null) ?? undefined,
  };
}

export async function listPersonas(store: Store, opts: { ids?: string[] } = {}): Promise<PersonaRecord[]> {
  const rows = await store.all('SELECT * FROM personas ORDER BY id');
  const all = rows.map(toPersona);
  if (!opts.ids) return all;
  const want = new Set(opts.ids);
  return all.filter((p) => want.has(p.id));
}

export interface JudgementRecord {
  personaId: string;
  judgeModel: string;
  promptVersion: string;
  scores?: { faithfulness: number; specificity: number; consistency: number; privacy: number };
  passed: boolean;
  /** Gate failures and the judge's reasons, as shown to users. */
  reasons: string;
  /** The thresholds `passed` was decided under (absent on verdicts stored before they were recorded). */
  gate?: { minEach: number; minMean: number };
  /** The judge's own reasons, without the gate's failures. */
  judgeReasons?: string;
}

/** Which verdicts count as a pass: those of one judge model and prompt version, under these thresholds. */
export interface GateKey {
  judgeModel: string;
  promptVersion: string;
  minEach: number;
  minMean: number;
}

export async function putJudgement(store: Store, j: JudgementRecord): Promise<void> {
  await putJudgements(store, [j]);
}

export async function putJudgements(store: Store, list: readonly JudgementRecord[]): Promise<void> {
  const rows = list.map((j): Param[] => {
    const s = j.scores;
    return [
      j.personaId,
      j.judgeModel,
      j.promptVersion,
      s?.faithfulness ?? null,
      s?.specificity ?? null,
      s?.consistency ?? null,
      s?.privacy ?? null,
      j.passed,
      j.reasons,
      j.gate?.minEach ?? null,
      j.gate?.minMean ?? null,
      j.judgeReasons ?? null,
    ];
  });
  await insertMany(
    store,
    'persona_judgements',
    12,
    rows,
    `ON CONFLICT (persona_id, judge_model, prompt_version) DO UPDATE SET
       faithfulness = excluded.faithfulness, specificity = excluded.specificity, consistency = excluded.consistency,
       privacy = excluded.privacy, passed = excluded.passed, reasons = excluded.reasons, min_each = excluded.min_each,
       min_mean = excluded.min_mean, judge_reasons = excluded.judge_reasons`,
  );
}

export async function listJudgements(store: Store): Promise<JudgementRecord[]> {
  const rows = await store.all('SELECT * FROM persona_judgements ORDER BY persona_id, judge_model');
  return rows.map((r) => ({
    personaId: String(r.persona_id),
    judgeModel: String(r.judge_model),
    promptVersion: String(r.prompt_version),
    scores:
      r.faithfulness === null
        ? undefined
        : { faithfulness: num(r.faithfulness), specificity: num(r.specificity), consistency: num(r.consistency), privacy: num(r.privacy) },
    passed: Boolean(r.passed),
    reasons: String(r.reasons),
    gate: r.min_each === null || r.min_mean === null ? undefined : { minEach: Number(r.min_each), minMean: Number(r.min_mean) },
    judgeReasons: (r.judge_reasons as string | null) ?? undefined,
  }));
}

/**
 * Ids of the personas that pass under `key`: a verdict with scores from that judge model and prompt version whose
 * every criterion is ≥ minEach and whose mean is ≥ minMean (the rule of applyGate in src/personas/judge.ts), computed
 * from the stored scores, so a pass under other thresholds or from another judge never counts.
 */
export async function passedPersonaIds(store: Store, key: GateKey): Promise<Set<string>> {
  const rows = await store.all(
    `SELECT persona_id FROM persona_judgements
     WHERE judge_model = $1 AND prompt_version = $2 AND faithfulness IS NOT NULL
       AND least(faithfulness, specificity, consistency, privacy) >= $3
       AND (faithfulness + specificity + consistency + privacy) / 4.0 >= $4`,
    [key.judgeModel, key.promptVersion, key.minEach, key.minMean],
  );
  return new Set(rows.map((r) => String(r.persona_id)));
}

/** The judge models, prompt versions and recorded thresholds of the stored verdicts, with counts. */
export async function verdictGroups(store: Store): Promise<Array<{ judgeModel: string; promptVersion: string; gate?: { minEach: number; minMean: number }; n: number }>> {
  const rows = await store.all(
    `SELECT judge_model, prompt_version, min_each, min_mean, count(*) AS n FROM persona_judgements
     GROUP BY judge_model, prompt_version, min_each, min_mean ORDER BY judge_model, prompt_version, min_each, min_mean`,
  );
  return rows.map((r) => ({
    judgeModel: String(r.judge_model),
    promptVersion: String(r.prompt_version),
    gate: r.min_each === null || r.min_mean === null ? undefined : { minEach: Number(r.min_each), minMean: Number(r.min_mean) },
    n: num(r.n),
  }));
}

export interface AnswerRow {
  personaId: string;
  instrument: string;
  model: string;
  rep: number;
  item: string;
  value: number | null;
  status: string;
}

export async function putAnswers(store: Store, rows: AnswerRow[]): Promise<void> {
  await insertMany(
    store,
    'persona_answers',
    7,
    rows.map((a) => [a.personaId, a.instrument, a.model, a.rep, a.item, a.value, a.status]),
    'ON CONFLICT (persona_id, instrument, model, rep, item) DO UPDATE SET value = excluded.value, status = excluded.status',
  );
}

export async function answerStatusCounts(store: Store, instrument: string): Promise<Record<string, number>> {
  const rows = await store.all('SELECT status, count(*) AS n FROM persona_answers WHERE instrument = $1 GROUP BY status ORDER BY status', [instrument]);
  return Object.fromEntries(rows.map((r) => [String(r.status), num(r.n)]));
}

export interface ScoreRow {
  personaId: string;
  instrument: string;
  model: string;
  big5: { O: number; C: number; E: number; A: number; N: number } | null;
  repeats: number;
  validRepeats: number;
  reason?: string;
}

export async function putScore(store: Store, s: ScoreRow): Promise<void> {
  await putScores(store, [s]);
}

export async function putScores(store: Store, list: readonly ScoreRow[]): Promise<void> {
  const rows = list.map((s): Param[] => {
    const b = s.big5;
    return [s.personaId, s.instrument, s.model, b?.O ?? null, b?.C ?? null, b?.E ?? null, b?.A ?? null, b?.N ?? null, s.repeats, s.validRepeats, s.reason ?? null];
  });
  await insertMany(
    store,
    'persona_scores',
    11,
    rows,
    `ON CONFLICT (persona_id, instrument, model) DO UPDATE SET o = excluded.o, c = excluded.c, e = excluded.e,
       a = excluded.a, n = excluded.n, repeats = excluded.repeats, valid_repeats = excluded.valid_repeats, reason = excluded.reason`,
  );
}

export async function listScores(store: Store, instrument: string): Promise<ScoreRow[]> {
  const rows = await store.all('SELECT * FROM persona_scores WHERE instrument = $1 ORDER BY persona_id, model', [instrument]);
  return rows.map((r) => ({
    personaId: String(r.persona_id),
    instrument: String(r.instrument),
    model: String(r.model),
    big5: r.o === null ? null : { O: Number(r.o), C: Number(r.c), E: Number(r.e), A: Number(r.a), N: Number(r.n) },
    repeats: num(r.repeats),
    validRepeats: num(r.valid_repeats),
    reason: (r.reason as string | null) ?? undefined,
  }));
}

export async function putFailure(store: Store, stage: string, subject: string, model: string, reason: string): Promise<void> {
  await store.run('INSERT INTO persona_failures VALUES ($1, $2, $3, $4) ON CONFLICT (stage, subject, model) DO UPDATE SET reason = excluded.reason', [
    stage,
    subject,
    reason,
    model,
  ]);
}

export async function clearFailure(store: Store, stage: string, subject: string, model: string): Promise<void> {
  await store.run('DELETE FROM persona_failures WHERE stage = $1 AND subject = $2 AND model = $3', [stage, subject, model]);
}

/** Failure counts by stage and reason (subjects are not returned: they may be source users). */
export async function failureCounts(store: Store): Promise<Array<{ stage: string; reason: string; n: number }>> {
  const rows = await store.all('SELECT stage, reason, count(*) AS n FROM persona_failures GROUP BY stage, reason ORDER BY stage, reason');
  return rows.map((r) => ({ stage: String(r.stage), reason: String(r.reason), n: num(r.n) }));
}

export async function putPersonaSet(store: Store, setId: string, memberIds: string[], settings: unknown, diagnostics: unknown): Promise<void> {
  await store.transaction(async () => {
    await store.run('DELETE FROM persona_set_members WHERE set_id = $1', [setId]);
    await store.run('DELETE FROM persona_sets WHERE set_id = $1', [setId]);
    await store.run('INSERT INTO persona_sets VALUES ($1, $2, $3)', [setId, JSON.stringify(settings), JSON.stringify(diagnostics)]);
    await insertMany(store, 'persona_set_members', 3, memberIds.map((id, i) => [setId, i, id]), '');
  });
}

export async function getPersonaSet(store: Store, setId: string): Promise<{ memberIds: string[]; settings: unknown; diagnostics: unknown } | undefined> {
  const info = await store.all('SELECT settings_json, diagnostics_json FROM persona_sets WHERE set_id = $1', [setId]);
  if (!info.length) return undefined;
  const rows = await store.all('SELECT persona_id FROM persona_set_members WHERE set_id = $1 ORDER BY rank', [setId]);
  return {
    memberIds: rows.map((r) => String(r.persona_id)),
    settings: JSON.parse(String(info[0].settings_json)),
    diagnostics: JSON.parse(String(info[0].diagnostics_json)),
  };
}
