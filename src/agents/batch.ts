// OpenAI Batch API files: the input JSONL (one /v1/chat/completions request per task, custom_id = task id) and
// reading an output JSONL back into prediction lines (errors and refusals counted, never dropped silently).
import { chatCompletionBody, parseChatCompletion, redact } from '../llm/openai-chat.ts';
import { pythonJsonDumps } from '../util/python-json.ts';
import { parseAnswer } from './answer.ts';
import type { InputIssue, PredictionLine } from './predictions.ts';
import type { NextActionTask } from './tasks.ts';

export interface BatchInputOptions {
  model: string;
  temperature?: number;
  maxTokens?: number;
  /** For reasoning models (o-series) that reject max_tokens: the cap is sent as max_completion_tokens. */
  useMaxCompletionTokens?: boolean;
}

/**
 * One Batch input line, written as the reference's create_batchinput.py writes it (Python json.dumps: `, `/`: `
 * separators, non-ASCII as \uXXXX; keys custom_id, method, url, body), so the same tasks give the same bytes.
 */
export function batchInputLine(task: NextActionTask, opts: BatchInputOptions): string {
  const body = chatCompletionBody(
    opts.model,
    { messages: task.messages, jsonSchema: task.jsonSchema, temperature: opts.temperature, maxTokens: opts.maxTokens },
    opts,
  );
  return pythonJsonDumps({ custom_id: task.id, method: 'POST', url: '/v1/chat/completions', body });
}

export interface BatchOutputRead {
  /** One line per task the file answers; a failed request is a `status: "error"` line with its reason. */
  predictions: PredictionLine[];
  /** `line N: reason` for lines without a usable response (errors, malformed lines). */
  problems: string[];
  /** The same, by reason, located `file:line` (file = the name given, or `batch output`). */
  issues: InputIssue[];
}

/** Why a Batch request failed, from its error object and HTTP status (code and a redacted, cut message only). */
function failureReason(rec: any): string {
  const status = rec?.response?.status_code;
  const err = rec?.error ?? rec?.response?.body?.error;
  const parts: string[] = [];
  if (typeof status === 'number') parts.push(`HTTP ${status}`);
  if (err && typeof err === 'object') {
    if (typeof err.code === 'string') parts.push(err.code.slice(0, 40));
    if (typeof err.message === 'string') parts.push(redact(err.message, undefined).slice(0, 120));
  }
  return `request failed${parts.length ? ` (${parts.join(': ')})` : ''}`;
}

/**
 * Reads a Batch API output file. `kindOf` gives each task's schema kind (post/reply); unknown task ids default to
 * `reply` when the request had context, which the output does not show, so pass the tasks when you have them.
 */
export function readBatchOutput(text: string, modelId: string, kindOf: (taskId: string) => 'post' | 'reply' | undefined, file = 'batch output'): BatchOutputRead {
  const out: BatchOutputRead = { predictions: [], problems: [], issues: [] };
  const issue = (line: number, reason: InputIssue['reason'], detail: string) => {
    out.problems.push(`line ${line}: ${detail}`);
    out.issues.push({ reason, where: `${file}:${line}`, detail });
  };
  text.split('\n').forEach((row, i) => {
    if (!row.trim()) return;
    let rec: any;
    try {
      rec = JSON.parse(row);
    } catch {
      issue(i + 1, 'malformed_line', 'not JSON');
      return;
    }
    const id = rec?.custom_id;
    if (typeof id !== 'string') {
      issue(i + 1, 'no_task_id', 'no custom_id');
      return;
    }
    const failed = (reason: string, kind: InputIssue['reason']) => {
      issue(i + 1, kind, reason);
      out.predictions.push({ task_id: id, model: modelId, content: '', status: 'error', reason, action: 'post', text: '' });
    };
    const status = rec?.response?.status_code;
    if (rec.error || (typeof status === 'number' && status !== 200) || !rec?.response?.body) {
      failed(failureReason(rec), 'request_failed');
      return;
    }
    let r;
    try {
      r = parseChatCompletion(rec.response.body);
    } catch (err) {
      failed((err as Error).message, 'unreadable_response');
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
