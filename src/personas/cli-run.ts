// What each `simpact personas <sub>` command does once its options are parsed: open the store, build the model,
// run the stage, close everything. Imported lazily by src/cli/commands/personas.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEmbedder } from '../embed/spec.ts';
import { createChatModel } from '../llm/factory.ts';
import type { ChatModel } from '../llm/types.ts';
import { loadActivity } from '../store/activity.ts';
import { listPersonas, passedPersonaIds, failureCounts, answerStatusCounts, type GateKey } from '../store/personas.ts';
import { Store } from '../store/store.ts';
import { loadInstrument, type InstrumentId } from './data-files.ts';
import { generatePersonas, type SourceUser } from './generate.ts';
import type { SubgroupFilter } from './human-reference.ts';
import { gateReport, judgePersonas, resolveGateKey } from './judge.ts';
import { JUDGE_PROMPT_VERSION } from './prompts.ts';
import { piiRedactor } from './pii-redactor.ts';
import { administerQuestionnaire } from './questionnaire.ts';
import { revisePersonas } from './revise.ts';
import { alignStage, reportStage, type ReferenceSource } from './stage-align.ts';
import { exportPersonaSet, toJsonl } from './export.ts';

export interface ModelFlags {
  model: string;
  threads?: number;
}

function chatModel(f: ModelFlags): ChatModel & { dispose?: () => Promise<void> } {
  try {
    return createChatModel(f.model, { gguf: { threads: f.threads ?? 2 } });
  } catch (err) {
    throw new RangeError((err as Error).message); // a bad --model spec is a usage error
  }
}

/** True when every attempted LLM call of a stage failed (the endpoint never answered). */
export function endpointFailed(done: number, failures: Record<string, number>): boolean {
  return done === 0 && Object.keys(failures).some((k) => k.startsWith('LLM call failed'));
}

async function withStore<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(db);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

async function withModel<T>(f: ModelFlags, fn: (m: ChatModel) => Promise<T>): Promise<T> {
  const m = chatModel(f);
  try {
    return await fn(m);
  } finally {
    // A model that never loaded (a broken GGUF file) fails dispose with the same error every call already reported.
    await m.dispose?.().catch(() => undefined);
  }
}

/** Users' post texts, oldest first, from the activity in the store. */
export async function sourceUsers(store: Store): Promise<SourceUser[]> {
  const act = await loadActivity(store);
  const by = new Map<string, string[]>();
  for (const p of act.posts) {
    if (!p.text.trim()) continue;
    let list = by.get(p.did);
    if (!list) by.set(p.did, (list = []));
    list.push(p.text);
  }
  return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, posts]) => ({ id, posts }));
}

export async function runGenerate(db: string, f: ModelFlags & { minPosts: number; minWords: number; maxPromptChars: number; concurrency: number; limit?: number }) {
  return withStore(db, async (store) => {
    let users = await sourceUsers(store);
    if (f.limit !== undefined) users = users.slice(0, f.limit);
    return withModel(f, (m) =>
      generatePersonas(store, m, users, { minPosts: f.minPosts, minWords: f.minWords, maxPromptChars: f.maxPromptChars, concurrency: f.concurrency, redactor: piiRedactor() }),
    );
  });
}

/** Judges every persona without a verdict from this judge and prompt version, revised personas included (they get the
 * revision note); stored verdicts are re-decided under the given thresholds without new calls. */
export async function runJudge(db: string, f: ModelFlags & { minEach: number; minMean: number; concurrency: number; rejudge?: boolean; retries?: number }) {
  return withStore(db, async (store) => {
    const users = new Map((await sourceUsers(store)).map((u) => [u.id, u.posts]));
    const personas = await listPersonas(store);
    return withModel(f, (m) =>
      judgePersonas(store, m, personas, (p) => users.get(p.sourceUser), { gate: { minEach: f.minEach, minMean: f.minMean }, concurrency: f.concurrency, rejudge: f.rejudge, retries: f.retries }),
    );
  });
}

/** Which verdicts gate a stage: --judge-model / --min-each / --min-mean, else what the store holds (resolveGateKey). */
export interface GateFlags {
  judgeModel?: string;
  minEach?: number;
  minMean?: number;
}

export async function runScore(
  db: string,
  f: ModelFlags & GateFlags & { instrument: InstrumentId; repeats: number; temperature: number; seed: number; itemsPerCall?: number; concurrency: number; all?: boolean; retries?: number },
) {
  const inst = loadInstrument(f.instrument);
  return withStore(db, async (store) => {
    const gate = f.all ? undefined : await resolveGateKey(store, f);
    const passed = gate ? await passedPersonaIds(store, gate) : new Set<string>();
    const all = await listPersonas(store);
    const personas = all.filter((p) => f.all || passed.has(p.id));
    const gateOutcome = gate ? await gateReport(store, gate, all.map((p) => p.id)) : null;
    const summary = await withModel(f, (m) =>
      administerQuestionnaire(store, m, inst, personas, { repeats: f.repeats, temperature: f.temperature, seed: f.seed, itemsPerCall: f.itemsPerCall, concurrency: f.concurrency, retries: f.retries }),
    );
    return { ...summary, gate: gate ?? null, gateReport: gateOutcome, all: Boolean(f.all), answerStatusTotals: await answerStatusCounts(store, inst.id) };
  });
}

