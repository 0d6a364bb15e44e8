// Turning files into evaluation inputs: our tasks and predictions JSONL, or the reference's solutions file with
// OpenAI Batch output files (and optionally the Batch input file, which tells post tasks from reply tasks), and the
// validation rows of the reference pairing (`--validation`). Problems come back located and by reason.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ACTION_KEYS, type ActionKey } from '../bluesky/actions.ts';
import { readBatchOutput } from '../agents/batch.ts';
import { readPredictions, type InputIssue } from '../agents/predictions.ts';
import { parseTaskId, solutionsObject, type NextActionTask } from '../agents/tasks.ts';
import type { EvalModel, EvalTask } from './inputs.ts';

export interface Read<T> {
  value: T;
  issues: InputIssue[];
}

export function evalTaskFromTask(t: NextActionTask): EvalTask {
  return { id: t.id, cluster: t.cluster, index: t.index, kind: t.kind, truth: t.truth, truthContent: solutionsObject([t])[t.id][0].content, source: 'release' };
}

export function readTasksFile(path: string): { tasks: NextActionTask[]; issues: InputIssue[] } {
  const tasks: NextActionTask[] = [];
  const issues: InputIssue[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((row, i) => {
    if (!row.trim()) return;
    let t: NextActionTask;
    try {
      t = JSON.parse(row) as NextActionTask;
    } catch {
      issues.push({ reason: 'malformed_line', where: `${basename(path)}:${i + 1}`, detail: 'not JSON' });
      return;
    }
    if (!t || typeof t.id !== 'string' || !Array.isArray(t.messages) || !t.truth) {
      issues.push({ reason: 'bad_task', where: `${basename(path)}:${i + 1}`, detail: 'not a task line' });
      return;
    }
    tasks.push(t);
  });
  return { tasks, issues };
}

/**
 * Prediction files grouped into models by their `model` field. A `status: "error"` line becomes a failed prediction
 * (scored as `error`, not `missing`); which line of a task counts is decided by `evaluate`.
 */
export function readPredictionFiles(paths: readonly string[]): { models: EvalModel[]; issues: InputIssue[] } {
  const byModel = new Map<string, EvalModel>();
  const issues: InputIssue[] = [];
  for (const p of paths) {
    const r = readPredictions(p);
    issues.push(...r.issues);
    for (const l of r.lines) {
      const m = byModel.get(l.model) ?? byModel.set(l.model, { id: l.model, predictions: [] }).get(l.model)!;
      if (l.status === 'error') m.predictions.push({ task_id: l.task_id, content: '', error: l.reason || 'request failed' });
      else m.predictions.push({ task_id: l.task_id, content: l.content, refusal: l.refusal });
    }
  }
  return { models: [...byModel.values()], issues };
}

const INTERNAL_ORDER = [...ACTION_KEYS, 'ignore'] as const;

/**
 * The reference solutions file: `{"task-<c>-<i>": {"ground_truth": "assistant:\n{...}", cluster_id, chain_index}}`.
 * A task's kind comes from `kinds` (the Batch input), else from the entry's `kind` (simpact's solutions carry it).
 * Entries with a `line` field are simpact's (chain index = release line); others are reference validation rows.
 */
export function parseSolutions(json: unknown, kinds: ReadonlyMap<string, 'post' | 'reply'> = new Map(), file = 'solutions'): { tasks: EvalTask[]; issues: InputIssue[] } {
  const tasks: EvalTask[] = [];
  const issues: InputIssue[] = [];
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { tasks, issues: [{ reason: 'bad_solution', where: file, detail: 'not a JSON object' }] };
  for (const [id, v] of Object.entries(json as Record<string, any>)) {
    const ref = parseTaskId(id);
    const gt = typeof v?.ground_truth === 'string' ? v.ground_truth : Array.isArray(v) ? v[v.length - 1]?.content : undefined;
    if (!ref || typeof gt !== 'string') {
      issues.push({ reason: 'bad_solution', where: `${file}: ${id.slice(0, 40)}`, detail: 'no ground_truth or not a task-<cluster>-<chain> key' });
      continue;
    }
    const content = gt.replace(/^assistant:\n/, '');
    let body: any = {};
    try {
      body = JSON.parse(content);
    } catch {
      issues.push({ reason: 'bad_solution', where: `${file}: ${id}`, detail: 'ground truth is not JSON' });
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
    const kind = kinds.get(id) ?? (v?.kind === 'post' || v?.kind === 'reply' ? v.kind : null);
    const action: ActionKey | 'ignore' | null = trueKey ?? (text !== null ? (kind === 'reply' ? 'reply' : 'post') : null);
    tasks.push({
      id,
      cluster: typeof v?.cluster_id === 'number' ? v.cluster_id : ref.cluster,
      index: typeof v?.chain_index === 'number' ? v.chain_index : ref.index,
      kind,
      truth: { action, text },
      truthContent: content,
      source: typeof v?.line === 'number' ? 'release' : 'reference',
    });
  }
  return { tasks, issues };
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
      /* a request we cannot read tells no kind; its task then needs one from elsewhere */
    }
  }
  return out;
}

