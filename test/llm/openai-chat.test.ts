import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAITestServer } from '../helpers/openai-test-server.ts';
import { OpenAIChatModel, createChatModel, mapPool, parseRetryAfter, redact } from '../../src/llm/index.ts';

const schema = { name: 'post', schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } };

test('sends json_schema response_format, bearer key, and reads content and usage', async () => {
  const srv = await startOpenAITestServer({ apiKey: 'sk-test-123456', chat: () => '{"text":"hi"}' });
  try {
    const m = new OpenAIChatModel({ model: 'm1', baseURL: srv.url, apiKey: 'sk-test-123456' });
    const r = await m.chat({ messages: [{ role: 'user', content: 'x' }], jsonSchema: schema, temperature: 0.7, maxTokens: 50, seed: 3 });
    assert.equal(r.content, '{"text":"hi"}');
    assert.ok(r.usage && r.usage.completionTokens > 0);
    const body = srv.requests[0].body;
    assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'post', strict: true, schema: schema.schema } });
    assert.equal(body.temperature, 0.7);
    assert.equal(body.max_tokens, 50);
    assert.equal(body.seed, 3);
    assert.equal(m.id, 'openai:m1');
  } finally {
    await srv.close();
  }
});

test('retries 429 (Retry-After) and 500, then succeeds', async () => {
  const srv = await startOpenAITestServer({
    chat: (_b, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '0' } } : n === 1 ? { status: 503 } : n === 2 ? { destroy: true } : 'ok'),
  });
  try {
    const m = new OpenAIChatModel({ model: 'm', baseURL: srv.url, baseDelayMs: 1, retries: 4 });
    const r = await m.chat({ messages: [{ role: 'user', content: 'x' }] });
    assert.equal(r.content, 'ok');
    assert.equal(srv.requests.length, 4);
  } finally {
    await srv.close();
  }
});

test('does not retry 400 and never shows the key in the error', async () => {
  const key = 'sk-secretsecret999';
  const srv = await startOpenAITestServer({ chat: () => ({ status: 400, body: { error: { message: `bad request for key ${key}` } } }) });
  try {
    const m = new OpenAIChatModel({ model: 'm', baseURL: srv.url, apiKey: key, baseDelayMs: 1 });
    await assert.rejects(
      () => m.chat({ messages: [{ role: 'user', content: 'x' }] }),
      (err: Error) => /HTTP 400/.test(err.message) && !err.message.includes(key) && !err.message.includes('secretsecret'),
    );
    assert.equal(srv.requests.length, 1);
  } finally {
    await srv.close();
  }
});

test('times out a hanging endpoint and gives up after the retries', async () => {
  const srv = await startOpenAITestServer({ chat: () => ({ hang: true }) });
  try {
    const m = new OpenAIChatModel({ model: 'm', baseURL: srv.url, timeoutMs: 100, retries: 1, baseDelayMs: 1 });
    await assert.rejects(() => m.chat({ messages: [{ role: 'user', content: 'x' }] }), /timed out/);
    assert.equal(srv.requests.length, 2);
  } finally {
    await srv.close();
  }
});

test('reports refusals', async () => {
  const srv = await startOpenAITestServer({ chat: () => ({ content: '', refusal: 'I cannot help' }) });
  try {
    const r = await createChatModel(`openai:m@${srv.url}`).chat({ messages: [{ role: 'user', content: 'x' }] });
    assert.equal(r.refusal, 'I cannot help');
    assert.equal(r.content, '');
  } finally {
    await srv.close();
  }
});

test('factory specs, Retry-After parsing, redaction, pool bound', async () => {
  assert.equal(createChatModel('openai:gpt-4.1-mini').id, 'openai:gpt-4.1-mini');
  assert.equal(createChatModel('ollama:llama3').id, 'openai:llama3');
  assert.equal(createChatModel('gguf:/x/y/model.gguf').id, 'gguf:model.gguf');
  assert.throws(() => createChatModel('nope'));
  assert.throws(() => createChatModel('openai:m@ftp://x'));
  assert.equal(parseRetryAfter('2'), 2000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 5_000), 5000);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(redact('Incorrect API key provided: sk-abcdef1234', undefined), 'Incorrect API key provided: sk-***');
  let inFlight = 0;
  let peak = 0;
  const out = await mapPool([1, 2, 3, 4, 5, 6, 7], 3, async (x) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return x * 2;
  });
  assert.deepEqual(out, [2, 4, 6, 8, 10, 12, 14]);
  assert.equal(peak, 3);
});
