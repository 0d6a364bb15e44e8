import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamShapeError, type JetstreamEvent } from '../../src/bluesky/jetstream-event.ts';
import { loadActivity } from '../../src/store/activity.ts';
import { EventStager, appendEvents, countEvents, getCursor, type IngestRecord } from '../../src/store/events.ts';
import { Store, num } from '../../src/store/store.ts';

const A = 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb';
const POST = 'app.bsky.feed.post';

function commit(did: string, timeUs: number, operation: 'create' | 'update' | 'delete', collection: string, rkey: string, record?: Record<string, unknown>, rev = `rev${timeUs}`): IngestRecord {
  const event = { did, time_us: timeUs, kind: 'commit', commit: { rev, operation, collection, rkey, ...(record ? { record, cid: 'bafy' } : {}) } } as JetstreamEvent;
  return { event, raw: JSON.stringify(event), source: 'test' };
}

const uri = (did: string, rkey: string) => `at://${did}/${POST}/${rkey}`;

/** A small scripted history: posts, a reply, quotes (plain and recordWithMedia), likes/follows/blocks and their undos. */
function history(): IngestRecord[] {
  return [
    commit(A, 100, 'create', POST, 'p1', { text: 'first', langs: ['en'] }),
    commit(B, 110, 'create', POST, 'p2', { text: 'reply', langs: ['en'], reply: { parent: { uri: uri(A, 'p1') }, root: { uri: uri(A, 'p1') } } }),
    commit(B, 120, 'create', 'app.bsky.feed.like', 'l1', { subject: { uri: uri(A, 'p1'), cid: 'c' } }),
    commit(B, 130, 'create', 'app.bsky.graph.follow', 'f1', { subject: A }),
    commit(B, 140, 'delete', 'app.bsky.feed.like', 'l1'),
    commit(B, 150, 'delete', 'app.bsky.graph.follow', 'f1'),
    commit(B, 160, 'delete', 'app.bsky.graph.block', 'never-seen'),
    commit(A, 170, 'create', POST, 'q1', { text: 'plain quote', embed: { $type: 'app.bsky.embed.record', record: { uri: uri(B, 'p2'), cid: 'c' } } }),
    commit(A, 180, 'create', POST, 'q2', {
      text: 'media quote', langs: ['en'],
      embed: { $type: 'app.bsky.embed.recordWithMedia', media: {}, record: { record: { uri: uri(B, 'p2'), cid: 'c' } } },
    }),
    commit(A, 190, 'update', POST, 'p1', { text: 'first (edited)', langs: ['en'] }),
    commit(A, 200, 'delete', POST, 'p1'),
    commit(A, 200, 'create', 'app.bsky.graph.block', 'b1', { subject: B }),
    commit(A, 210, 'create', 'fm.teal.alpha.feed.play', 'x1', { track: 'song' }),
  ];
}

test('appendEvents stores a batch once, counts duplicates, and keeps the cursor with the data', async () => {
  const s = await Store.open(':memory:');
  try {
    const batch = history();
    assert.deepEqual(await appendEvents(s, batch, { cursor: { name: 'live', timeUs: 210 } }), { inserted: 13, duplicates: 0, rejected: 0 });
    assert.equal(await getCursor(s, 'live'), 210);
    assert.equal(await getCursor(s, 'other'), null);
    const again = await appendEvents(s, [...batch.slice(0, 3), commit(A, 300, 'create', POST, 'p9', { text: 'new' })], { cursor: { name: 'live', timeUs: 300 } });
    assert.deepEqual(again, { inserted: 1, duplicates: 3, rejected: 0 });
    assert.equal(await getCursor(s, 'live'), 300);
    assert.equal(await countEvents(s), 14);
    // same record key but a new rev is a different event; identity events are keyed by (did, kind, seq)
    const id = (seq: number): IngestRecord => {
      const event = { did: A, time_us: 400 + seq, kind: 'identity', identity: { did: A, handle: 'a.test', seq, time: 't' } } as JetstreamEvent;
      return { event, raw: JSON.stringify(event), source: 'test' };
    };
    const r = await appendEvents(s, [commit(A, 300, 'create', POST, 'p9', { text: 'new' }, 'rev-other'), id(1), id(1), id(2)]);
    assert.deepEqual(r, { inserted: 3, duplicates: 1, rejected: 0 });
    assert.equal(num((await s.all('SELECT count(*) n FROM identity_events'))[0].n), 2);
    // an empty batch still moves the cursor
    await appendEvents(s, [], { cursor: { name: 'live', timeUs: 500 } });
    assert.equal(await getCursor(s, 'live'), 500);
  } finally {
    s.close();
  }
});

