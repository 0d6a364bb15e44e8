import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOpenAITestServer } from '../helpers/openai-test-server.ts';
import { OpenAIChatModel } from '../../src/llm/index.ts';
import { predictWithModel } from '../../src/agents/llm-agent.ts';
import { doneTaskIds, readPredictions } from '../../src/agents/predictions.ts';
import { parseAnswer } from '../../src/agents/answer.ts';
import { batchInputLine, readBatchOutput } from '../../src/agents/batch.ts';
import { buildTask } from '../../src/agents/tasks.ts';
import { parseReleaseLine } from '../../src/agents/release.ts';

const F = (a: string) => Object.fromEntries(['like', 'unlike', 'repost', 'unrepost', 'follow', 'unfollow', 'block', 'unblock', 'post_update', 'post_delete', 'quote', 'post', 'reply'].map((k) => [k, k === a]));
function tasks(n: number) {
  return Array.from({ length: n }, (_, i) =>
    buildTask(parseReleaseLine(JSON.stringify({ thread: [{ text: `ctx ${i}`, user_id: 'b' }, { actions: F('like'), user_id: 'a' }], cluster_id: 1 }), 1, i), 'validation'),
  );
}

test('answer parsing: statuses and the action an answer stands for', () => {
  assert.deepEqual(parseAnswer('{"actions":{"like":false,"follow":true,"repost":false,"ignore":false},"text":""}', 'reply'), { status: 'ok', action: 'follow', text: '' });
  assert.equal(parseAnswer('{"actions":{"like":false,"follow":false,"repost":false,"ignore":false},"text":"hey"}', 'reply').action, 'reply');
  assert.equal(parseAnswer('{"actions":{"like":false,"follow":false,"repost":false,"ignore":false},"text":""}', 'reply').action, 'ignore');
  assert.equal(parseAnswer('{"text":"my post"}', 'post').action, 'post');
  assert.deepEqual(parseAnswer('not json', 'reply'), { status: 'invalid_json', reason: 'content is not JSON', action: 'post', text: '' });
  assert.equal(parseAnswer('', 'reply').status, 'empty');
  assert.equal(parseAnswer('[1]', 'reply').status, 'not_object');
  assert.equal(parseAnswer('', 'reply', 'no').status, 'refusal');
  assert.equal(parseAnswer(undefined, 'reply').status, 'missing');
  const u = parseAnswer('{"actions":{"smile":true,"like":true},"text":""}', 'reply');
  assert.equal(u.status, 'unknown_action');
  assert.equal(u.action, 'like');
  assert.equal(parseAnswer('{"actions":"{\\"repost\\": true}","text":""}', 'reply').action, 'repost');
});

