// `simpact report`: an evaluation JSON (NaN written as null) back into HTML and Markdown.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { EvalReport } from '../evaluate/evaluate.ts';
import { evalHtml } from './eval-html.ts';
import { evalMarkdown } from './eval-markdown.ts';

export class ReportUsageError extends Error {}

export function readEvalReport(path: string): EvalReport {
  if (!existsSync(path)) throw new ReportUsageError(`evaluation file not found: ${path}`);
  let r: EvalReport;
  try {
    r = JSON.parse(readFileSync(path, 'utf8'), (_k, v) => (v === null ? NaN : v));
  } catch {
    throw new ReportUsageError(`${path} is not JSON`);
  }
  if (!r || !Array.isArray(r.models) || !r.population) throw new ReportUsageError(`${path} is not a simpact evaluation`);
  return r;
}

export async function writeEvalReports(evalPath: string, htmlPath: string, markdownPath?: string): Promise<void> {
  const r = readEvalReport(evalPath);
  writeFileSync(htmlPath, await evalHtml(r));
  if (markdownPath) writeFileSync(markdownPath, evalMarkdown(r));
}
