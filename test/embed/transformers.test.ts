// The transformers.js path with a RANDOM-weight BERT (fixtures/models/tiny-random-bert): vectors mean nothing,
// so these tests check the mechanics (pooling, prefix, truncation, normalisation, batching), not quality.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedCached } from '../../src/embed/cache.ts';
import { TransformersEmbedder, truncate } from '../../src/embed/transformers.ts';
import { Store } from '../../src/store/store.ts';

const MODEL = fileURLToPath(new URL('../../fixtures/models/tiny-random-bert', import.meta.url));
const close = (a: Float32Array, b: Float32Array, eps = 1e-4) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= eps);

test('truncate keeps the closing special token, like Python tokenizers', () => {
  assert.deepEqual(truncate([101, 1, 2, 3, 102], 4), [101, 1, 2, 102]);
  assert.deepEqual(truncate([101, 1, 102], 4), [101, 1, 102]);
});

test('blueprint mode: CLS pooling, no normalisation, matches the transformers.js pipeline, batch-invariant', async () => {
  const e = new TransformersEmbedder({ kind: 'transformers', model: MODEL, batchSize: 3 });
  assert.equal(e.id, 'transformers:tiny-random-bert');
  const { fingerprint, ...rest } = e.settings;
  assert.deepEqual(rest, { mode: 'blueprint', pooling: 'cls', prefix: '', maxLength: 128, normalize: false, dtype: 'fp32' });
  assert.match(String(fingerprint), /^[0-9a-f]{16}$/);
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

test('blueprint-eval mode (the reference evaluation embedder): mean pooling, 512 tokens, no prefix, not normalised, "" embedded', async () => {
  const e = new TransformersEmbedder({ kind: 'transformers', model: MODEL, mode: 'blueprint-eval', batchSize: 2 });
  const { fingerprint: _f, ...settings } = e.settings;
  assert.deepEqual(settings, { mode: 'blueprint-eval', pooling: 'mean', prefix: '', maxLength: 512, normalize: false, dtype: 'fp32' });
  const texts = ['hello world', 'the cat sat on the mat', '', 'another one here'];
  const vecs = await e.embed(texts);
  assert.ok(Math.abs(Math.hypot(...vecs[0]) - 1) > 1e-3, 'not normalised');
  assert.ok(vecs[2].some((x) => x !== 0), 'the reference embeds "" as [CLS] [SEP], not as a zero vector');
  for (const i of [0, 1, 2, 3]) assert.ok(close((await e.embed([texts[i]]))[0], vecs[i]), `batch-invariant, text ${i}`);
  // the library's own mean pooling (attention-mask mean, no normalisation) on the unprefixed text
  const { pipeline } = await import('@huggingface/transformers');
  const ext = await pipeline('feature-extraction', 'tiny-random-bert', { dtype: 'fp32' });
  for (const i of [0, 1, 2]) {
    const ref = (await ext([texts[i]], { pooling: 'mean', normalize: false })) as unknown as { data: Float32Array };
    assert.ok(close(Float32Array.from(ref.data), vecs[i]), `mean pooling, text ${i}`);
  }
  // model-card is the same pooling plus a prefix and L2 normalisation: a different vector
  const card = new TransformersEmbedder({ kind: 'transformers', model: MODEL, mode: 'model-card' });
  assert.ok(!close((await card.embed([texts[0]]))[0], vecs[0]));
  for (const x of [e, card]) await x.close();
});

test('a folder without a model gives a clear error', async () => {
  const e = new TransformersEmbedder({ kind: 'transformers', model: fileURLToPath(new URL('../../fixtures', import.meta.url)) });
  await assert.rejects(e.embed(['x']), /has no config\.json/);
});

test('the cache key carries a content fingerprint: same-named folders with other weights never share vectors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-fingerprint-'));
  const store = await Store.open(':memory:');
  try {
    const a = join(dir, 'a', 'tiny-random-bert');
    const copy = join(dir, 'copy', 'tiny-random-bert');
    const b = join(dir, 'b', 'tiny-random-bert');
    for (const p of [a, copy, b]) cpSync(MODEL, p, { recursive: true });
    // b: the same model with other weights in place (the last layer's output bias changed), same file size
    const onnx = join(b, 'onnx', 'model.onnx');
    const bytes = readFileSync(onnx);
    const name = bytes.lastIndexOf('l1_f2_b');
    const tag = bytes.indexOf(Buffer.from([0x4a, 0x80, 0x01]), name); // raw_data, 128 bytes
    assert.ok(name > 0 && tag > name);
    for (let o = tag + 3, j = 0; o < tag + 3 + 128; o += 4, j++) bytes.writeFloatLE(((j % 5) - 2) * 0.5, o);
    writeFileSync(onnx, bytes);

    const spec = (model: string) => new TransformersEmbedder({ kind: 'transformers', model });
    const [ea, ecopy, eb] = [spec(a), spec(copy), spec(b)];
    assert.equal(ea.id, eb.id, 'the id names the folder only');
    assert.deepEqual(ecopy.settings, ea.settings, 'a byte-identical copy keeps the cache');
    assert.notEqual(eb.settings.fingerprint, ea.settings.fingerprint);

    const texts = ['hello world', 'the weather today'];
    const first = await embedCached(store, ea, texts);
    assert.equal(first.embedded, 2);
    assert.equal((await embedCached(store, ecopy, texts)).fromCache, 2);
    const other = await embedCached(store, eb, texts);
    assert.equal(other.fromCache, 0, 'other weights: nothing reused');
    assert.equal(other.embedded, 2);
    const va = first.vectors.values().next().value!;
    const vb = other.vectors.values().next().value!;
    assert.ok(!close(va, vb), 'the changed weights change the vectors');
    for (const e of [ea, ecopy, eb]) await e.close();
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
