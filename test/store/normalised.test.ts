// The normalised posts table against the real captures, field by field: every post create's reply parent/root,
// quote target, langs, facets, text and createdAt as the raw record has them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { quotedUri } from '../../src/bluesky/actions.ts';
import { groupedEvents } from '../../src/ingest/grouped.ts';
import { ingestPaths } from '../../src/ingest/ingest.ts';
import { Store } from '../../src/store/store.ts';

const V1 = 'fixtures/jetstream-v1-capture/expected_v1.jsonl';
const GOLDEN = 'fixtures/jetstream-v1-capture/golden_v1.jsonl';
const GROUPED = 'fixtures/blueprint-examples/expected_input_format_examples.json';

function fixtureEvents(): any[] {
  const out: any[] = [];
  for (const f of [V1, GOLDEN]) for (const l of readFileSync(f, 'utf8').split('\n')) if (l.trim()) out.push(JSON.parse(l));
  for (const { value } of groupedEvents(JSON.parse(readFileSync(GROUPED, 'utf8')))) out.push(value);
  return out;
}

test('real data: every post create is normalised with its reply refs, quote target, langs, facets and text', async () => {
  const s = await Store.open(':memory:');
  try {
    const r = await ingestPaths(s, [V1, GOLDEN, GROUPED]);
    assert.equal(r.malformed + r.fileProblems, 0);
    const rows = await s.all(
      `SELECT did, rkey, is_reply, quote_uri, text, langs, reply_parent, reply_root, facets::VARCHAR AS facets, created_at FROM posts`,
    );
    const byKey = new Map(rows.map((x) => [`${x.did} ${x.rkey}`, x]));
    const creates = fixtureEvents().filter((e) => e.kind === 'commit' && e.commit.collection === 'app.bsky.feed.post' && e.commit.operation === 'create');
    const distinct = new Set(creates.map((e) => `${e.did} ${e.commit.rkey}`));
    assert.equal(rows.length, distinct.size, 'one row per distinct post create');
    let withFacets = 0;
    let replies = 0;
    let quotes = 0;
    for (const e of creates) {
      const rec = e.commit.record;
      const row = byKey.get(`${e.did} ${e.commit.rkey}`);
      assert.ok(row, `post ${e.commit.rkey} stored`);
      // an empty text and a missing one are both stored as NULL (the raw record keeps the difference)
      assert.equal(row.text ?? '', rec.text ?? '');
      assert.deepEqual(row.langs, Array.isArray(rec.langs) ? rec.langs : null);
      assert.equal(row.is_reply, Boolean(rec.reply));
      assert.equal(row.reply_parent, rec.reply?.parent?.uri ?? null);
      assert.equal(row.reply_root, rec.reply?.root?.uri ?? null);
      assert.equal(row.quote_uri, quotedUri(rec) ?? null);
      assert.equal(row.created_at ?? '', rec.createdAt ?? '');
      if (rec.facets) {
        withFacets++;
        assert.deepEqual(JSON.parse(String(row.facets)), rec.facets);
      } else assert.equal(row.facets, null);
      if (rec.reply) replies++;
      if (quotedUri(rec)) quotes++;
    }
    assert.ok(withFacets >= 5, `posts with facets: ${withFacets}`);
    assert.ok(replies >= 1, `replies: ${replies}`);
    assert.ok(quotes >= 1, `quotes: ${quotes}`);
  } finally {
    s.close();
  }
});