test('predict: bad answers are counted, a failing endpoint loses nothing, a re-run resumes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-pred-'));
  const out = join(dir, 'p.jsonl');
  let down = false;
  const answers = ['{"actions":{"like":true,"follow":false,"repost":false,"ignore":false},"text":""}', 'I refuse to JSON', '', '{"actions":{"smile":true},"text":"x"}'];
  const srv = await startOpenAITestServer({
    chat: (body, n) => {
      if (down) return { status: 503 };
      const i = Number(/ctx (\d+)/.exec(JSON.stringify(body.messages))![1]);
      if (i === 5) return { content: '', refusal: 'cannot' };
      if (i >= 6 && n >= 6) return { status: 500, body: { error: { message: 'upstream broke for key sk-secret-1234567890' } } };
      return answers[i % answers.length];
    },
  });
  try {
    const model = new OpenAIChatModel({ model: 'm', baseURL: srv.url, retries: 1, baseDelayMs: 1 });
    const ts = tasks(8);
    const s1 = await predictWithModel(model, ts, out, { concurrency: 1, maxConsecutiveFailures: 50 });
    assert.equal(s1.predicted, 6);
    assert.equal(s1.failed, 2);
    assert.deepEqual(s1.statuses, { ok: 2, invalid_json: 1, empty: 1, unknown_action: 1, refusal: 1 });
    assert.ok(s1.promptTokens > 0);
    const lines = readPredictions(out).lines;
    assert.equal(lines.length, 8);
    const answered = lines.filter((l) => l.status !== 'error');
    assert.equal(answered.length, 6);
    assert.ok(answered.every((l) => l.model === 'openai:m' && l.usage));
    assert.equal(lines.find((l) => l.task_id === 'task-1-1')!.status, 'invalid_json');
    // the two failed requests are recorded as errors with their reason, without the secret the endpoint echoed
    const errors = lines.filter((l) => l.status === 'error');
    assert.deepEqual(errors.map((l) => l.task_id).sort(), ['task-1-6', 'task-1-7']);
    for (const e of errors) {
      assert.match(e.reason!, /HTTP 500/);
      assert.ok(!e.reason!.includes('sk-secret-1234567890'));
      assert.equal(e.content, '');
    }
    assert.deepEqual([...doneTaskIds(lines, 'openai:m')].sort(), answered.map((l) => l.task_id).sort());
    // endpoint down: nothing new, nothing lost, stops after consecutive failures
    down = true;
    const s2 = await predictWithModel(model, ts, out, { concurrency: 1, maxConsecutiveFailures: 1 });
    assert.equal(s2.skipped, 6);
    assert.equal(s2.predicted, 0);
    assert.ok(s2.aborted);
    assert.equal(readPredictions(out).lines.filter((l) => l.status !== 'error').length, 6);
    // endpoint back: only the two missing tasks are asked for
    down = false;
    const before = srv.requests.length;
    const srv2 = await startOpenAITestServer({ chat: () => answers[0] });
    const s3 = await predictWithModel(new OpenAIChatModel({ model: 'm', baseURL: srv2.url }), ts, out, { concurrency: 2 });
    await srv2.close();
    assert.equal(srv.requests.length, before);
    assert.equal(s3.predicted, 2);
    assert.equal(srv2.requests.length, 2);
    const final = readPredictions(out).lines;
    assert.deepEqual(new Set(final.filter((l) => l.status !== 'error').map((l) => l.task_id)).size, 8);
    assert.equal(doneTaskIds(final, 'openai:m').size, 8);
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn last line is reported and re-predicted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-pred-'));
  try {
    const p = join(dir, 'p.jsonl');
    writeFileSync(p, '{"task_id":"task-1-0","model":"m","content":"{}","status":"ok","action":"post","text":""}\n{"task_id":"task-1-1","mo');
    const r = readPredictions(p);
    assert.equal(r.lines.length, 1);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0], /p\.jsonl:2:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Batch API: input lines carry custom_id and json_schema; output lines read back with errors counted', async () => {
  const ts = tasks(2);
  const raw = batchInputLine(ts[0], { model: 'gpt-4.1-mini', temperature: 0.7 });
  assert.ok(raw.startsWith('{"custom_id": "task-1-0", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4.1-mini", "temperature": 0.7, "response_format": {"type": "json_schema", "json_schema": {"name": "reply_schema", "strict": true, "schema": {'), raw.slice(0, 200));
  const line = JSON.parse(raw);
  assert.deepEqual(Object.keys(line.body), ['model', 'temperature', 'response_format', 'messages']);
  const o3 = JSON.parse(batchInputLine(ts[0], { model: 'o3-mini', maxTokens: 100, useMaxCompletionTokens: true }));
  assert.equal(o3.body.max_completion_tokens, 100);
  assert.equal(o3.body.max_tokens, undefined);
  const out = [
    JSON.stringify({ custom_id: 'task-1-0', response: { status_code: 200, body: { choices: [{ message: { content: '{"actions":{"like":true,"follow":false,"repost":false,"ignore":false},"text":""}' }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 5 } } } }),
    JSON.stringify({ custom_id: 'task-1-1', response: { status_code: 200, body: { choices: [{ message: { content: null, refusal: 'no' }, finish_reason: 'stop' }] } } }),
    JSON.stringify({ custom_id: 'task-1-2', response: { status_code: 500, body: {} }, error: null }),
    'garbage',
    JSON.stringify({ response: { status_code: 200, body: {} } }),
    JSON.stringify({ custom_id: 'task-1-3', response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } }),
  ].join('\n');
  const r = readBatchOutput(out, 'batch:gpt', () => 'reply', 'out.jsonl');
  assert.equal(r.predictions.length, 4);
  assert.equal(r.predictions[0].action, 'like');
  assert.deepEqual(r.predictions[0].usage, { prompt_tokens: 10, completion_tokens: 5 });
  assert.equal(r.predictions[1].status, 'refusal');
  // failed requests are error predictions with the reason, so the task counts as an error, not as missing
  assert.deepEqual(r.predictions.slice(2).map((p) => [p.task_id, p.status, p.reason]), [
    ['task-1-2', 'error', 'request failed (HTTP 500)'],
    ['task-1-3', 'error', 'request failed (batch_expired: This request could not be executed before the completion window expired.)'],
  ]);
  assert.deepEqual(r.issues.map((i) => [i.reason, i.where]), [
    ['request_failed', 'out.jsonl:3'], ['malformed_line', 'out.jsonl:4'], ['no_task_id', 'out.jsonl:5'], ['request_failed', 'out.jsonl:6'],
  ]);
});

test('predict --max-completion-tokens reaches the endpoint as max_completion_tokens (o-series models)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-pred-'));
  const srv = await startOpenAITestServer({ chat: () => '{"actions":{"like":true,"follow":false,"repost":false,"ignore":false},"text":""}' });
  try {
    const tf = join(dir, 't.jsonl');
    writeFileSync(tf, tasks(2).map((t) => JSON.stringify(t)).join('\n') + '\n');
    const { runPredictCommand } = await import('../../src/agents/command.ts');
    const r = await runPredictCommand({ tasks: tf, out: join(dir, 'p.jsonl'), model: [`openai:o3-mini@${srv.url}`], concurrency: 1, seed: 1, maxCompletionTokens: 77, quiet: true });
    assert.equal(r.runs[0].predicted, 2);
    assert.ok(srv.requests.every((q) => q.body.max_completion_tokens === 77 && q.body.max_tokens === undefined));
    await assert.rejects(runPredictCommand({ tasks: tf, out: join(dir, 'p.jsonl'), model: [`openai:o3-mini@${srv.url}`], concurrency: 1, seed: 1, maxTokens: 5, maxCompletionTokens: 5 }), /not both/);
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
