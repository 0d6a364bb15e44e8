// The predictions JSONL: one line per finished task, appended as it completes, so a re-run skips what is done.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { ParsedAnswer } from './answer.ts';

export interface PredictionLine {
  task_id: string;
  model: string;
  /** Raw content as the model returned it ('' for a refusal). */
  content: string;
  refusal?: string;
  status: ParsedAnswer['status'];
  reason?: string;
  action: ParsedAnswer['action'];
  text: string;
  finish_reason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export interface ReadPredictions {
  lines: PredictionLine[];
  /** `file:line: reason` for lines that could not be read (kept out, counted). */
  problems: string[];
}

export function readPredictions(path: string): ReadPredictions {
  const out: ReadPredictions = { lines: [], problems: [] };
  if (!existsSync(path)) return out;
  const text = readFileSync(path, 'utf8');
  const rows = text.split('\n');
  rows.forEach((row, i) => {
    if (!row.trim()) return;
    try {
      const p = JSON.parse(row) as PredictionLine;
      if (typeof p.task_id !== 'string' || typeof p.model !== 'string') throw new Error('missing task_id or model');
      if (typeof p.content !== 'string') p.content = '';
      out.lines.push(p);
    } catch (err) {
      // A torn last line (the process was killed mid-write) is expected; it is re-predicted.
      out.problems.push(`${path}:${i + 1}: ${(err as Error).message.slice(0, 80)}`);
    }
  });
  return out;
}

/** Task ids already predicted by this model. */
export function doneTaskIds(lines: readonly PredictionLine[], model: string): Set<string> {
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
