// The OpenAI-compatible embeddings client against a real HTTP server on 127.0.0.1 with scripted faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAIEmbeddingModel } from '../../src/llm/openai-embeddings.ts';
import { parseEmbedderSpec, describeSpec, createEmbedder } from '../../src/embed/spec.ts';
import { defaultVector, startOpenAITestServer } from '../helpers/openai-test-server.ts';

const texts = Array.from({ length: 10 }, (_, i) => `text number ${i}`);
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

test('batches, bounded concurrency, order kept, bearer key sent', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const server = await startOpenAITestServer({
    apiKey: 'sk-secret-123456',
    embeddings: (input) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => inFlight--, 0);
      return input.map((t) => defaultVector(t));
    },
  });
  try {
    const m = new OpenAIEmbeddingModel({ model: 'e5', baseURL: server.url, apiKey: 'sk-secret-123456', batchSize: 3, concurrency: 2, ...fast });
    const seen: number[] = [];
    const out = await m.embed(texts, undefined, (start) => seen.push(start));
    assert.equal(server.requests.length, 4);
    assert.deepEqual(server.requests.map((r) => r.body.input.length).sort(), [1, 3, 3, 3]);
    assert.equal(server.requests[0].body.model, 'e5');
    assert.deepEqual(seen.sort((a, b) => a - b), [0, 3, 6, 9]);
    texts.forEach((t, i) => assert.deepEqual(Array.from(out[i]), Array.from(Float32Array.from(defaultVector(t)))));
    assert.equal(m.dim, 8);
  } finally {
    await server.close();
  }
});

test('retries 500, 429 with Retry-After, dropped connections and timeouts, then succeeds', async () => {
  const script: Array<unknown> = [{ status: 500 }, { status: 429, headers: { 'retry-after': '0' } }, { destroy: true }, { hang: true }];
  const server = await startOpenAITestServer({
    embeddings: (input, _b, n) => (n < script.length ? (script[n] as never) : input.map((t) => defaultVector(t))),
  });
  try {
    const m = new OpenAIEmbeddingModel({ model: 'e5', baseURL: server.url, batchSize: 100, timeoutMs: 300, retries: 5, ...fast });
    const out = await m.embed(texts.slice(0, 2));
    assert.equal(out.length, 2);
    assert.equal(server.requests.length, 5);
  } finally {
    await server.close();
  }
});

test('out-of-order `index` fields are honoured; base64 vectors decoded', async () => {
  // a server answering in reverse order, the first vector base64-encoded (OpenAI encoding_format=base64)
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const input: string[] = JSON.parse(body).input;
      const data = input
        .map((t, index) => ({ index, embedding: index === 0 ? Buffer.from(Float32Array.from(defaultVector(t)).buffer).toString('base64') : defaultVector(t) }))
        .reverse();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const port = (srv.address() as AddressInfo).port;
    const m = new OpenAIEmbeddingModel({ model: 'x', baseURL: `http://127.0.0.1:${port}/v1` });
    const out = await m.embed(['a', 'bb', 'ccc']);
    ['a', 'bb', 'ccc'].forEach((t, i) => assert.deepEqual(Array.from(out[i]), Array.from(Float32Array.from(defaultVector(t)))));
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
});

test('persistent failures: a clear error naming the endpoint, never the key; 4xx not retried', async () => {
  const server = await startOpenAITestServer({
    embeddings: () => ({ status: 503, body: { error: { message: 'overloaded, key sk-secret-123456 rejected' } } }),
  });
  try {
    const m = new OpenAIEmbeddingModel({ model: 'e5', baseURL: server.url.replace('http://', 'http://user:pw@'), apiKey: 'sk-secret-123456', retries: 2, ...fast });
    await assert.rejects(m.embed(['a']), (err: Error) => {
      assert.match(err.message, /embedding endpoint http:\/\/127\.0\.0\.1:\d+\/v1 \(model e5\) failed after 3 attempts: HTTP 503/);
      assert.doesNotMatch(err.message, /sk-secret-123456|user:pw/);
      return true;
    });
    assert.equal(server.requests.length, 3);
  } finally {
    await server.close();
  }
  const bad = await startOpenAITestServer({ embeddings: () => ({ status: 400, body: { error: { message: 'input too long' } } }) });
  try {
    const m = new OpenAIEmbeddingModel({ model: 'e5', baseURL: bad.url, ...fast });
    await assert.rejects(m.embed(['a']), /failed: HTTP 400: input too long/);
    assert.equal(bad.requests.length, 1);
  } finally {
    await bad.close();
  }
});