test('a batch that fails leaves neither events nor the cursor behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-events-'));
  const path = join(dir, 's.duckdb');
  try {
    let s = await Store.open(path);
    await appendEvents(s, history().slice(0, 2), { cursor: { name: 'live', timeUs: 110 } });
    // the cursor name violates NOT NULL only after the events were inserted: the whole batch must roll back
    await assert.rejects(appendEvents(s, history().slice(2), { cursor: { name: null as unknown as string, timeUs: 999 } }));
    assert.equal(await countEvents(s), 2);
    assert.equal(num((await s.all('SELECT count(*) n FROM likes'))[0].n), 0);
    s.close();
    s = await Store.open(path);
    assert.equal(await countEvents(s), 2);
    assert.equal(await getCursor(s, 'live'), 110);
    assert.deepEqual(await appendEvents(s, history().slice(2)), { inserted: 11, duplicates: 0, rejected: 0 });
    s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('events that are not Jetstream events or hold control characters in key fields are rejected, not stored', async () => {
  const s = await Store.open(':memory:');
  try {
    const bad = commit(A, 1, 'create', POST, 'bad\u0001key', { text: 'x' });
    const notJetstream = { event: { did: A, time_us: 3, kind: 'commit' } as unknown as JetstreamEvent, raw: '{}', source: 'test' };
    // identity/account events are keyed by seq: without one, two different events would look like one
    const noSeq = (handle: string) => {
      const event = { did: A, time_us: 5, kind: 'identity', identity: { did: A, handle, time: 't' } } as unknown as JetstreamEvent;
      return { event, raw: JSON.stringify(event), source: 'test' };
    };
    assert.equal(jetstreamShapeError(noSeq('a.test').event), 'identity event without a numeric "identity.seq"');
    assert.equal(jetstreamShapeError({ did: A, time_us: 1, kind: { x: A } }), 'missing or unknown event "kind"');
    const r = await appendEvents(s, [bad, notJetstream, noSeq('a.test'), noSeq('b.test'), commit(A, 2, 'create', POST, 'ok', { text: 'tab\there, "quoted", \u0001 and\nnewline' })]);
    assert.deepEqual(r, { inserted: 1, duplicates: 0, rejected: 4 });
    const [p] = await s.all('SELECT text FROM posts');
    assert.equal(p.text, 'tab\there, "quoted",   and\nnewline');
  } finally {
    s.close();
  }
});

test('loadActivity: posts and resolved actions, ordered by (time, seq)', async () => {
  const s = await Store.open(':memory:');
  try {
    await appendEvents(s, history());
    const a = await loadActivity(s);
    assert.deepEqual(a.posts.map((p) => [p.rkey, p.kind]), [['p1', 'post'], ['p2', 'reply']]);
    assert.equal(a.posts[1].replyParent, uri(A, 'p1'));
    assert.equal(a.posts[1].replyRoot, uri(A, 'p1'));
    assert.deepEqual(a.posts[0].langs, ['en']);
    const by = (key: string) => a.actions.filter((x) => x.key === key);
    assert.equal(by('like')[0].subjectUri, uri(A, 'p1'));
    assert.equal(by('follow')[0].subjectDid, A);
    assert.equal(by('unlike')[0].subjectUri, uri(A, 'p1'));
    assert.equal(by('unfollow')[0].subjectDid, A);
    assert.equal(by('unblock')[0].unresolved, 'original block not seen');
    assert.equal(by('unblock')[0].subjectDid, undefined);
    assert.deepEqual(by('quote').map((q) => [q.rkey, q.subjectUri, q.text]), [['q1', uri(B, 'p2'), 'plain quote'], ['q2', uri(B, 'p2'), 'media quote']]);
    assert.deepEqual(by('quote')[0].langs, []);
    const upd = by('post_update')[0];
    assert.equal(upd.subjectUri, uri(A, 'p1'));
    assert.equal(upd.text, 'first (edited)');
    assert.equal(upd.unresolved, undefined);
    assert.equal(by('post_delete')[0].subjectUri, uri(A, 'p1'));
    assert.equal(by('block')[0].subjectDid, B);
    assert.equal(a.actions.some((x) => (x.key as string) === 'unknown'), false);
    // ties on time_us (post_delete and block at 200) are broken by ingest order
    const times = a.actions.map((x) => [x.timeUs, x.seq]);
    assert.deepEqual(times, [...times].sort((p, q) => p[0] - q[0] || p[1] - q[1]));
    assert.deepEqual(a.actions.filter((x) => x.timeUs === 200).map((x) => x.key), ['post_delete', 'block']);

    // the reference's quote test (embed.record truthy) passes recordWithMedia, but its URI lookup
    // (embed.record.uri) fails: in compat mode q2 is a quote whose target is never found
    const compat = await loadActivity(s, { compatBlueprint: true });
    const compatQuotes = compat.actions.filter((x) => x.key === 'quote');
    assert.deepEqual(compatQuotes.map((q) => [q.rkey, q.subjectUri, q.unresolved]), [
      ['q1', uri(B, 'p2'), undefined],
      ['q2', undefined, 'quoted post not at embed.record.uri (reference lookup)'],
    ]);
    assert.deepEqual(compat.posts.map((p) => p.rkey), ['p1', 'p2']);
    // langs: an empty list and no list at all are different facts
    const langs = await s.all("SELECT rkey, langs FROM posts WHERE rkey IN ('q1', 'q2') ORDER BY rkey");
    assert.deepEqual(langs.map((r) => [r.rkey, r.langs]), [['q1', null], ['q2', ['en']]]);
  } finally {
    s.close();
  }
});

test('loadActivity resolves an undo whose create arrives in a later batch, and flags edits of unseen posts', async () => {
  const s = await Store.open(':memory:');
  try {
    await appendEvents(s, [commit(B, 50, 'delete', 'app.bsky.feed.repost', 'r1'), commit(A, 60, 'update', POST, 'zz', { text: 'edit' })]);
    let a = await loadActivity(s);
    assert.equal(a.actions[0].unresolved, 'original repost not seen');
    assert.equal(a.actions[1].unresolved, 'original post not seen');
    await appendEvents(s, [commit(B, 40, 'create', 'app.bsky.feed.repost', 'r1', { subject: { uri: uri(A, 'p1') } })]);
    a = await loadActivity(s);
    assert.deepEqual(a.actions.map((x) => [x.key, x.subjectUri, x.unresolved]), [
      ['repost', uri(A, 'p1'), undefined],
      ['unrepost', uri(A, 'p1'), undefined],
      ['post_update', uri(A, 'zz'), 'original post not seen'],
    ]);
  } finally {
    s.close();
  }
});

test('the store resolves deletes and post updates to the records they change', async () => {
  const s = await Store.open(':memory:');
  try {
    await appendEvents(s, history());
    const d = await s.all('SELECT collection, rkey, original_seq IS NOT NULL AS seen, subject_uri, subject_did FROM resolved_deletes ORDER BY seq');
    assert.deepEqual(d.map((r) => [r.collection, r.rkey, r.seen, r.subject_uri ?? r.subject_did ?? null]), [
      ['app.bsky.feed.like', 'l1', true, uri(A, 'p1')],
      ['app.bsky.graph.follow', 'f1', true, A],
      ['app.bsky.graph.block', 'never-seen', false, null],
      [POST, 'p1', true, uri(A, 'p1')],
    ]);
    const u = await s.all('SELECT text, original_text FROM resolved_post_updates');
    assert.deepEqual(u, [{ text: 'first (edited)', original_text: 'first' }]);
  } finally {
    s.close();
  }
});

test('a store made before likes/follows/... became views keeps their rows through the migration', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-migrate-'));
  const path = join(dir, 'old.duckdb');
  try {
    // Build the store as the release before the views did: the first five events migrations, rows written by hand.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { eventsSchema } = await import('../../src/store/events.ts');
    const inst = await DuckDBInstance.create(path);
    const c = await inst.connect();
    const before = 5;
    for (const m of eventsSchema.migrations.slice(0, before)) await c.run(m);
    await c.run('CREATE TABLE schema_versions (module VARCHAR PRIMARY KEY, version INTEGER NOT NULL)');
    await c.run(`INSERT INTO schema_versions VALUES ('events', ${before})`);
    const raw = (seq: number, collection: string, op: string, rkey: string) =>
      `(${seq}, 'commit', '${B}', ${seq * 10}, '${collection}', '${op}', '${rkey}', 'r${seq}', NULL, NULL, 'old', '{}', ${seq})`;
    await c.run(`INSERT INTO raw_events VALUES ${[
      raw(1, 'app.bsky.feed.like', 'create', 'l1'), raw(2, 'app.bsky.graph.follow', 'create', 'f1'),
      raw(3, 'app.bsky.feed.like', 'delete', 'l1'), raw(4, 'app.bsky.graph.block', 'create', 'b1'),
    ].join(', ')}`);
    await c.run(`INSERT INTO likes VALUES (1, '${B}', 'l1', 10, '${uri(A, 'p1')}')`);
    await c.run(`INSERT INTO follows VALUES (2, '${B}', 'f1', 20, '${A}')`);
    await c.run(`INSERT INTO deletes VALUES (3, '${B}', 'app.bsky.feed.like', 'l1', 30)`);
    await c.run(`INSERT INTO blocks VALUES (4, '${B}', 'b1', 40, '${A}')`);
    c.closeSync();
    inst.closeSync();

    const s = await Store.open(path);
    try {
      // raw_events was rebuilt (uncompressed columns) with every row and column kept
      assert.deepEqual((await s.all('SELECT seq, rkey, rev, source, raw, ident FROM raw_events ORDER BY seq')).map((r) => [num(r.seq), r.rkey, r.rev, r.source, r.raw, num(r.ident)]),
        [[1, 'l1', 'r1', 'old', '{}', 1], [2, 'f1', 'r2', 'old', '{}', 2], [3, 'l1', 'r3', 'old', '{}', 3], [4, 'b1', 'r4', 'old', '{}', 4]]);
      assert.deepEqual((await s.all('SELECT seq, subject_uri FROM likes')).map((r) => [num(r.seq), r.subject_uri]), [[1, uri(A, 'p1')]]);
      assert.deepEqual((await s.all('SELECT seq, subject_did FROM follows')).map((r) => [num(r.seq), r.subject_did]), [[2, A]]);
      assert.deepEqual((await s.all('SELECT seq, subject_did FROM blocks')).map((r) => [num(r.seq), r.subject_did]), [[4, A]]);
      assert.deepEqual((await s.all('SELECT seq, original_seq, subject_uri FROM resolved_deletes')).map((r) => [num(r.seq), num(r.original_seq), r.subject_uri]), [[3, 1, uri(A, 'p1')]]);
      // and new events land in the same views
      await appendEvents(s, [commit(B, 500, 'create', 'app.bsky.feed.like', 'l2', { subject: { uri: uri(A, 'p9'), cid: 'c' } })]);
      assert.deepEqual((await s.all('SELECT rkey, subject_uri FROM likes ORDER BY seq')).map((r) => [r.rkey, r.subject_uri]), [['l1', uri(A, 'p1')], ['l2', uri(A, 'p9')]]);
    } finally {
      s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a load that fails after its raw rows were written stores nothing of its batch, and the store takes the next', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-atomic-'));
  const s = await Store.open(join(dir, 's.duckdb'));
  try {
    await appendEvents(s, [commit(B, 100, 'create', 'app.bsky.feed.like', 'l1', { subject: { uri: uri(A, 'p1'), cid: 'c' } })]);
    // The posts insert, which runs after the raw_events insert in the same multi-statement call, now fails.
    await s.run('ALTER TABLE posts RENAME TO posts_kept');
    await s.run('CREATE VIEW posts AS SELECT * FROM posts_kept');
    await assert.rejects(appendEvents(s, [
      commit(B, 200, 'create', 'app.bsky.feed.like', 'l2', { subject: { uri: uri(A, 'p1'), cid: 'c' } }),
      commit(A, 210, 'create', POST, 'p9', { text: 'lost with its batch' }),
    ]), /posts is not an? table/);
    assert.equal(await countEvents(s), 1, 'the raw rows of the failed batch were rolled back');
    assert.equal(num((await s.all("SELECT count(*) AS n FROM raw_events WHERE rkey IN ('l2', 'p9')"))[0].n), 0);
    await s.run('DROP VIEW posts');
    await s.run('ALTER TABLE posts_kept RENAME TO posts');
    const again = await appendEvents(s, [
      commit(B, 200, 'create', 'app.bsky.feed.like', 'l2', { subject: { uri: uri(A, 'p1'), cid: 'c' } }),
      commit(A, 210, 'create', POST, 'p9', { text: 'stored this time' }),
    ]);
    assert.deepEqual(again, { inserted: 2, duplicates: 0, rejected: 0 });
    assert.deepEqual((await s.all('SELECT text FROM posts')).map((r) => r.text), ['stored this time']);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a new store keeps the raw text and the high-cardinality keys uncompressed, the others compressed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-layout-'));
  const s = await Store.open(join(dir, 's.duckdb'));
  try {
    await appendEvents(s, history());
    await s.run('CHECKPOINT');
    const rows = await s.all(`SELECT column_name AS c, list(DISTINCT compression) AS k FROM pragma_storage_info('raw_events')
      WHERE segment_type = 'VARCHAR' GROUP BY ALL`);
    const by = Object.fromEntries(rows.map((r) => [r.c, (r.k as string[]).join(',')]));
    for (const c of ['raw', 'did', 'rkey', 'rev', 'subject']) assert.equal(by[c], 'Uncompressed', c);
    for (const c of ['kind', 'collection', 'operation']) assert.notEqual(by[c], 'Uncompressed', c);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stager with sealAt closes batches at exactly that size and loads them oldest first, in ingest order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-seal-'));
  const s = await Store.open(join(dir, 's.duckdb'));
  const st = new EventStager({ sealAt: 2 });
  try {
    for (let i = 0; i < 5; i++) {
      const r = commit(B, 100 + i, 'create', 'app.bsky.feed.like', `l${i}`, { subject: { uri: uri(A, 'p1'), cid: 'c' } });
      assert.equal(st.add(r.event, r.raw, r.source), null);
    }
    assert.equal(st.sealedCount, 2);
    assert.equal(st.count, 1);
    const loads: number[] = [];
    while (st.sealedCount > 0 || st.count > 0) loads.push((await st.load(s)).inserted);
    assert.deepEqual(loads, [2, 2, 1]);
    assert.deepEqual((await s.all('SELECT rkey FROM raw_events ORDER BY seq')).map((r) => r.rkey), ['l0', 'l1', 'l2', 'l3', 'l4']);
  } finally {
    st.dispose();
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
