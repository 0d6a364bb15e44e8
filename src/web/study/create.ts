// Creating a study: prediction files are matched against the release (every task must be a thread of the chosen K
// and split), each usable (task, model) pair becomes a candidate, the seeded design picks what each item shows, and
// study, items, raters and assignments are stored in one transaction. Rater link tokens are returned once; only
// their hashes are stored.
import { randomBytes } from 'node:crypto';
import { threadRecord } from '../../store/explorer.ts';
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
   * and real target must equal the release's, which catches prediction files made from another release or K (task ids
   * alone, cluster and line, cannot tell).
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
}

interface PredictionRef {
  where: string;
  taskId: string;
  model: string;
  text: string;
}

const MAX_PROBLEMS_SHOWN = 5;

function parsePredictionFiles(files: readonly PredictionFile[], skipped: Record<string, number>, problems: string[]): PredictionRef[] {
  const out: PredictionRef[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const lines = f.text.split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${f.name}:${i + 1}`;
      let p: any;
      try {
        p = JSON.parse(line);
      } catch {
        problems.push(`${where}: not JSON`);
        return;
      }
      if (!p || typeof p !== 'object' || typeof p.task_id !== 'string' || typeof p.model !== 'string' || !p.model.trim()) {
        problems.push(`${where}: not a prediction line (needs task_id and model)`);
        return;
      }
      const key = `${p.model}\u0000${p.task_id}`;
      if (seen.has(key)) return void (skipped.duplicate_prediction = (skipped.duplicate_prediction ?? 0) + 1);
      seen.add(key);
      if (p.status !== undefined && p.status !== 'ok') return void (skipped.unusable_answer = (skipped.unusable_answer ?? 0) + 1);
      const text = typeof p.text === 'string' ? p.text.trim() : '';
      if (!text) return void (skipped.no_generated_text = (skipped.no_generated_text ?? 0) + 1);
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

export async function createStudy(store: Store, rel: OpenRelease, input: CreateStudyInput): Promise<CreatedStudy> {
  const bad = validateSettings(input.settings);
  if (!input.name.trim() || input.name.length > 200) bad.push('name must be 1 to 200 characters');
  if (!rel.ks.includes(input.k)) bad.push(`K=${input.k} is not in the release (K = ${rel.ks.join(', ')})`);
  if (!['train', 'validation', 'test'].includes(input.split)) bad.push('split must be train, validation or test');
  if (!input.predictions.length) bad.push('at least one prediction file is needed');
  if (bad.length) throw new StudyInputError(bad.join('; '));

  const skipped: Record<string, number> = {};
  const problems: string[] = [];
  const preds = parsePredictionFiles(input.predictions, skipped, problems);
  const tasks = input.tasks ? parseTasksFile(input.tasks, problems) : null;
  const candidates: Candidate[] = [];
  for (const p of preds) {
    const m = /^task-(\d+)-(\d+)$/.exec(p.taskId);
    if (!m) {
      problems.push(`${p.where}: task id is not task-<cluster>-<line>`);
      continue;
    }
    const found = await threadRecord(store, rel.id, input.k, Number(m[1]), Number(m[2]));
    if (!found) {
      problems.push(`${p.where}: ${p.taskId} is not a thread of this release at K=${input.k}`);
      continue;
    }
    if (found.split !== input.split) {
      problems.push(`${p.where}: ${p.taskId} is in the ${found.split ?? 'unsplit'} split, not ${input.split}`);
      continue;
    }
    const thread = (JSON.parse(found.record) as { thread: any[] }).thread;
    const last = thread[thread.length - 1];
    if (tasks) {
      const t = tasks.get(p.taskId);
      const releaseText = typeof last?.text === 'string' ? last.text : null;
      if (!t) {
        problems.push(`${p.where}: ${p.taskId} is not in the tasks file ${input.tasks!.name}`);
        continue;
      }
      if (t.split !== input.split || t.threadLength !== thread.length || t.truthText !== releaseText) {
        problems.push(`${p.where}: ${p.taskId} in ${input.tasks!.name} is not this release's thread (made from another release or K?)`);
        continue;
      }
    }
    const real = typeof last?.text === 'string' ? last.text.trim() : '';
    if (!real) {
      skipped.real_post_without_text = (skipped.real_post_without_text ?? 0) + 1;
      continue;
    }
    candidates.push({ model: p.model, taskId: p.taskId, context: contextOf(thread), real, generated: p.text });
  }
  if (problems.length) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ');
    throw new StudyInputError(`the prediction file does not match the release (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${shown}`);
  }
  if (!candidates.length) throw new StudyInputError('no usable prediction: every line lacks generated text or a real text post to compare with');

  const design = designStudy(candidates, input.settings);
  const id = `s${randomBytes(6).toString('hex')}`;
  const raterTokens = design.assignments.map(() => newToken());
  await insertStudy(
    store,
    { id, name: input.name.trim(), releaseId: rel.id, k: input.k, split: input.split, settings: JSON.stringify(input.settings), linkDays: input.settings.linkDays },
    design.items,
    design.assignments.map((items, r) => ({ raterNo: r, tokenHash: hashToken(raterTokens[r]), items })),
  );
  return { id, items: design.items.length, models: [...new Set(candidates.map((c) => c.model))].sort(), raterTokens, skipped };
}