test('bad answers: dimension mismatch, NaN, wrong count', async () => {
  const server = await startOpenAITestServer({
    embeddings: (input, body) => {
      if (body.model === 'mismatch') return input.map((t) => defaultVector(t, t === 'b' ? 4 : 8));
      if (body.model === 'nan') return input.map(() => [1, Number.NaN]);
      return [[1, 2]];
    },
  });
  try {
    const mk = (model: string) => new OpenAIEmbeddingModel({ model, baseURL: server.url, ...fast });
    await assert.rejects(mk('mismatch').embed(['a', 'b']), /dimension mismatch: embedding 1 has 4 dimensions, earlier ones 8/);
    // JSON has no NaN: the server sends null, which is not a number
    await assert.rejects(mk('nan').embed(['a']), /not a list of numbers|NaN/);
    await assert.rejects(mk('count').embed(['a', 'b']), /expected 2 embeddings, got 1/);
  } finally {
    await server.close();
  }
});

test('embedder specs parse, and secrets stay out of the description', () => {
  assert.deepEqual(parseEmbedderSpec('lsa'), { kind: 'lsa' });
  assert.deepEqual(parseEmbedderSpec('lsa:dim=64,sublinearTf=false'), { kind: 'lsa', dim: 64, sublinearTf: false });
  assert.deepEqual(parseEmbedderSpec('transformers:./m/e5,mode=model-card,maxLength=256'), { kind: 'transformers', model: './m/e5', mode: 'model-card', maxLength: 256 });
  assert.deepEqual(parseEmbedderSpec('openai:intfloat/multilingual-e5-large@http://10.0.0.2:8080/v1,batchSize=32,prefix=passage: '), {
    kind: 'openai', model: 'intfloat/multilingual-e5-large', baseURL: 'http://10.0.0.2:8080/v1', batchSize: 32, prefix: 'passage: ',
  });
  assert.throws(() => parseEmbedderSpec('word2vec'), /unknown embedder/);
  assert.throws(() => parseEmbedderSpec('lsa:dims=3'), /unknown option "dims=3"/);
  assert.throws(() => parseEmbedderSpec('transformers:'), /a model is required/);
  assert.throws(() => parseEmbedderSpec('transformers:x,mode=fast'), /mode must be/);
  const d = describeSpec({ kind: 'openai', model: 'm', baseURL: 'https://u:p@host/v1?key=1', apiKey: 'sk-1' });
  assert.deepEqual(d, { kind: 'openai', model: 'm', baseURL: 'https://host/v1' });
  assert.deepEqual(describeSpec({ kind: 'transformers', model: './fixtures/models/tiny-random-bert', mode: 'blueprint' }), { kind: 'transformers', model: 'tiny-random-bert', mode: 'blueprint' });
  assert.deepEqual(describeSpec({ kind: 'transformers', model: 'intfloat/multilingual-e5-large' }), { kind: 'transformers', model: 'intfloat/multilingual-e5-large' });
  const e = createEmbedder('openai:text-embedding-3-small@http://127.0.0.1:1/v1,dimensions=256');
  assert.equal(e.id, 'openai:text-embedding-3-small');
  assert.deepEqual(e.settings, { prefix: '', dimensions: 256 });
});

