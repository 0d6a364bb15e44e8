// The `simpact eval` stage: reads tasks + predictions (or a reference solutions file + Batch outputs), evaluates,
// writes the JSON report and optionally the HTML and Markdown reports.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createEmbedder } from '../embed/spec.ts';
import { evaluate, type EvalMode, type EvalReport } from './evaluate.ts';
import type { EvalModel, EvalTask } from './inputs.ts';
import { evalTaskFromTask, kindsFromBatchInput, parseSolutions, readBatchOutputModel, readPredictionFiles, readTasksFile } from './read-inputs.ts';

export class EvalUsageError extends Error {}

export interface EvalCommandOptions {
  tasks?: string;
  predictions: string[];
  solutions?: string;
  batchOutput: string[];
  batchInput?: string;
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
  inputProblems: string[];
}

function need(path: string, what: string): string {
  if (!existsSync(path)) throw new EvalUsageError(`${what} not found: ${path}`);
  return path;
}

export async function runEvalCommand(o: EvalCommandOptions): Promise<EvalCommandResult> {
  if (o.compat !== undefined && o.compat !== 'blueprint') throw new EvalUsageError('--compat takes only "blueprint"');
  const mode: EvalMode = o.compat === 'blueprint' ? 'blueprint' : 'corrected';
  const problems: string[] = [];
  let tasks: EvalTask[];
  const models: EvalModel[] = [];
  if (o.tasks) {
    const r = readTasksFile(need(o.tasks, 'tasks file'));
    problems.push(...r.problems);
    tasks = r.tasks.map(evalTaskFromTask);
  } else if (o.solutions) {
    const kinds = o.batchInput ? kindsFromBatchInput(readFileSync(need(o.batchInput, 'batch input file'), 'utf8')) : new Map<string, 'post' | 'reply'>();
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(need(o.solutions, 'solutions file'), 'utf8'));
    } catch {
      throw new EvalUsageError(`${o.solutions} is not JSON`);
    }
    const r = parseSolutions(json, kinds);
    problems.push(...r.problems);
    tasks = r.tasks;
    for (const spec of o.batchOutput) {
      const eq = spec.lastIndexOf('=');
      const [path, id] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [spec, basename(spec).replace(/\.jsonl$/, '')];
      const m = readBatchOutputModel(need(path, 'batch output file'), id, kinds);
      problems.push(...m.problems);
      models.push(m.model);
    }
  } else throw new EvalUsageError('give --tasks (with --predictions) or --solutions (with --batch-output)');
  if (o.predictions.length) {
    const r = readPredictionFiles(o.predictions.map((p) => need(p, 'predictions file')));
    problems.push(...r.problems);
    models.push(...r.models);
  }
  if (!tasks.length) throw new EvalUsageError('no tasks to evaluate');
  if (!models.length) throw new EvalUsageError('no predictions to evaluate');
  let embedder;
  try {
    embedder = createEmbedder(o.embedder);
  } catch (err) {
    throw new EvalUsageError((err as Error).message);
  }
  const report = await evaluate(tasks, models, { mode, embedder, bootstrap: o.bootstrap, seed: o.seed });
  if (o.out) writeFileSync(o.out, `${JSON.stringify(report, jsonReplacer, 2)}\n`);
  if (o.markdown) {
    const { evalMarkdown } = await import('../report/eval-markdown.ts');
    writeFileSync(o.markdown, evalMarkdown(report));
  }
  if (o.html) {
    const { evalHtml } = await import('../report/eval-html.ts');
    writeFileSync(o.html, await evalHtml(report));
  }
  return { report, inputProblems: problems };
}

/** NaN and ±Infinity are not JSON; write them as null. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
