// Turning files into evaluation inputs: our tasks and predictions JSONL, or the reference's solutions file with
// OpenAI Batch output files (and optionally the Batch input file, which tells post tasks from reply tasks).
import { readFileSync } from 'node:fs';
import { ACTION_KEYS, type ActionKey } from '../bluesky/actions.ts';
import { readBatchOutput } from '../agents/batch.ts';
import { readPredictions } from '../agents/predictions.ts';
import { parseTaskId, solutionsObject, type NextActionTask } from '../agents/tasks.ts';
import type { EvalModel, EvalTask } from './inputs.ts';

export function evalTaskFromTask(t: NextActionTask): EvalTask {
  return { id: t.id, cluster: t.cluster, index: t.index, kind: t.kind, truth: t.truth, truthContent: solutionsObject([t])[t.id][0].content };
}

export function readTasksFile(path: string): { tasks: NextActionTask[]; problems: string[] } {
  const tasks: NextActionTask[] = [];
  const problems: string[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((row, i) => {
    if (!row.trim()) return;
    try {
      const t = JSON.parse(row) as NextActionTask;
      if (typeof t.id !== 'string' || !Array.isArray(t.messages) || !t.truth) throw new Error('not a task line');
      tasks.push(t);
    } catch (err) {
      problems.push(`${path}:${i + 1}: ${(err as Error).message.slice(0, 80)}`);
    }
  });
  return { tasks, problems };
}

/** Prediction files grouped into models by their `model` field. */
export function readPredictionFiles(paths: readonly string[]): { models: EvalModel[]; problems: string[] } {
  const byModel = new Map<string, EvalModel>();
  const problems: string[] = [];
  for (const p of paths) {
    const r = readPredictions(p);
    problems.push(...r.problems);
    for (const l of r.lines) {
      const m = byModel.get(l.model) ?? byModel.set(l.model, { id: l.model, predictions: [] }).get(l.model)!;
      m.predictions.push({ task_id: l.task_id, content: l.content, refusal: l.refusal });
    }
  }
  return { models: [...byModel.values()], problems };
}

const INTERNAL_ORDER = [...ACTION_KEYS, 'ignore'] as const;

/** The reference solutions file: `{"task-<c>-<i>": {"ground_truth": "assistant:\n{...}", cluster_id, chain_index}}`. */
export function parseSolutions(json: unknown, kinds: ReadonlyMap<string, 'post' | 'reply'> = new Map()): { tasks: EvalTask[]; problems: string[] } {
  const tasks: EvalTask[] = [];
  const problems: string[] = [];
  if (!json || typeof json !== 'object') return { tasks, problems: ['solutions: not a JSON object'] };
  for (const [id, v] of Object.entries(json as Record<string, any>)) {
    const ref = parseTaskId(id);
    const gt = typeof v?.ground_truth === 'string' ? v.ground_truth : Array.isArray(v) ? v[v.length - 1]?.content : undefined;
    if (!ref || typeof gt !== 'string') {
      problems.push(`solutions: ${id.slice(0, 40)}: no ground_truth or not a task-<cluster>-<chain> key`);
      continue;
    }
    const content = gt.replace(/^assistant:\n/, '');
    let body: any = {};
    try {
      body = JSON.parse(content);
    } catch {
      problems.push(`solutions: ${id}: ground truth is not JSON`);
    }
    let actions = body?.actions;
    if (typeof actions === 'string') {
      try {
        actions = JSON.parse(actions);
      } catch {
        actions = null;
      }
    }
    const trueKey = actions && typeof actions === 'object' ? INTERNAL_ORDER.find((k) => actions[k] === true) : undefined;
    const text = typeof body?.text === 'string' ? body.text : null;
    const kind = kinds.get(id) ?? null;
    const action: ActionKey | 'ignore' | null = trueKey ?? (text !== null ? (kind === 'reply' ? 'reply' : 'post') : null);
    tasks.push({
      id,
      cluster: typeof v?.cluster_id === 'number' ? v.cluster_id : ref.cluster,
      index: typeof v?.chain_index === 'number' ? v.chain_index : ref.index,
      kind,
      truth: { action, text },
      truthContent: content,
    });
  }
  return { tasks, problems };
}

/** Task kinds from a Batch input file: a request with more than the system message had context (reply schema). */
export function kindsFromBatchInput(text: string): Map<string, 'post' | 'reply'> {
  const out = new Map<string, 'post' | 'reply'>();
  for (const row of text.split('\n')) {
    if (!row.trim()) continue;
    try {
      const r = JSON.parse(row);
      if (typeof r.custom_id === 'string' && Array.isArray(r.body?.messages)) out.set(r.custom_id, r.body.messages.length > 1 ? 'reply' : 'post');
    } catch {
      /* counted by the caller's reader if it matters */
    }
  }
  return out;
}

/** A Batch output file as one model (id given by the caller, e.g. the file name). */
export function readBatchOutputModel(path: string, modelId: string, kinds: ReadonlyMap<string, 'post' | 'reply'>): { model: EvalModel; problems: string[] } {
  const r = readBatchOutput(readFileSync(path, 'utf8'), modelId, (id) => kinds.get(id));
  return {
    model: { id: modelId, predictions: r.predictions.map((p) => ({ task_id: p.task_id, content: p.content, refusal: p.refusal })) },
    problems: r.problems.map((p) => `${path}: ${p}`),
  };
}
