// Runs a ChatModel over next-action tasks: bounded concurrency, resumable (finished task ids are skipped), each
// finished task appended to the predictions file at once, token usage summed. A task whose request fails after the
// client's retries is counted and written as a `status: "error"` line with its reason (no content, no secrets), so
// the report counts it as an error rather than a missing answer and a later run retries it; nothing is lost.
import type { ChatModel } from '../llm/types.ts';
import { apiKeyFromEnv, redact } from '../llm/openai-chat.ts';
import { mapPool } from '../llm/pool.ts';
import { parseAnswer } from './answer.ts';
import { appendPrediction, doneTaskIds, readPredictions, repairTail, type PredictionLine } from './predictions.ts';
import type { NextActionTask } from './tasks.ts';

export interface PredictOptions {
  concurrency?: number;
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  /** Stop starting new tasks after this many consecutive failures (the endpoint is down); default 20. */
  maxConsecutiveFailures?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface PredictSummary {
  model: string;
  tasks: number;
  skipped: number;
  predicted: number;
  failed: number;
  /** Count per answer status among newly predicted tasks. */
  statuses: Record<string, number>;
  /** Failure reasons (no content, no secrets) with counts. */
  failures: Record<string, number>;
  promptTokens: number;
  completionTokens: number;
  aborted: boolean;
}

export async function predictWithModel(model: ChatModel, tasks: readonly NextActionTask[], outPath: string, opts: PredictOptions = {}): Promise<PredictSummary> {
  repairTail(outPath);
  const done = doneTaskIds(readPredictions(outPath).lines, model.id);
  const todo = tasks.filter((t) => !done.has(t.id));
  const s: PredictSummary = {
    model: model.id, tasks: tasks.length, skipped: tasks.length - todo.length, predicted: 0, failed: 0,
    statuses: {}, failures: {}, promptTokens: 0, completionTokens: 0, aborted: false,
  };
  const maxFails = opts.maxConsecutiveFailures ?? 20;
  let consecutive = 0;
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  let finished = 0;
  await mapPool(todo, opts.concurrency ?? 4, async (task) => {
    if (signal.aborted) return;
    try {
      const r = await model.chat(
        { messages: task.messages, jsonSchema: task.jsonSchema, temperature: opts.temperature, maxTokens: opts.maxTokens, seed: opts.seed },
        signal,
      );
      const parsed = parseAnswer(r.content, task.kind, r.refusal);
      const line: PredictionLine = {
        task_id: task.id, model: model.id, content: r.content, status: parsed.status, action: parsed.action, text: parsed.text,
      };
      if (r.refusal) line.refusal = r.refusal;
      if (parsed.reason) line.reason = parsed.reason;
      if (r.finishReason) line.finish_reason = r.finishReason;
      if (r.usage) {
        line.usage = { prompt_tokens: r.usage.promptTokens, completion_tokens: r.usage.completionTokens };
        s.promptTokens += r.usage.promptTokens;
        s.completionTokens += r.usage.completionTokens;
      }
      appendPrediction(outPath, line);
      s.predicted++;
      s.statuses[parsed.status] = (s.statuses[parsed.status] ?? 0) + 1;
      consecutive = 0;
    } catch (err) {
      if (opts.signal?.aborted) return;
      s.failed++;
      const reason = redact((err as Error).message, apiKeyFromEnv()).slice(0, 120);
      s.failures[reason] = (s.failures[reason] ?? 0) + 1;
      appendPrediction(outPath, { task_id: task.id, model: model.id, content: '', status: 'error', reason, action: 'post', text: '' });
      if (++consecutive >= maxFails) stop.abort(new Error('too many consecutive failures'));
    } finally {
      opts.onProgress?.(++finished, todo.length);
    }
  });
  s.aborted = signal.aborted;
  return s;
}
