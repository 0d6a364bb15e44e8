// OpenAI Batch API files: the input JSONL (one /v1/chat/completions request per task, custom_id = task id) and
// reading an output JSONL back into prediction lines (errors and refusals counted, never dropped silently).
import { chatCompletionBody, parseChatCompletion } from '../llm/openai-chat.ts';
import { parseAnswer } from './answer.ts';
import type { PredictionLine } from './predictions.ts';
import type { NextActionTask } from './tasks.ts';

export interface BatchInputOptions {
  model: string;
  temperature?: number;
  maxTokens?: number;
  /** For reasoning models that reject max_tokens. */
  useMaxCompletionTokens?: boolean;
}

export function batchInputLine(task: NextActionTask, opts: BatchInputOptions): string {
  const body = chatCompletionBody(
    opts.model,
    { messages: task.messages, jsonSchema: task.jsonSchema, temperature: opts.temperature, maxTokens: opts.maxTokens },
    opts,
  );
  return JSON.stringify({ custom_id: task.id, method: 'POST', url: '/v1/chat/completions', body });
}

export interface BatchOutputRead {
  predictions: PredictionLine[];
  /** `line N: reason` for lines without a usable response (errors, malformed lines). */
  problems: string[];
}

/**
 * Reads a Batch API output file. `kindOf` gives each task's schema kind (post/reply); unknown task ids default to
 * `reply` when the request had context, which the output does not show, so pass the tasks when you have them.
 */
export function readBatchOutput(text: string, modelId: string, kindOf: (taskId: string) => 'post' | 'reply' | undefined): BatchOutputRead {
  const out: BatchOutputRead = { predictions: [], problems: [] };
  text.split('\n').forEach((row, i) => {
    if (!row.trim()) return;
    let rec: any;
    try {
      rec = JSON.parse(row);
    } catch {
      out.problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    const id = rec?.custom_id;
    if (typeof id !== 'string') {
      out.problems.push(`line ${i + 1}: no custom_id`);
      return;
    }
    const status = rec?.response?.status_code;
    if (rec.error || (typeof status === 'number' && status !== 200) || !rec?.response?.body) {
      out.problems.push(`line ${i + 1}: request failed${typeof status === 'number' ? ` (HTTP ${status})` : ''}`);
      return;
    }
    let r;
    try {
      r = parseChatCompletion(rec.response.body);
    } catch (err) {
      out.problems.push(`line ${i + 1}: ${(err as Error).message}`);
      return;
    }
    const parsed = parseAnswer(r.content, kindOf(id) ?? 'reply', r.refusal);
    const line: PredictionLine = { task_id: id, model: modelId, content: r.content, status: parsed.status, action: parsed.action, text: parsed.text };
    if (r.refusal) line.refusal = r.refusal;
    if (parsed.reason) line.reason = parsed.reason;
    if (r.finishReason) line.finish_reason = r.finishReason;
    if (r.usage) line.usage = { prompt_tokens: r.usage.promptTokens, completion_tokens: r.usage.completionTokens };
    out.predictions.push(line);
  });
  return out;
}
