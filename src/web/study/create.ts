// Creating a study: prediction files are matched against the release (every task must be a thread of the chosen K
// and split), each usable (task, model) pair becomes a candidate, the seeded design picks which tasks each rater sees
// and what each item shows, and study, items, raters and assignments are stored in one transaction. Rater link tokens
// are returned once; only their hashes are stored.
import { randomBytes } from 'node:crypto';
import { threadRecords, type Queryable } from '../../store/explorer.ts';
import type { Store } from '../../store/store.ts';
import { insertStudy } from '../../store/studies.ts';
import { sampleRoles } from '../../threads/sample.ts';
import type { OpenRelease } from '../release.ts';
import { hashToken, newToken } from '../tokens.ts';
import { designStudy, validateSettings, type Candidate, type ContextMessage, type StudySettings } from './design.ts';

export class StudyInputError extends Error {}

export interface PredictionFile {
  /** Shown in messages (a file name, never content). */
  name: string;
  text: string;
}

export interface CreateStudyInput {
  name: string;
  k: number;
  split: string;
  predictions: PredictionFile[];
  /**
   * The tasks file the predictions answer (`simpact tasks`). Optional; when given, every task's split, thread length
   * and real target must equal the release's, which catches prediction files made from another release or K whose
   * task ids (cluster and line) happen to exist in this one.
   */
  tasks?: PredictionFile;
  settings: StudySettings;
}

export interface CreatedStudy {
  id: string;
  items: number;
  models: string[];
  /** Rater link tokens, in rater order; shown once. */
  raterTokens: string[];
  /** Prediction lines not used, by reason. */
  skipped: Record<string, number>;
  /** Located notes on lines passed over (`file:line: …`, e.g. a torn last line), at most MAX_NOTES. */
  notes: string[];
}

/** How the store is reached: reads (thread lookups) and the final write can be queued separately (the server does). */
export interface StudyStoreAccess {
  reader?: Queryable;
  read?: <T>(fn: () => Promise<T>) => Promise<T>;
  write?: <T>(fn: () => Promise<T>) => Promise<T>;
}

interface PredictionRef {
  where: string;
  taskId: string;
  model: string;
  text: string;
}

const MAX_PROBLEMS_SHOWN = 5;
const MAX_NOTES = 20;

/**
 * A line cut short: JSON that is fine up to where it stops (the parser fails at its very end). `simpact predict`
 * appends one line per task, so a killed run leaves one torn line (at the end, or before the lines a resumed run
 * appended after repairing the file); those tasks are predicted again, so the torn line is skipped and counted.
 */
export function isTornJson(line: string): boolean {
  const t = line.trim();
  if (!t.startsWith('{')) return false;
  try {
    JSON.parse(t);
    return false;
  } catch (err) {
    const msg = (err as Error).message;
    const at = /at position (\d+)/.exec(msg);
    return /end of JSON input/.test(msg) || (at !== null && Number(at[1]) >= t.length);
  }
}

function count(skipped: Record<string, number>, reason: string): void {
  skipped[reason] = (skipped[reason] ?? 0) + 1;
}

