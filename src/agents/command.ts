// The `simpact tasks` and `simpact predict` stages: files in, files out, a summary back to the CLI.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createChatModel } from '../llm/factory.ts';
import { LlamaCppChatModel } from '../llm/llama-cpp.ts';
import { Progress } from '../util/log.ts';
import { BASELINES, TextPool, baselinePredictions, createBaseline, type BaselineName } from './baselines.ts';
import { batchInputLine, readBatchOutput } from './batch.ts';
import { predictWithModel, type PredictSummary } from './llm-agent.ts';
import { appendPrediction, doneTaskIds, readPredictions, repairTail, seenTaskIds } from './predictions.ts';
import { loadRelease, threadsOfSplit } from './release-files.ts';
import type { Split } from './release.ts';
import { instructionLine, mixInstructions, sftLine, type SftLine, type SftTarget } from './sft.ts';
import { buildTask, sampleTasks, solutionsObject, type ActionSet, type NextActionTask } from './tasks.ts';

/** A mistake in how the command was called (exit code 2). */
export class AgentsUsageError extends Error {}

export interface TasksCommandOptions {
  release: string;
  k?: number;
  split: Split;
  out?: string;
  perCluster?: number;
  seed: number;
  actions: ActionSet;
  solutions?: string;
  sft?: string;
  /** Which split the fine-tuning file is made from (default train; validation gives the held-out file). */
  sftSplit?: Split;
  sftTarget: SftTarget;
  instructions?: string;
  instructionFraction: number;
  /** `blueprint`: the reference's sampling rule (exactly ⌈k/2⌉ text answers, "" counting as text). */
  compat?: string;
}

export interface TasksReport {
  k: number;
  split: Split;
  tasks: number;
  perCluster: Record<string, number>;
  kinds: Record<string, number>;
  skippedLines: number;
  problems: string[];
  sft?: {
    lines: number;
    threads: number;
    instructions: number;
    instructionsRead: number;
    instructionsBad: number;
    /** floor(n · f / (1 − f)): the instruction items the fraction asks for (fewer are mixed when the file has fewer). */
    instructionsWanted: number;
    /** Up to 10 unusable instruction lines, `file:line: reason`. */
    instructionProblems: string[];
  };
}

export function runTasksCommand(o: TasksCommandOptions): TasksReport {
  if (!existsSync(o.release)) throw new AgentsUsageError(`release folder not found: ${o.release}`);
  let rel;
  try {
    rel = loadRelease(o.release, o.k);
  } catch (err) {
    throw new AgentsUsageError((err as Error).message);
  }
  if (!rel.splitOf) throw new AgentsUsageError('the release has no splits/ folder; build it with splits');
  if (o.compat !== undefined && o.compat !== 'blueprint') throw new AgentsUsageError('--compat takes only "blueprint"');
  const report: TasksReport = { k: rel.k, split: o.split, tasks: 0, perCluster: {}, kinds: {}, skippedLines: rel.problems.length, problems: rel.problems.slice(0, 20) };
  if (o.out) {
    let tasks = threadsOfSplit(rel, o.split).map((t) => buildTask(t, o.split, o.actions));
    if (o.perCluster) tasks = sampleTasks(tasks, o.perCluster, o.seed, o.compat === 'blueprint' ? 'blueprint' : 'default');
    writeFileSync(o.out, tasks.map((t) => JSON.stringify(t)).join('\n') + (tasks.length ? '\n' : ''));
    if (o.solutions) writeFileSync(o.solutions, `${JSON.stringify(solutionsWithIds(tasks), null, 2)}\n`);
    report.tasks = tasks.length;
    for (const t of tasks) {
      report.perCluster[t.cluster] = (report.perCluster[t.cluster] ?? 0) + 1;
      report.kinds[t.kind] = (report.kinds[t.kind] ?? 0) + 1;
    }
  }
  if (o.sft) {
    const threads = threadsOfSplit(rel, o.sftSplit ?? 'train').map((t) => sftLine(t, o.sftTarget, o.actions));
    let lines: SftLine[] = threads;
    const s = { lines: 0, threads: threads.length, instructions: 0, instructionsRead: 0, instructionsBad: 0, instructionsWanted: 0, instructionProblems: [] as string[] };
    if (o.instructions) {
      if (!(o.instructionFraction >= 0 && o.instructionFraction < 1)) throw new AgentsUsageError(`--instruction-fraction must be in [0, 1), got ${o.instructionFraction}`);
      if (!existsSync(o.instructions)) throw new AgentsUsageError(`instruction file not found: ${o.instructions}`);
      const items: SftLine[] = [];
      const rows = readFileSync(o.instructions, 'utf8').split('\n');
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (!row.trim()) continue;
        s.instructionsRead++;
        let item: SftLine | undefined;
        let reason = 'neither {instruction, response} strings nor {messages} with role and content';
        try {
          item = instructionLine(JSON.parse(row));
        } catch {
          reason = 'not JSON';
        }
        if (item) items.push(item);
        else {
          s.instructionsBad++;
          if (s.instructionProblems.length < 10) s.instructionProblems.push(`${o.instructions}:${i + 1}: ${reason}`);
        }
      }
      if (items.length === 0) {
        throw new AgentsUsageError(`${o.instructions}: no usable instruction item in ${s.instructionsRead} line(s)${s.instructionProblems.length ? ` (${s.instructionProblems[0]})` : ''}`);
      }
      s.instructionsWanted = Math.floor((threads.length * o.instructionFraction) / (1 - o.instructionFraction));
      const mixed = mixInstructions(threads, items, o.instructionFraction, o.seed);
      lines = mixed.lines;
      s.instructions = mixed.mixed;
    }
    writeFileSync(o.sft, lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
    s.lines = lines.length;
    report.sft = s;
  }
  return report;
}

