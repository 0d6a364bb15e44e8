import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embedCached, stableHash, textHash } from '../../src/embed/cache.ts';
import { OpenAIEmbedder } from '../../src/embed/openai.ts';
import { embedUsers } from '../../src/embed/stage.ts';
import { meanUserVectors, UserMeanAccumulator } from '../../src/embed/user-vectors.ts';
import { countCachedEmbeddings, getUserVectors } from '../../src/store/embeddings.ts';
import { Store } from '../../src/store/store.ts';
import { defaultVector, startOpenAITestServer } from '../helpers/openai-test-server.ts';
import { CountingEmbedder, post } from './helpers.ts';

test('stable hashes ignore key order', () => {
  assert.equal(stableHash({ a: 1, b: [1, { c: 2, d: 3 }] }), stableHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
  assert.notEqual(stableHash({ a: 1 }), stableHash({ a: 2 }));
});

test('the cache embeds each distinct text once; a re-run embeds only new texts', async () => {
  const store = await Store.open(':memory:');
  try {
    const e = new CountingEmbedder();
    const first = await embedCached(store, e, ['a', 'b', 'a', 'c']);
    assert.equal(first.embedded, 3);
    assert.equal(first.fromCache, 0);
    assert.deepEqual(e.calls.flat().sort(), ['a', 'b', 'c']);
    const second = await embedCached(store, e, ['b', 'c', 'd']);
    assert.equal(second.fromCache, 2);
    assert.equal(second.embedded, 1);
    assert.deepEqual(e.calls.at(-1), ['d']);
    assert.deepEqual(second.vectors.get(textHash('b')), first.vectors.get(textHash('b')));
    assert.equal(await countCachedEmbeddings(store, e.id), 4);
    // other settings → another cache key
    const other = new CountingEmbedder();
    other.settings.v = 2;
    assert.equal((await embedCached(store, other, ['a'])).embedded, 1);
    // a changed model behind the same id and settings: a clear dimension-mismatch error
    await assert.rejects(embedCached(store, new CountingEmbedder(6), ['a', 'zz']), /dimension mismatch for test:counting: got a 6-dimensional vector where earlier \(or cached\) ones have 4/);
    // NaN: an error, the good vectors of the chunk are still cached
    await assert.rejects(embedCached(store, new CountingEmbedder(4, 'bad'), ['bad', 'good']), /NaN or infinite values for 1 text/);
    assert.equal((await embedCached(store, new CountingEmbedder(), ['good'])).fromCache, 1);
  } finally {
    store.close();
  }
});

test('an endpoint failing mid-run: finished batches stay cached and a re-run continues', async () => {
  const texts = Array.from({ length: 12 }, (_, i) => `post ${i}`);
  let failFrom = 2;
  const server = await startOpenAITestServer({
    embeddings: (input, _b, n) => (n >= failFrom ? { status: 400, body: { error: { message: 'scripted' } } } : input.map((t) => defaultVector(t))),
  });
  const store = await Store.open(':memory:');
  try {
    const mk = () => new OpenAIEmbedder({ kind: 'openai', model: 'e5', baseURL: server.url, batchSize: 4, concurrency: 1, baseDelayMs: 1 });
    await assert.rejects(embedCached(store, mk(), texts), /embedding endpoint http:\/\/127\.0\.0\.1:\d+\/v1 \(model e5\) failed: HTTP 400: scripted \(8 of 12 texts are cached; run again to continue from there\)/);
    assert.equal(await countCachedEmbeddings(store), 8, 'two finished batches were kept');
    failFrom = Infinity;
    const before = server.requests.length;
    const res = await embedCached(store, mk(), texts);
    assert.equal(res.fromCache, 8);
    assert.equal(res.embedded, 4);
    assert.equal(server.requests.length - before, 1);
    assert.equal(server.requests.at(-1)!.body.input.length, 4);
  } finally {
    store.close();
    await server.close();
  }
});

test('user vectors: the mean of post and reply vectors, stored, reused; zero vectors kept', async () => {
  const store = await Store.open(':memory:');
  try {
    const activity = {
      posts: [post('did:plc:aa', 'xy', 1), post('did:plc:aa', 'zw', 2, 'reply'), post('did:plc:bb', '', 3), post('did:plc:bb', '', 4)],
      actions: [],
    };
    const e = new CountingEmbedder(2);
    e.embed = async (texts: string[]) => texts.map((t) => (t === '' ? new Float32Array(2) : Float32Array.from([t.charCodeAt(0), 1])));
    const res = await embedUsers(store, { embedder: e, activity });
    assert.equal(res.users.length, 2);
    assert.deepEqual(res.users.map((u) => u.did), ['did:plc:aa', 'did:plc:bb']);
    assert.deepEqual(Array.from(res.users[0].vec), [('x'.charCodeAt(0) + 'z'.charCodeAt(0)) / 2, 1]);
    assert.equal(res.stats.zeroUserVectors, 1);
    assert.equal(res.stats.zeroTextVectors, 1);
    const stored = await getUserVectors(store, res.embedKey);
    assert.deepEqual(stored.map((u) => [u.did, u.nTexts]), [['did:plc:aa', 2], ['did:plc:bb', 2]]);
    const again = await embedUsers(store, { embedder: e, activity });
    assert.equal(again.stats.reusedUserVectors, true);
    assert.equal(again.embedKey, res.embedKey);
    const more = await embedUsers(store, { embedder: e, activity: { posts: [...activity.posts, post('did:plc:aa', 'q', 5)], actions: [] } });
    assert.notEqual(more.embedKey, res.embedKey, 'another selection of texts → another key');
    assert.equal(more.stats.embedded, 1);
    await assert.rejects(embedUsers(store, { embedder: e, activity: { posts: [], actions: [] } }), /no kept user/);
  } finally {
    store.close();
  }
});

test('meanUserVectors rejects missing vectors and dimension mismatches', () => {
  const v = new Map([['h1', Float32Array.from([1, 2])], ['h2', Float32Array.from([1, 2, 3])]]);
  assert.throws(() => meanUserVectors([{ did: 'x', textHashes: ['h0'] }], v, 2), /no embedding/);
  assert.throws(() => meanUserVectors([{ did: 'x', textHashes: ['h2'] }], v, 2), /dimension mismatch/);
  assert.deepEqual(Array.from(meanUserVectors([{ did: 'x', textHashes: ['h1', 'h1'] }], v, 2)[0].vec), [1, 2]);
  const users = [{ did: 'x', textHashes: ['h1', 'h3', 'h1'] }, { did: 'y', textHashes: ['h3'] }];
  const vecs = new Map([['h1', Float32Array.from([1, 2])], ['h3', Float32Array.from([4, -1])]]);
  const acc = new UserMeanAccumulator(users);
  acc.add('h3', vecs.get('h3')!);
  assert.throws(() => acc.result(), /no embedding for 1 of the users' texts/);
  acc.add('h1', vecs.get('h1')!);
  assert.deepEqual(acc.result(), meanUserVectors(users, vecs, 2), 'streaming and in-memory means agree');
  assert.throws(() => acc.add('h1', Float32Array.from([1, 2, 3])), /dimension mismatch/);
});