/** A Batch output file as one model (id given by the caller, e.g. the file name). Failed requests are error predictions. */
export function readBatchOutputModel(path: string, modelId: string, kinds: ReadonlyMap<string, 'post' | 'reply'>): { model: EvalModel; issues: InputIssue[] } {
  const r = readBatchOutput(readFileSync(path, 'utf8'), modelId, (id) => kinds.get(id), basename(path));
  return {
    model: {
      id: modelId,
      predictions: r.predictions.map((p) => (p.status === 'error' ? { task_id: p.task_id, content: '', error: p.reason || 'request failed' } : { task_id: p.task_id, content: p.content, refusal: p.refusal })),
    },
    issues: r.issues,
  };
}

/**
 * The rows of the reference pairing (`--validation`), per cluster in row order, as ground-truth contents:
 *   - a directory in the reference layout (`cluster_<id>/validation.jsonl`, each line a list of messages whose last
 *     `content` is the ground truth), or one such `validation.jsonl` inside a `cluster_<id>` folder;
 *   - a simpact tasks JSONL holding the whole split (`simpact tasks` without `--per-cluster`): a cluster's rows are
 *     its tasks in chain-index (release line) order.
 * A row that cannot be read keeps its place (empty content, which the reference rule reads as an empty post).
 */
export function readValidation(path: string): Read<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  const issues: InputIssue[] = [];
  if (!existsSync(path)) throw new Error(`validation input not found: ${path}`);
  const referenceFile = (file: string, cluster: number) => {
    const rows: string[] = [];
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((row, i) => {
      let content = '';
      try {
        const msgs = JSON.parse(row);
        const last = Array.isArray(msgs) ? msgs[msgs.length - 1] : undefined;
        if (typeof last?.content !== 'string') throw new Error('no messages');
        content = last.content;
      } catch {
        issues.push({ reason: 'bad_task', where: `cluster_${cluster}/${basename(file)}:${i + 1}`, detail: 'not a list of messages' });
      }
      rows.push(content);
    });
    out.set(cluster, rows);
  };
  if (statSync(path).isDirectory()) {
    const dirs = readdirSync(path).map((d) => /^cluster_(\d+)$/.exec(d)).filter((m): m is RegExpExecArray => m !== null);
    for (const m of dirs) {
      const f = join(path, m[0], 'validation.jsonl');
      if (existsSync(f)) referenceFile(f, Number(m[1]));
    }
    if (!out.size) throw new Error(`${path} holds no cluster_<id>/validation.jsonl`);
    return { value: out, issues };
  }
  const first = readFileSync(path, 'utf8').split('\n').find((l) => l.trim());
  let firstValue: unknown;
  try {
    firstValue = first === undefined ? undefined : JSON.parse(first);
  } catch {
    firstValue = undefined;
  }
  if (Array.isArray(firstValue)) {
    const m = /^cluster_(\d+)$/.exec(basename(dirname(path)));
    if (!m) throw new Error(`${path}: a reference validation file must sit in a cluster_<id> folder (or pass the folder above it)`);
    referenceFile(path, Number(m[1]));
    return { value: out, issues };
  }
  const r = readTasksFile(path);
  issues.push(...r.issues);
  if (!r.tasks.length) throw new Error(`${path}: neither a reference validation file nor a simpact tasks file`);
  const byCluster = new Map<number, NextActionTask[]>();
  for (const t of r.tasks) (byCluster.get(t.cluster) ?? byCluster.set(t.cluster, []).get(t.cluster)!).push(t);
  for (const [c, ts] of byCluster) out.set(c, ts.sort((a, b) => a.index - b.index).map((t) => evalTaskFromTask(t).truthContent));
  return { value: out, issues };
}