test('blank texts (empty, whitespace: image-only posts) get zero vectors and are never sent, prefix or not', async () => {
  const server = await startOpenAITestServer();
  try {
    const all = ['alpha', '', '   ', 'beta', '\n\t', 'gamma'];
    const e = createEmbedder(`openai:e5@${server.url},batchSize=2,concurrency=2,prefix=passage: ,baseDelayMs=1`);
    const seen = new Map<number, Float32Array>();
    const out = await e.embed(all, undefined, (start, vecs) => vecs.forEach((v, j) => {
      assert.ok(!seen.has(start + j), `position ${start + j} reported twice`);
      seen.set(start + j, v);
    }));
    const sent = server.requests.flatMap((r) => r.body.input as string[]);
    assert.deepEqual(sent.sort(), ['passage: alpha', 'passage: beta', 'passage: gamma']);
    assert.ok(sent.every((t) => t.trim() !== '' && t.trim() !== 'passage:'));
    for (const i of [1, 2, 4]) assert.deepEqual(Array.from(out[i]), new Array(8).fill(0), `text ${i}`);
    assert.deepEqual(Array.from(out[3]), Array.from(Float32Array.from(defaultVector('passage: beta'))));
    assert.deepEqual([...seen.keys()].sort(), [0, 1, 2, 3, 4, 5], 'every position reported to the cache once');
    // only blanks: a fresh client learns the dimension from one probe text; a known `dimensions` needs no request
    const before = server.requests.length;
    const fresh = new OpenAIEmbeddingModel({ model: 'e5', baseURL: server.url, ...fast });
    const blanks = await fresh.embed(['', ' ']);
    assert.deepEqual(server.requests.slice(before).map((r) => r.body.input), [['.']]);
    assert.deepEqual(blanks.map((v) => v.length), [8, 8]);
    assert.ok(blanks.every((v) => v.every((x) => x === 0)));
    const sized = new OpenAIEmbeddingModel({ model: 'e5', baseURL: server.url, dimensions: 8, ...fast });
    assert.equal((await sized.embed([''])).length, 1);
    assert.equal(server.requests.length, before + 1);
    assert.ok(server.requests.every((r) => (r.body.input as string[]).every((t) => t.trim() !== '')), 'no blank input ever sent');
  } finally {
    await server.close();
  }
});

