// The `simpact eval` stage: reads tasks + predictions (or a reference solutions file + Batch outputs), evaluates,
// writes the JSON report and optionally the HTML and Markdown reports. Unusable input lines are counted by reason
// into the report (and returned for the CLI's warnings); only a mistake in the call itself stops the command.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { InputIssue } from '../agents/predictions.ts';
import { createEmbedder, parseEmbedderSpec } from '../embed/spec.ts';
import type { EmbedderSpec } from '../embed/types.ts';
import { evaluate, type EvalMode, type EvalReport } from './evaluate.ts';
import type { EvalModel, EvalTask } from './inputs.ts';
import { evalTaskFromTask, kindsFromBatchInput, parseSolutions, readBatchOutputModel, readPredictionFiles, readTasksFile, readValidation } from './read-inputs.ts';

export class EvalUsageError extends Error {}

export interface EvalCommandOptions {
  tasks?: string;
  predictions: string[];
  solutions?: string;
  batchOutput: string[];
  batchInput?: string;
  /** blueprint mode: the validation rows of the reference pairing (reference folder or a whole-split tasks file). */
  validation?: string;
  compat?: string;
  embedder: string;
  bootstrap: number;
  seed: number;
  out?: string;
  html?: string;
  markdown?: string;
}

export interface EvalCommandResult {
  report: EvalReport;
  /** `where: detail` of every unusable input line (the report holds them by reason). */
  inputProblems: string[];
}

function need(path: string, what: string): string {
  if (!existsSync(path)) throw new EvalUsageError(`${what} not found: ${path}`);
  return path;
}

/**
 * The embedder spec; `--compat blueprint` runs a transformers model as the reference's evaluation embedder (mean
 * pooling, 512 tokens, no prefix, no normalisation) unless a mode is named.
 */
export function evalEmbedderSpec(text: string, mode: EvalMode): EmbedderSpec {
  const spec = parseEmbedderSpec(text);
  if (spec.kind === 'transformers' && mode === 'blueprint' && spec.mode === undefined) return { ...spec, mode: 'blueprint-eval' };
  return spec;
}

export async function runEvalCommand(o: EvalCommandOptions): Promise<EvalCommandResult> {
  if (o.compat !== undefined && o.compat !== 'blueprint') throw new EvalUsageError('--compat takes only "blueprint"');
  const mode: EvalMode = o.compat === 'blueprint' ? 'blueprint' : 'corrected';
  if (o.tasks && o.solutions) throw new EvalUsageError('give --tasks or --solutions, not both');
  if (o.tasks && (o.batchOutput.length || o.batchInput)) throw new EvalUsageError('--batch-output and --batch-input go with --solutions; with --tasks, read Batch output into predictions first (simpact predict --batch-output)');
  if (o.solutions && !o.batchOutput.length && !o.predictions.length) throw new EvalUsageError('--solutions needs --batch-output (or --predictions) to score');
  if (o.validation && mode !== 'blueprint') throw new EvalUsageError('--validation gives the reference pairing: use it with --compat blueprint (the corrected metrics pair by task id)');
  const issues: InputIssue[] = [];
  let tasks: EvalTask[];
  const models: EvalModel[] = [];
  let kinds = new Map<string, 'post' | 'reply'>();
  if (o.tasks) {
    const r = readTasksFile(need(o.tasks, 'tasks file'));
    issues.push(...r.issues);
    tasks = r.tasks.map(evalTaskFromTask);
  } else if (o.solutions) {
    if (o.batchInput) kinds = kindsFromBatchInput(readFileSync(need(o.batchInput, 'batch input file'), 'utf8'));
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(need(o.solutions, 'solutions file'), 'utf8'));
    } catch (err) {
      if (err instanceof EvalUsageError) throw err;
      throw new EvalUsageError(`${o.solutions} is not JSON`);
    }
    const r = parseSolutions(json, kinds, basename(o.solutions));
    issues.push(...r.issues);
    tasks = r.tasks;
    if (mode === 'corrected') {
      const unknown = tasks.filter((t) => t.kind === null);
      if (unknown.length) {
        throw new EvalUsageError(
          `${unknown.length} of ${tasks.length} solutions do not say whether the task was a post or a reply (e.g. ${unknown[0].id}), ` +
          'which the corrected metrics need to score a text answer: pass the Batch input file (--batch-input), or use --compat blueprint ' +
          '(the reference label rule does not tell posts from replies)',
        );
      }
    }
  } else throw new EvalUsageError('give --tasks (with --predictions) or --solutions (with --batch-output)');
  const answerIssuesFrom = issues.length;
  for (const spec of o.batchOutput) {
    const eq = spec.lastIndexOf('=');
    const [path, id] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [spec, basename(spec).replace(/\.jsonl$/, '')];
    const m = readBatchOutputModel(need(path, 'batch output file'), id, kinds);
    issues.push(...m.issues);
    models.push(m.model);
  }
  if (o.predictions.length) {
    const r = readPredictionFiles(o.predictions.map((p) => need(p, 'predictions file')));
    issues.push(...r.issues);
    models.push(...r.models);
  }
  const firstIssue = (reasons: readonly string[], from = 0) => {
    const i = issues.slice(from).find((x) => reasons.includes(x.reason));
    return i ? ` (first problem: ${i.where}: ${i.detail})` : '';
  };
  if (!tasks.length) throw new EvalUsageError(`no tasks to evaluate${firstIssue(['bad_task', 'bad_solution', 'malformed_line'])}`);
  if (!models.length) {
    throw new EvalUsageError(o.predictions.length || o.batchOutput.length
      ? `no predictions to evaluate${firstIssue(['no_task_id', 'malformed_line', 'unreadable_response', 'request_failed'], answerIssuesFrom)}`
      : 'no predictions to evaluate: give --predictions <file> (or --batch-output <file> with --solutions)');
  }
  let validation;
  if (o.validation) {
    try {
      const v = readValidation(need(o.validation, 'validation input'));
      issues.push(...v.issues);
      validation = v.value;
    } catch (err) {
      if (err instanceof EvalUsageError) throw err;
      throw new EvalUsageError((err as Error).message);
    }
  }
  let embedder;
  try {
    embedder = createEmbedder(evalEmbedderSpec(o.embedder, mode));
  } catch (err) {
    throw new EvalUsageError((err as Error).message);
  }
  let report: EvalReport;
  try {
    report = await evaluate(tasks, models, { mode, embedder, bootstrap: o.bootstrap, seed: o.seed, validation, inputIssues: issues });
  } finally {
    await embedder.close?.();
  }
  if (o.out) writeFileSync(o.out, `${JSON.stringify(report, jsonReplacer, 2)}\n`);
  if (o.markdown) {
    const { evalMarkdown } = await import('../report/eval-markdown.ts');
    writeFileSync(o.markdown, evalMarkdown(report));
  }
  if (o.html) {
    const { evalHtml } = await import('../report/eval-html.ts');
    writeFileSync(o.html, await evalHtml(report));
  }
  return { report, inputProblems: issues.map((i) => (i.detail ? `${i.where}: ${i.detail}` : i.where)) };
}

/** NaN and ±Infinity are not JSON; write them as null. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
