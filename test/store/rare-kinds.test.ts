// The rare kinds (post updates, profile changes, identity and account events) are filled from fields the parser
// staged as JSON text. They must hold exactly what the JSON functions read from the stored raw event, for every
// shape a field can take: strings with escapes and non-ASCII, numbers, nulls, objects, absent fields, duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JetstreamEvent } from '../../src/bluesky/jetstream-event.ts';
import { appendEvents, type IngestRecord } from '../../src/store/events.ts';
import { Store } from '../../src/store/store.ts';

const D = (i: number) => `did:plc:${String.fromCharCode(97 + i).repeat(24)}`;
let t = 1000;
const rec = (event: Record<string, unknown>): IngestRecord => ({ event: event as unknown as JetstreamEvent, raw: JSON.stringify(event), source: 't' });
const commit = (i: number, operation: string, collection: string, record?: unknown) =>
  rec({ did: D(i), time_us: ++t, kind: 'commit', commit: { rev: `r${t}`, operation, collection, rkey: `k${t}`, ...(record === undefined ? {} : { record }) } });

const ODD = ['plain', 'with "quotes" and \\ backslash', 'tab\there', 'line\nbreak', 'emoji 😀 and CJK 漢字', '', ' '];

function events(): IngestRecord[] {
  const out: IngestRecord[] = [];
  ODD.forEach((s, i) => {
    out.push(commit(i % 5, 'update', 'app.bsky.feed.post', { text: s, langs: i % 2 ? ['en', 'de'] : [] }));
    out.push(commit(i % 5, 'create', 'app.bsky.actor.profile', { displayName: s, description: i % 3 ? s.toUpperCase() : undefined }));
    out.push(rec({ did: D(i % 5), time_us: ++t, kind: 'identity', identity: { did: D(i % 5), seq: t, time: `2024-01-0${(i % 9) + 1}T00:00:00Z`, ...(i % 2 ? { handle: `h${i}.bsky.social` } : {}) } }));
  });
  out.push(commit(1, 'update', 'app.bsky.feed.post', { text: 42, langs: 'en' }));
  out.push(commit(1, 'update', 'app.bsky.feed.post', { langs: null }));
  out.push(commit(2, 'update', 'app.bsky.feed.post', undefined));
  out.push(commit(2, 'update', 'app.bsky.actor.profile', { displayName: { nested: ['x'] }, description: null }));
  out.push(commit(3, 'delete', 'app.bsky.actor.profile'));
  for (const account of [{ active: true }, { active: false, status: 'takendown' }, { active: 'yes', status: 7 }, {}]) {
    out.push(rec({ did: D(4), time_us: ++t, kind: 'account', account: { did: D(4), seq: t, time: '2024-02-01T00:00:00Z', ...account } }));
  }
  return out;
}

test('rare kinds hold what json_extract reads from the raw events', async () => {
  const s = await Store.open(':memory:');
  const all = events();
  try {
    const r = await appendEvents(s, all);
    assert.equal(r.inserted + (r.rejected ?? 0), all.length);
    assert.equal(r.rejected, 1, 'the update without a record is not a valid commit');
    const same = async (table: string, cols: string, fromRaw: string, where: string) => {
      const stored = await s.all(`SELECT seq, ${cols} FROM ${table} ORDER BY seq`);
      const expected = await s.all(`SELECT seq, ${fromRaw} FROM raw_events WHERE ${where} ORDER BY seq`);
      assert.ok(stored.length > 0, table);
      assert.deepEqual(stored, expected, table);
    };
    await same('post_updates', 'text, langs',
      "json_extract_string(raw, '$.commit.record.text') AS text, TRY_CAST(json_extract(raw, '$.commit.record.langs') AS VARCHAR[]) AS langs",
      "collection = 'app.bsky.feed.post' AND operation = 'update'");
    await same('profile_changes', 'operation, display_name, description',
      "operation, json_extract_string(raw, '$.commit.record.displayName') AS display_name, json_extract_string(raw, '$.commit.record.description') AS description",
      "collection = 'app.bsky.actor.profile' AND operation <> 'delete'");
    await same('identity_events', 'event_seq, handle, time',
      "event_seq, json_extract_string(raw, '$.identity.handle') AS handle, json_extract_string(raw, '$.identity.time') AS time", "kind = 'identity'");
    await same('account_events', 'event_seq, active, status, time',
      "event_seq, TRY_CAST(json_extract(raw, '$.account.active') AS BOOLEAN) AS active, json_extract_string(raw, '$.account.status') AS status, json_extract_string(raw, '$.account.time') AS time",
      "kind = 'account'");
    // spot checks, so that the comparison cannot pass with both sides empty or wrong in the same way
    const texts = (await s.all('SELECT text FROM post_updates ORDER BY seq')).map((x) => x.text);
    assert.deepEqual(texts.slice(0, ODD.length), ODD);
    assert.equal(texts[ODD.length], '42');
    const acc = await s.all('SELECT active, status FROM account_events ORDER BY seq');
    assert.deepEqual(acc, [{ active: true, status: null }, { active: false, status: 'takendown' }, { active: true, status: '7' }, { active: null, status: null }]); // DuckDB casts the JSON string "yes" to true
    // a re-ingest adds nothing to them
    const before = await s.all(`SELECT (SELECT count(*) FROM post_updates) + (SELECT count(*) FROM profile_changes)
      + (SELECT count(*) FROM identity_events) + (SELECT count(*) FROM account_events) AS n`);
    assert.equal((await appendEvents(s, all)).inserted, 0);
    const afterward = await s.all(`SELECT (SELECT count(*) FROM post_updates) + (SELECT count(*) FROM profile_changes)
      + (SELECT count(*) FROM identity_events) + (SELECT count(*) FROM account_events) AS n`);
    assert.deepEqual(afterward, before);
  } finally {
    s.close();
  }
});