function parsePredictionFiles(files: readonly PredictionFile[], skipped: Record<string, number>, problems: string[], notes: string[]): PredictionRef[] {
  const out: PredictionRef[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const lines = f.text.split('\n');
    let lastLine = lines.length - 1;
    while (lastLine >= 0 && !lines[lastLine].trim()) lastLine--;
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${f.name}:${i + 1}`;
      let p: any;
      try {
        p = JSON.parse(line);
      } catch {
        if (isTornJson(line)) {
          if (notes.length < MAX_NOTES) notes.push(`${where}: ${i === lastLine ? 'torn last line' : 'torn line'} (JSON cut off, as an interrupted simpact predict run leaves it) skipped; predict again to fill it in`);
          return count(skipped, 'torn_line');
        }
        problems.push(`${where}: not JSON`);
        return;
      }
      if (!p || typeof p !== 'object' || typeof p.task_id !== 'string' || typeof p.model !== 'string' || !p.model.trim()) {
        problems.push(`${where}: not a prediction line (needs task_id and model)`);
        return;
      }
      const key = `${p.model}\u0000${p.task_id}`;
      if (seen.has(key)) return count(skipped, 'duplicate_prediction');
      seen.add(key);
      if (p.status !== undefined && p.status !== 'ok') return count(skipped, 'unusable_answer');
      const text = typeof p.text === 'string' ? p.text.trim() : '';
      if (!text) return count(skipped, 'no_generated_text');
      out.push({ where, taskId: p.task_id, model: p.model.trim().slice(0, 200), text });
    });
  }
  return out;
}

interface TaskFacts {
  split: unknown;
  threadLength: unknown;
  truthText: unknown;
}

function parseTasksFile(f: PredictionFile, problems: string[]): Map<string, TaskFacts> {
  const out = new Map<string, TaskFacts>();
  f.text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const t = JSON.parse(line);
      if (typeof t?.id !== 'string') throw new Error('no id');
      out.set(t.id, { split: t.split, threadLength: t.threadLength, truthText: t.truth?.text ?? null });
    } catch {
      problems.push(`${f.name}:${i + 1}: not a task line`);
    }
  });
  return out;
}

function contextOf(thread: any[]): ContextMessage[] {
  const roles = sampleRoles(thread);
  return thread.slice(0, -1).map((m, i) => {
    const out: ContextMessage = { role: roles[i] };
    if (typeof m.text === 'string') out.text = m.text;
    const action = actionKey(m.actions);
    if (action) out.action = action;
    return out;
  });
}

function actionKey(actions: unknown): string | undefined {
  if (!actions || typeof actions !== 'object') return undefined;
  return Object.entries(actions as Record<string, unknown>).find(([, v]) => v === true)?.[0];
}

export async function createStudy(store: Store, rel: OpenRelease, input: CreateStudyInput, access: StudyStoreAccess = {}): Promise<CreatedStudy> {
  const read = access.read ?? ((fn) => fn());
  const write = access.write ?? ((fn) => fn());
  const reader = access.reader ?? store;
  const bad = validateSettings(input.settings);
  if (!input.name.trim() || input.name.length > 200) bad.push('name must be 1 to 200 characters');
  if (!rel.ks.includes(input.k)) bad.push(`K=${input.k} is not in the release (K = ${rel.ks.join(', ')})`);
  if (!['train', 'validation', 'test'].includes(input.split)) bad.push('split must be train, validation or test');
  if (!input.predictions.length) bad.push('at least one prediction file is needed');
  if (bad.length) throw new StudyInputError(bad.join('; '));

  const skipped: Record<string, number> = {};
  const problems: string[] = [];
  const notes: string[] = [];
  const preds = parsePredictionFiles(input.predictions, skipped, problems, notes);
  const tasks = input.tasks ? parseTasksFile(input.tasks, problems) : null;
  const ids = preds.map((p) => {
    const m = /^task-(\d{1,9})-(\d{1,9})$/.exec(p.taskId);
    if (!m) problems.push(`${p.where}: task id is not task-<cluster>-<line>`);
    return m ? { cluster: Number(m[1]), line: Number(m[2]) } : null;
  });
  // One query for every thread named (a lookup per line would scan the release once per prediction).
  const records = await read(() => threadRecords(reader, rel.id, input.k, ids.filter((x) => x !== null)));
  const candidates: Candidate[] = [];
  let notInSplit = 0;
  preds.forEach((p, i) => {
    const id = ids[i];
    if (!id) return;
    const found = records.get(`${id.cluster}:${id.line}`);
    if (!found) {
      notInSplit++;
      return void problems.push(`${p.where}: ${p.taskId} is not a thread of this release at K=${input.k}`);
    }
    if (found.split !== input.split) {
      notInSplit++;
      return void problems.push(`${p.where}: ${p.taskId} is in the ${found.split ?? 'unsplit'} split, not ${input.split}`);
    }
    const thread = (JSON.parse(found.record) as { thread: any[] }).thread;
    const last = thread[thread.length - 1];
    if (tasks) {
      const t = tasks.get(p.taskId);
      const releaseText = typeof last?.text === 'string' ? last.text : null;
      if (!t) return void problems.push(`${p.where}: ${p.taskId} is not in the tasks file ${input.tasks!.name}`);
      if (t.split !== input.split || t.threadLength !== thread.length || t.truthText !== releaseText) {
        return void problems.push(`${p.where}: ${p.taskId} in ${input.tasks!.name} is not this release's thread (made from another release or K?)`);
      }
    }
    const real = typeof last?.text === 'string' ? last.text.trim() : '';
    if (!real) return count(skipped, 'real_post_without_text');
    candidates.push({ model: p.model, taskId: p.taskId, context: contextOf(thread), real, generated: p.text });
  });
  if (problems.length) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ');
    const more = problems.length > MAX_PROBLEMS_SHOWN ? `; and ${problems.length - MAX_PROBLEMS_SHOWN} more` : '';
    const hint =
      notInSplit > 0
        ? ` ${notInSplit} of ${preds.length} prediction${preds.length > 1 ? 's' : ''} name${preds.length > 1 ? '' : 's'} no thread of the ${input.split} split of this release at K=${input.k}: was the file made from another release, K or split?`
        : '';
    throw new StudyInputError(`the prediction file does not match the release (${problems.length} problem${problems.length > 1 ? 's' : ''}):${hint} ${shown}${more}`);
  }
  if (!candidates.length) {
    const why = Object.entries(skipped).map(([reason, n]) => `${n} ${reason.replaceAll('_', ' ')}`).join(', ');
    const names = input.predictions.map((f) => f.name).join(', ');
    throw new StudyInputError(
      why
        ? `no usable prediction in ${names} (${why}): a study needs generated text for tasks whose real post has text (baselines write none)`
        : `${names} ${input.predictions.length > 1 ? 'hold' : 'holds'} no prediction lines`,
    );
  }

  const design = designStudy(candidates, input.settings);
  const id = `s${randomBytes(6).toString('hex')}`;
  const raterTokens = design.assignments.map(() => newToken());
  await write(() =>
    insertStudy(
      store,
      { id, name: input.name.trim(), releaseId: rel.id, k: input.k, split: input.split, settings: JSON.stringify(input.settings), linkDays: input.settings.linkDays },
      design.items,
      design.assignments.map((items, r) => ({ raterNo: r, tokenHash: hashToken(raterTokens[r]), items })),
    ),
  );
  return { id, items: design.items.length, models: [...new Set(candidates.map((c) => c.model))].sort(), raterTokens, skipped, notes };
}