/**
 * The reference solutions file: ground truth as an `assistant:` message, plus cluster and chain index. simpact adds
 * `kind` (post/reply: the corrected metrics need it, the reference file leaves it to the Batch input), `split` and
 * `line` (the chain index is a release line, not a row of a reference validation file: no instruction items).
 */
function solutionsWithIds(tasks: readonly NextActionTask[]): Record<string, { ground_truth: string; cluster_id: number; chain_index: number; kind: string; split: string; line: number }> {
  const sol = solutionsObject(tasks);
  return Object.fromEntries(tasks.map((t) => [t.id, {
    ground_truth: `assistant:\n${sol[t.id][0].content}`, cluster_id: t.cluster, chain_index: t.index, kind: t.kind, split: t.split, line: t.index,
  }]));
}

export function readTasks(path: string): NextActionTask[] {
  if (!existsSync(path)) throw new AgentsUsageError(`tasks file not found: ${path}`);
  const out: NextActionTask[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((row, i) => {
    if (!row.trim()) return;
    let t: NextActionTask;
    try {
      t = JSON.parse(row);
    } catch {
      throw new AgentsUsageError(`${path}:${i + 1}: not JSON`);
    }
    if (typeof t.id !== 'string' || !Array.isArray(t.messages)) throw new AgentsUsageError(`${path}:${i + 1}: not a task line`);
    out.push(t);
  });
  return out;
}

export interface PredictCommandOptions {
  tasks: string;
  out: string;
  model: string[];
  release?: string;
  k?: number;
  concurrency: number;
  temperature?: number;
  maxTokens?: number;
  /** The answer cap sent as max_completion_tokens (OpenAI o-series models reject max_tokens). */
  maxCompletionTokens?: number;
  seed: number;
  timeoutMs?: number;
  retries?: number;
  threads?: number;
  batchInput?: string;
  batchOutput?: string;
  quiet?: boolean;
}

export type PredictReport = {
  batchInput?: { file: string; lines: number };
  /** `added` counts new lines, `errors` of them failed requests (written as `status: "error"`). */
  batchOutput?: { read: number; added: number; errors: number; problems: string[] };
  runs: PredictSummary[];
  baselines: { model: string; added: number; skipped: number }[];
};

export async function runPredictCommand(o: PredictCommandOptions): Promise<PredictReport> {
  const tasks = readTasks(o.tasks);
  const report: PredictReport = { runs: [], baselines: [] };
  if (o.batchInput && o.batchOutput) throw new AgentsUsageError('give --batch-input or --batch-output, not both');
  if (o.maxTokens !== undefined && o.maxCompletionTokens !== undefined) throw new AgentsUsageError('give --max-tokens or --max-completion-tokens, not both');
  const maxTokens = o.maxCompletionTokens ?? o.maxTokens;
  const useMaxCompletionTokens = o.maxCompletionTokens !== undefined;
  if (o.batchInput) {
    if (o.model.length !== 1 || !o.model[0].startsWith('openai:')) throw new AgentsUsageError('--batch-input needs exactly one --model openai:<model>');
    const model = o.model[0].slice('openai:'.length).split('@')[0];
    if (!model) throw new AgentsUsageError('--batch-input: --model openai:<model> names no model');
    writeFileSync(o.batchInput, tasks.map((t) => batchInputLine(t, { model, temperature: o.temperature, maxTokens, useMaxCompletionTokens })).join('\n') + (tasks.length ? '\n' : ''));
    report.batchInput = { file: o.batchInput, lines: tasks.length };
    return report;
  }
  if (o.batchOutput) {
    if (!existsSync(o.batchOutput)) throw new AgentsUsageError(`batch output file not found: ${o.batchOutput}`);
    if (o.model.length > 1) throw new AgentsUsageError('--batch-output takes at most one --model (the id its answers are recorded under)');
    const id = o.model[0] ?? 'batch';
    const kind = new Map(tasks.map((t) => [t.id, t.kind]));
    const r = readBatchOutput(readFileSync(o.batchOutput, 'utf8'), id, (tid) => kind.get(tid), basename(o.batchOutput));
    repairTail(o.out);
    const existing = readPredictions(o.out).lines;
    const done = doneTaskIds(existing, id);
    const seen = seenTaskIds(existing, id);
    let added = 0;
    let errors = 0;
    for (const p of r.predictions) {
      // an answer replaces nothing already answered; a failure is recorded once (a later output file can retry it)
      if (done.has(p.task_id) || (p.status === 'error' && seen.has(p.task_id))) continue;
      appendPrediction(o.out, p);
      done.add(p.task_id);
      seen.add(p.task_id);
      added++;
      if (p.status === 'error') errors++;
    }
    report.batchOutput = { read: r.predictions.length, added, errors, problems: r.problems.slice(0, 50) };
    return report;
  }
  if (!o.model.length) throw new AgentsUsageError('name at least one --model');
  for (const spec of o.model) {
    if (spec.startsWith('baseline:')) {
      const name = spec.slice('baseline:'.length) as BaselineName;
      if (!BASELINES.includes(name)) throw new AgentsUsageError(`unknown baseline "${name}" (use ${BASELINES.join(', ')})`);
      if (!o.release) throw new AgentsUsageError('baselines train on the release: pass --release <dir>');
      const rel = loadRelease(o.release, o.k);
      const train = threadsOfSplit(rel, 'train').map((t) => buildTask(t, 'train'));
      const b = createBaseline(name, train, o.seed);
      repairTail(o.out);
      const done = doneTaskIds(readPredictions(o.out).lines, b.id);
      const todo = tasks.filter((t) => !done.has(t.id));
      for (const p of baselinePredictions(b, todo, new TextPool(train), o.seed)) appendPrediction(o.out, p);
      report.baselines.push({ model: b.id, added: todo.length, skipped: tasks.length - todo.length });
      continue;
    }
    if (spec.startsWith('gguf:') && spec.length > 5 && !existsSync(spec.slice(5))) throw new AgentsUsageError(`GGUF model file not found: ${spec.slice(5)}`);
    let model;
    try {
      model = createChatModel(spec, { openai: { timeoutMs: o.timeoutMs, retries: o.retries, useMaxCompletionTokens }, gguf: { threads: o.threads } });
    } catch (err) {
      const msg = (err as Error).message;
      throw new AgentsUsageError(/^unknown model kind|must look like/.test(msg) ? `${msg}; baselines: baseline:${BASELINES.join('|')}` : msg);
    }
    const progress = new Progress(model.id, { enabled: o.quiet ? false : undefined });
    try {
      report.runs.push(await predictWithModel(model, tasks, o.out, {
        concurrency: o.concurrency, temperature: o.temperature, maxTokens, seed: o.seed,
        onProgress: (d, n) => progress.update(() => `${d}/${n}`),
      }));
    } finally {
      progress.done();
      if (model instanceof LlamaCppChatModel) await model.dispose();
    }
  }
  return report;
}
