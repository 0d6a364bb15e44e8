import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyCommit } from '../../src/bluesky/actions.ts';
import { jetstreamShapeError } from '../../src/bluesky/jetstream-event.ts';
import { generateEvents } from '../../src/generate/generate.ts';
import { tid } from '../../src/generate/ids.ts';
import { loadTexts } from '../../src/generate/texts.ts';
import { generateFile } from '../../src/generate/write.ts';
import { ingestPaths } from '../../src/ingest/ingest.ts';
import { loadActivity } from '../../src/store/activity.ts';
import { Store } from '../../src/store/store.ts';

const texts = loadTexts();

test('TIDs are 13 sortable base32 chars that order like their time', () => {
  const a = tid(1740787200000000, 5);
  const b = tid(1740787200000001, 0);
  assert.match(a, /^[2-7a-z]{13}$/);
  assert.equal(a.startsWith('3lj'), true, a); // March 2025 record keys start with 3lj
  assert.ok(a < b);
});

test('generation is deterministic from the seed and follows the reference proportions', () => {
  const opts = { users: 300, events: 20_000, seed: 11, texts };
  const a = [...generateEvents(opts)];
  const b = [...generateEvents(opts)];
  assert.deepEqual(a, b);
  assert.notDeepEqual([...generateEvents({ ...opts, events: 200, seed: 12 })], a.slice(0, 200));
  const counts: Record<string, number> = {};
  let lastTime = 0;
  const dids = new Set<string>();
  const postUris = new Set<string>();
  let repliesToKnown = 0;
  let replies = 0;
  let mediaQuotes = 0;
  let notEnglish = 0;
  for (const line of a) {
    const e = JSON.parse(line);
    assert.equal(jetstreamShapeError(e), null, line);
    assert.match(e.did, /^did:plc:[a-z2-7]{24}$/);
    assert.ok(e.time_us > lastTime);
    lastTime = e.time_us;
    dids.add(e.did);
    let cls: string = e.kind;
    if (e.kind === 'commit') {
      const c = e.commit;
      assert.match(c.rev, /^[2-7a-z]{13}$/);
      cls = classifyCommit(c.collection, c.operation, c.record);
      if (c.collection === 'app.bsky.feed.post' && c.operation === 'create') {
        postUris.add(`at://${e.did}/${c.collection}/${c.rkey}`);
        if (c.record.reply) {
          replies++;
          if (postUris.has(c.record.reply.parent.uri)) repliesToKnown++;
        }
        if (c.record.embed?.$type === 'app.bsky.embed.recordWithMedia') mediaQuotes++;
        if (JSON.stringify(c.record.langs) !== '["en"]') notEnglish++;
      }
    }
    counts[cls] = (counts[cls] ?? 0) + 1;
  }
  const share = (k: string) => (counts[k] ?? 0) / a.length;
  assert.ok(Math.abs(share('follow') - 0.51) < 0.02, `follow ${share('follow')}`);
  assert.ok(Math.abs(share('like') - 0.23) < 0.02, `like ${share('like')}`);
  assert.ok(Math.abs(share('post') + share('reply') + share('quote') - 0.236) < 0.02);
  for (const rare of ['unfollow', 'unlike', 'repost', 'quote', 'identity', 'account', 'unknown', 'other']) assert.ok((counts[rare] ?? 0) > 0, rare);
  assert.ok(replies > 300 && repliesToKnown / replies > 0.9, 'reply trees point at earlier posts');
  assert.ok(mediaQuotes > 0);
  assert.ok(notEnglish > 0);
  assert.ok(dids.size > 250);
});

test('generated data ingests without a single bad line; undos and quotes resolve', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-gen-'));
  try {
    const out = join(dir, 'gen.jsonl');
    const summary = generateFile({ out, users: 200, events: 5000, seed: 3 });
    assert.equal(summary.synthetic, true);
    assert.equal(readFileSync(out, 'utf8').trimEnd().split('\n').length, 5000);
    const s = await Store.open(':memory:');
    try {
      const r = await ingestPaths(s, [out], { batchSize: 1500 });
      assert.equal(r.malformed, 0);
      assert.equal(r.inserted, 5000);
      const a = await loadActivity(s);
      const undos = a.actions.filter((x) => x.key.startsWith('un'));
      assert.ok(undos.length > 10);
      assert.ok(undos.filter((x) => !x.unresolved).length / undos.length > 0.9);
      assert.ok(a.actions.filter((x) => x.key === 'quote').every((q) => q.subjectUri?.startsWith('at://')));
    } finally {
      s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('post texts are drawn from the real posts bundled with the package (fixtures/texts), many distinct ones', () => {
  const bundled = new Set(
    readFileSync('fixtures/texts/posts.jsonl', 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text),
  );
  assert.ok(bundled.size > 10_000, `bundled texts: ${bundled.size}`);
  const used = new Set<string>();
  let postTexts = 0;
  for (const line of generateEvents({ users: 100, events: 10_000, seed: 4, texts })) {
    const e = JSON.parse(line);
    if (e.kind !== 'commit' || e.commit.collection !== 'app.bsky.feed.post' || e.commit.operation === 'delete') continue;
    assert.ok(bundled.has(e.commit.record.text), 'a bundled real text');
    used.add(e.commit.record.text);
    postTexts++;
  }
  assert.ok(postTexts > 2000 && used.size > 0.8 * postTexts, `${used.size} distinct texts in ${postTexts} posts`);
});