export interface AlignFlags {
  instrument: InstrumentId;
  reference?: string;
  norms?: number;
  countries?: string[];
  minAge?: number;
  maxAge?: number;
  gender?: 'male' | 'female' | 'other';
  size: number;
  seed: number;
  set: string;
  candidateFactor: number;
  ot: boolean;
  scorer?: string;
  includeUnjudged?: boolean;
  epsilonScale?: number;
  /** Subgroup label: use the personas revised for it (revise --group-label) in place of their parents. */
  groupLabel?: string;
  refine?: boolean;
  judgeModel?: string;
  minEach?: number;
  minMean?: number;
}

export function referenceSource(f: AlignFlags): ReferenceSource {
  if (f.reference && f.norms) throw new RangeError('give either --reference <file> or --norms <n>, not both');
  if (f.norms) return { kind: 'norms', n: f.norms, seed: f.seed };
  if (!f.reference) throw new RangeError('a reference is needed: --reference <data.csv> or --norms <n>');
  const filter: SubgroupFilter = {};
  if (f.countries?.length) filter.countries = f.countries;
  if (f.minAge !== undefined) filter.minAge = f.minAge;
  if (f.maxAge !== undefined) filter.maxAge = f.maxAge;
  if (f.gender) filter.gender = f.gender;
  return { kind: 'file', path: f.reference, filter: Object.keys(filter).length ? filter : undefined };
}

export async function runAlign(db: string, f: AlignFlags) {
  const reference = referenceSource(f);
  return withStore(db, async (store) =>
    alignStage(store, {
      instrument: f.instrument,
      scorer: f.scorer,
      gate: await resolveGateKey(store, f),
      group: f.groupLabel,
      includeUnjudged: f.includeUnjudged,
      refine: f.refine,
      reference,
      targetSize: f.size,
      seed: f.seed,
      setId: f.set,
      candidateFactor: f.candidateFactor,
      skipOt: !f.ot,
      epsilonScale: f.epsilonScale,
    }),
  );
}

export interface ReviseFlags extends ModelFlags {
  set: string;
  group: string;
  groupLabel: string;
  k: number;
  minCost: number;
  embedder?: string;
  judgeModel?: string;
  scorerModel?: string;
  minEach: number;
  minMean: number;
  instrument: InstrumentId;
  repeats: number;
  temperature: number;
  itemsPerCall?: number;
  seed: number;
  concurrency: number;
  retries?: number;
}

/**
 * Revises the personas behind poorly matched draws, then (with --judge-model) gates them under the given thresholds and
 * (with --scorer-model) scores those that passed. Without --judge-model nothing is scored: the revisions wait for
 * `personas judge`, which gates every persona without a verdict, revisions included.
 */
export async function runRevise(db: string, f: ReviseFlags) {
  let embedder;
  try {
    embedder = f.embedder ? createEmbedder(f.embedder) : undefined;
  } catch (err) {
    throw new RangeError((err as Error).message);
  }
  return withStore(db, async (store) => {
    const rev = await withModel(f, (m) =>
      revisePersonas(store, m, { setId: f.set, groupDescription: f.group, groupLabel: f.groupLabel, k: f.k, minCost: f.minCost, concurrency: f.concurrency, redactor: piiRedactor(), embedder }),
    ).finally(() => embedder?.close?.());
    const out: Record<string, unknown> = { poorlyCovered: rev.poorlyCovered, revised: rev.revised.length, failed: rev.failed, llm: rev.llm };
    const gateRule = { minEach: f.minEach, minMean: f.minMean };
    let key: GateKey | undefined;
    if (f.judgeModel && rev.revised.length) {
      const users = new Map((await sourceUsers(store)).map((u) => [u.id, u.posts]));
      out.judge = await withModel({ model: f.judgeModel, threads: f.threads }, async (m) => {
        key = { judgeModel: m.id, promptVersion: JUDGE_PROMPT_VERSION, ...gateRule };
        return judgePersonas(store, m, rev.revised, (p) => users.get(p.sourceUser), { gate: gateRule, concurrency: f.concurrency, retries: f.retries });
      });
      if (key) out.gateReport = await gateReport(store, key, rev.revised.map((p) => p.id));
    }
    if (f.scorerModel && rev.revised.length) {
      if (!key) {
        out.score = null;
        out.awaitingGate = rev.revised.length;
      } else {
        const passed = await passedPersonaIds(store, key);
        const ok = rev.revised.filter((p) => passed.has(p.id));
        out.score = await withModel({ model: f.scorerModel, threads: f.threads }, (m) =>
          administerQuestionnaire(store, m, loadInstrument(f.instrument), ok, {
            repeats: f.repeats,
            temperature: f.temperature,
            seed: f.seed,
            itemsPerCall: f.itemsPerCall,
            concurrency: f.concurrency,
            retries: f.retries,
          }),
        );
      }
    } else if (!f.judgeModel && rev.revised.length) out.awaitingGate = rev.revised.length;
    return out;
  });
}

export async function runReport(db: string, f: { set: string; out?: string; seed: number }) {
  return withStore(db, async (store) => {
    const r = await reportStage(store, f.set, { seed: f.seed });
    if (f.out) {
      mkdirSync(f.out, { recursive: true });
      writeFileSync(join(f.out, 'report.json'), `${JSON.stringify(r.report, null, 2)}\n`);
      writeFileSync(join(f.out, 'report.md'), r.markdown);
      writeFileSync(join(f.out, 'report.html'), r.html);
    }
    return { ...r, failures: await failureCounts(store) };
  });
}

export async function runExport(db: string, f: { set: string; out?: string }) {
  return withStore(db, async (store) => {
    const rows = await exportPersonaSet(store, f.set);
    const text = toJsonl(rows);
    if (f.out) writeFileSync(f.out, text);
    return { rows: rows.length, text };
  });
}
