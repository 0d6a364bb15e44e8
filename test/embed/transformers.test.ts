// The transformers.js path with a RANDOM-weight BERT (fixtures/models/tiny-random-bert): vectors mean nothing,
// so these tests check the mechanics (pooling, prefix, truncation, normalisation, batching), not quality.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { TransformersEmbedder, truncate } from '../../src/embed/transformers.ts';

const MODEL = fileURLToPath(new URL('../../fixtures/models/tiny-random-bert', import.meta.url));
const close = (a: Float32Array, b: Float32Array, eps = 1e-4) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= eps);

test('truncate keeps the closing special token, like Python tokenizers', () => {
  assert.deepEqual(truncate([101, 1, 2, 3, 102], 4), [101, 1, 2, 102]);
  assert.deepEqual(truncate([101, 1, 102], 4), [101, 1, 102]);
});

test('blueprint mode: CLS pooling, no normalisation, matches the transformers.js pipeline, batch-invariant', async () => {
  const e = new TransformersEmbedder({ kind: 'transformers', model: MODEL, batchSize: 3 });
  assert.equal(e.id, 'transformers:tiny-random-bert');
  assert.deepEqual(e.settings, { mode: 'blueprint', pooling: 'cls', prefix: '', maxLength: 128, normalize: false, dtype: 'fp32' });
  const texts = ['hello world', 'a much longer sentence about the weather in paris today', '', 'short', '   ', 'another one'];
  const vecs = await e.embed(texts);
  assert.equal(e.dim, 32);
  assert.equal(vecs.length, texts.length);
  assert.ok(vecs[2].every((x) => x === 0) && vecs[4].every((x) => x === 0), 'empty/whitespace → zero vector');
  assert.ok(vecs[0].length === 32 && vecs[0].some((x) => x !== 0));
  assert.ok(Math.abs(Math.hypot(...vecs[0]) - 1) > 1e-3, 'not normalised');
  // One text at a time (as the reference) gives the same vectors as padded batches.
  for (const i of [0, 1, 5]) assert.ok(close((await e.embed([texts[i]]))[0], vecs[i]), `text ${i}`);
  // Cross-check against the library's own pipeline with CLS pooling (short texts: no truncation involved).
  const { pipeline, env } = await import('@huggingface/transformers');
  assert.equal(env.allowRemoteModels, false);
  const ext = await pipeline('feature-extraction', 'tiny-random-bert', { dtype: 'fp32' });
  const ref = (await ext(['hello world'], { pooling: 'cls' })) as unknown as { data: Float32Array };
  assert.ok(close(Float32Array.from(ref.data), vecs[0]));
  await e.close();
});

test('truncation to maxLength tokens: text beyond the limit does not change the vector', async () => {
  const e = new TransformersEmbedder({ kind: 'transformers', model: MODEL, maxLength: 8 });
  const base = 'one two three four five six seven eight nine ten';
  const [a, b, c] = await e.embed([base, `${base} eleven twelve`, 'one two three']);
  assert.ok(close(a, b), 'same first 7 tokens + [SEP]');
  assert.ok(!close(a, c));
  await e.close();
});

test('model-card mode: mean pooling, passage/query prefix, L2 normalised', async () => {
  const passage = new TransformersEmbedder({ kind: 'transformers', model: MODEL, mode: 'model-card' });
  const query = new TransformersEmbedder({ kind: 'transformers', model: MODEL, mode: 'model-card', prefix: 'query' });
  const cls = new TransformersEmbedder({ kind: 'transformers', model: MODEL });
  assert.equal(passage.settings.prefix, 'passage: ');
  assert.equal(passage.settings.maxLength, 512);
  const [p] = await passage.embed(['the cat sat on the mat']);
  const [q] = await query.embed(['the cat sat on the mat']);
  const [c] = await cls.embed(['the cat sat on the mat']);
  assert.ok(Math.abs(Math.hypot(...p) - 1) < 1e-5);
  assert.ok(!close(p, q), 'the prefix changes the vector');
  assert.ok(!close(p, c));
  for (const e of [passage, query, cls]) await e.close();
});

test('a folder without a model gives a clear error', async () => {
  const e = new TransformersEmbedder({ kind: 'transformers', model: fileURLToPath(new URL('../../fixtures', import.meta.url)) });
  await assert.rejects(e.embed(['x']), /has no config\.json/);
});
