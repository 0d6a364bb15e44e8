// The predictions JSONL: one line per finished task, appended as it completes, so a re-run skips what is done.
// A request that failed is written as a `status: "error"` line with its reason (no content, no secrets): a re-run
// retries it and appends the answer; readers count a task's first answer line (later ones are duplicates) and an
// error line only while the task has no answer.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ParsedAnswer } from './answer.ts';

export interface PredictionLine {
  task_id: string;
  model: string;
  /** Raw content as the model returned it ('' for a refusal or a failed request). */
  content: string;
  refusal?: string;
  status: ParsedAnswer['status'];
  reason?: string;
  action: ParsedAnswer['action'];
  text: string;
  finish_reason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

/**
 * A located problem in an input file, by reason:
 *   malformed_line (not JSON, or a torn last line), no_task_id (a prediction without task_id/model, a Batch line
 *   without custom_id), request_failed (a Batch line whose request failed), unreadable_response (a Batch response
 *   without choices), bad_task (a tasks/validation line that is not a task), bad_solution (a solutions entry
 *   without ground truth or a task-<cluster>-<chain> key).
 */
export interface InputIssue {
  reason: 'malformed_line' | 'no_task_id' | 'request_failed' | 'unreadable_response' | 'bad_task' | 'bad_solution';
  /** `file:line` (file name only) or `file: key`. */
  where: string;
  detail?: string;
}

export interface ReadPredictions {
  lines: PredictionLine[];
  /** `file:line: reason` for lines that could not be read (kept out, counted). */
  problems: string[];
  /** The same problems by reason. */
  issues: InputIssue[];
}

export function readPredictions(path: string): ReadPredictions {
  const out: ReadPredictions = { lines: [], problems: [], issues: [] };
  if (!existsSync(path)) return out;
  const text = readFileSync(path, 'utf8');
  const rows = text.split('\n');
  rows.forEach((row, i) => {
    if (!row.trim()) return;
    let p: PredictionLine;
    try {
      p = JSON.parse(row) as PredictionLine;
    } catch {
      // A torn last line (the process was killed mid-write) is expected; it is re-predicted.
      out.problems.push(`${path}:${i + 1}: not JSON`);
      out.issues.push({ reason: 'malformed_line', where: `${basename(path)}:${i + 1}`, detail: 'not JSON' });
      return;
    }
    if (!p || typeof p !== 'object' || typeof p.task_id !== 'string' || typeof p.model !== 'string') {
      out.problems.push(`${path}:${i + 1}: missing task_id or model`);
      out.issues.push({ reason: 'no_task_id', where: `${basename(path)}:${i + 1}`, detail: 'missing task_id or model' });
      return;
    }
    if (typeof p.content !== 'string') p.content = '';
    out.lines.push(p);
  });
  return out;
}

/** Task ids already predicted by this model (failed requests, `status: "error"`, are not done: a re-run retries them). */
export function doneTaskIds(lines: readonly PredictionLine[], model: string): Set<string> {
  return new Set(lines.filter((l) => l.model === model && l.status !== 'error').map((l) => l.task_id));
}

/** Task ids of this model with any line, errors included. */
export function seenTaskIds(lines: readonly PredictionLine[], model: string): Set<string> {
  return new Set(lines.filter((l) => l.model === model).map((l) => l.task_id));
}

export function appendPrediction(path: string, line: PredictionLine): void {
  appendFileSync(path, `${JSON.stringify(line)}\n`);
}

/** Makes sure a file that ends in a torn line gets a newline before new lines are appended. */
export function repairTail(path: string): void {
  if (!existsSync(path)) return;
  const buf = readFileSync(path);
  if (buf.length && buf[buf.length - 1] !== 0x0a) appendFileSync(path, '\n');
}
