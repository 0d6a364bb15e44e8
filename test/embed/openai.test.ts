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