test('a 429 with Retry-After pauses every worker, beyond the backoff cap; a longer wait than allowed is a clear error', async () => {
  // The first request is refused at once with Retry-After: 1; the others are answered after 100 ms, so the client
  // has the 429 before any worker is free to send again.
  const arrivals: number[] = [];
  let refusedAt = 0;
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const n = arrivals.push(Date.now()) - 1;
      if (n === 0) {
        refusedAt = Date.now();
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end('{"error":{"message":"slow down"}}');
        return;
      }
      const input: string[] = JSON.parse(body).input;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: input.map((t, index) => ({ index, embedding: defaultVector(t) })) }));
      }, 100);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const notices: string[] = [];
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1`;
    // maxDelayMs 5: the old per-request retry capped Retry-After at 4 × 5 ms and paused no other worker
    const m = new OpenAIEmbeddingModel({ model: 'e5', baseURL: url, batchSize: 1, concurrency: 4, ...fast, onNotice: (s) => notices.push(s) });
    const texts12 = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const out = await m.embed(texts12);
    texts12.forEach((t, i) => assert.deepEqual(Array.from(out[i]), Array.from(Float32Array.from(defaultVector(t)))));
    assert.equal(arrivals.length, 13);
    // the first four requests left together; every later one waited for the shared pause
    const later = arrivals.slice(4);
    assert.ok(later.every((t) => t - refusedAt >= 950), `requests ${later.map((t) => t - refusedAt).join(',')} ms after the 429`);
    assert.deepEqual(notices, [], 'a 1 s pause is not worth a notice');
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
  const slow = await startOpenAITestServer({ embeddings: () => ({ status: 429, headers: { 'retry-after': '300' } }) });
  try {
    const m = new OpenAIEmbeddingModel({ model: 'e5', baseURL: slow.url, maxRetryAfterMs: 60_000, ...fast });
    const t0 = Date.now();
    await assert.rejects(m.embed(['a']), /HTTP 429.*asked to wait 300 s \(Retry-After\), longer than maxRetryAfterMs allows \(60 s\)/);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(slow.requests.length, 1);
  } finally {
    await slow.close();
  }
  const spec = parseEmbedderSpec('openai:e5@http://127.0.0.1:1/v1,maxRetryAfterMs=600000');
  assert.equal((spec as { maxRetryAfterMs?: number }).maxRetryAfterMs, 600_000);
});

test('batches refused as too large (413, 422) are split in halves; later batches stay small; one long text is a clear error', async () => {
  const server = await startOpenAITestServer({
    embeddings: (input) => {
      if (input.length > 3) return { status: 413, body: { error: `batch size ${input.length} > maximum allowed batch size 3` } };
      if (input.some((t) => t.startsWith('LONG'))) return { status: 422, body: { error: 'Input validation error: `inputs` must have less than 512 tokens. Given: 900' } };
      return input.map((t) => defaultVector(t));
    },
  });
  try {
    const notices: string[] = [];
    const texts20 = Array.from({ length: 20 }, (_, i) => `text ${i}`);
    const m = new OpenAIEmbeddingModel({ model: 'e5', baseURL: server.url, batchSize: 8, concurrency: 2, ...fast, onNotice: (s) => notices.push(s) });
    const out = await m.embed(texts20);
    texts20.forEach((t, i) => assert.deepEqual(Array.from(out[i]), Array.from(Float32Array.from(defaultVector(t)))));
    const refused = server.requests.filter((r) => r.body.input.length > 3).length;
    assert.ok(refused <= 4, `${refused} refused requests`);
    assert.ok(notices.some((s) => /refused a batch of 8 as too large; batches of at most 4/.test(s)), notices.join('\n'));
    // a second call starts at the learned size: nothing refused
    const n0 = server.requests.length;
    await m.embed(texts20.map((t) => `${t}!`));
    assert.ok(server.requests.slice(n0).every((r) => r.body.input.length <= 3));
    const finished: number[] = [];
    const withLong = ['a', 'b', 'LONG text', 'c', 'd', 'e'];
    await assert.rejects(
      new OpenAIEmbeddingModel({ model: 'e5', baseURL: server.url, batchSize: 3, concurrency: 1, ...fast }).embed(withLong, undefined, (s, v) => v.forEach((_, j) => finished.push(s + j))),
      /HTTP 422: Input validation error.*a single text is too long for the endpoint: set maxTokens/,
    );
    assert.deepEqual(finished.sort(), [0, 1], 'the texts before the long one were embedded and reported');
  } finally {
    await server.close();
  }
});

test('maxTokens: vLLM truncate_prompt_tokens, or a client-side cut with the served tokenizer; truncate=true for TEI', async () => {
  const server = await startOpenAITestServer();
  const MODEL = new URL('../../fixtures/models/tiny-random-bert', import.meta.url).pathname;
  try {
    const long = 'one two three four five six seven eight nine ten eleven twelve';
    const vllm = createEmbedder(`openai:e5@${server.url},maxTokens=16`);
    await vllm.embed(['hello']);
    assert.equal(server.requests.at(-1)!.body.truncate_prompt_tokens, 16);
    assert.equal(server.requests.at(-1)!.body.truncate, undefined);
    const tei = createEmbedder(`openai:e5@${server.url},truncate=true`);
    await tei.embed(['hello']);
    assert.equal(server.requests.at(-1)!.body.truncate, true);
    assert.equal(server.requests.at(-1)!.body.truncate_prompt_tokens, undefined);
    const client = createEmbedder(`openai:e5@${server.url},maxTokens=8,tokenizer=${MODEL}`);
    await client.embed([long, 'short text', '']);
    const body = server.requests.at(-1)!.body;
    assert.equal(body.truncate_prompt_tokens, undefined);
    // 8 tokens with [CLS] and [SEP]: the first 6 words (one token each in this vocabulary)
    assert.deepEqual(body.input, ['one two three four five six', 'short text']);
    const plain = createEmbedder(`openai:e5@${server.url}`);
    assert.deepEqual(plain.settings, { prefix: '', dimensions: null }, 'the key of vectors cached before these options is unchanged');
    assert.deepEqual(vllm.settings, { prefix: '', dimensions: null, maxTokens: 16, truncation: 'server:truncate_prompt_tokens' });
    assert.match(String(client.settings.truncation), /^client:[0-9a-f]{16}$/);
    assert.deepEqual(tei.settings, { prefix: '', dimensions: null, truncate: true });
    assert.deepEqual(describeSpec(parseEmbedderSpec(`openai:e5@${server.url},maxTokens=8,tokenizer=${MODEL}`)).tokenizer, 'tiny-random-bert');
    assert.throws(() => parseEmbedderSpec('openai:e5@http://x/v1,tokenizer=./m'), /tokenizer= needs maxTokens=/);
    assert.throws(() => parseEmbedderSpec('openai:e5@http://x/v1,maxTokens=0'), /maxTokens must be a positive integer/);
  } finally {
    await server.close();
  }
});
