// Builds from real data: real post texts reach the release (conversations across users, action threads, the quote
// text), the real Jetstream captures with --min-posts 1, and posts that name dates and large numbers audit clean.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from '../../src/dataset/build-stage.ts';
import { auditReleaseReport } from '../../src/privacy/audit.ts';
import { createPiiEngine } from '../../src/privacy/pii/engine.ts';
import { Store } from '../../src/store/store.ts';
import { actionOf, buildOptions, postEvent, releasedThreads, SECRET } from './helpers.ts';

const REAL_TEXT = 'fixtures/real-text-threads/events.jsonl';
const CAPTURE = 'fixtures/jetstream-v1-capture/expected_v1.jsonl';
const EXAMPLES = 'fixtures/blueprint-examples/expected_input_format_examples.json';

let dir: string;
let keyFile: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simpact-real-'));
  keyFile = join(dir, 'secret');
  writeFileSync(keyFile, `${SECRET}\n`, { mode: 0o600 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface FixtureEvent {
  did: string;
  commit: { collection: string; rkey: string; record?: { text?: string; langs?: string[]; reply?: unknown; embed?: { $type: string } } };
}
const fixture = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FixtureEvent);

test('real post texts in a conversation structure: cross-user reply chains, action threads and the quote text reach the release, audit clean', async () => {
  const events = fixture(REAL_TEXT);
  const scrub = createPiiEngine();
  const textOf = new Map<string, string>(); // rkey -> scrubbed text
  for (const e of events) if (e.commit.record?.text) textOf.set(e.commit.rkey, scrub.redact(e.commit.record.text).redacted);
  assert.equal(textOf.size, 14);

  const store = await Store.open(join(dir, 'real.duckdb'));
  try {
    const out = join(dir, 'rel-real');
    const report = await runBuild(store, buildOptions(out, keyFile, { inputs: [REAL_TEXT], scope: 'all' }));
    assert.equal(report.users, 6, 'every account has two posts or replies (min-posts 2)');
    assert.equal(report.leaks, 0);
    const rows = releasedThreads(out, 1);
    assert.equal(rows.length, report.threads);
    const released = new Set(rows.flatMap((r) => r.thread.map((m) => m.text)).filter(Boolean));
    for (const t of textOf.values()) assert.ok(released.has(t), `real text missing from the release: ${t.slice(0, 40)}…`);

    // a1 ← b2 ← c2 ← a2: four real texts by three users, the first and last by the same (one pseudonym)
    const rk = (i: number) => events[i].commit.rkey;
    const chain = rows.map((r) => r.thread).find((t) => t.length === 4)!;
    assert.ok(chain, 'the four-message conversation is released');
    assert.deepEqual(chain.map((m) => m.text), [0, 6, 7, 8].map((i) => textOf.get(rk(i))));
    assert.equal(chain[0].user_id, chain[3].user_id);
    assert.equal(new Set(chain.map((m) => m.user_id)).size, 3);
    assert.equal(actionOf(chain[3]), 'reply');
    const chain2 = rows.map((r) => r.thread).find((t) => t.length === 3)!;
    assert.deepEqual(chain2.map((m) => m.text), [4, 9, 10].map((i) => textOf.get(rk(i))));

    const byAction = new Map<string, (typeof rows)[number]['thread'][]>();
    for (const r of rows) {
      const a = actionOf(r.thread[r.thread.length - 1])!;
      byAction.set(a, [...(byAction.get(a) ?? []), r.thread]);
    }
    assert.deepEqual(Object.fromEntries([...byAction].map(([a, ts]) => [a, ts.length])), { post: 6, reply: 2, like: 3, repost: 1, follow: 2, quote: 1 });
    // the like of a1 shows a1's text; the follow of A shows A's latest post before it (the reply a2)
    assert.ok(byAction.get('like')!.some((t) => t[0].text === textOf.get(rk(0))));
    assert.ok(byAction.get('follow')!.some((t) => t[0].text === textOf.get(rk(8))));
    const [quote] = byAction.get('quote')!;
    assert.equal(quote[0].text, textOf.get(rk(2)), 'the quoted post is the context');
    assert.equal(quote[1].text, textOf.get(rk(16)), 'the default keeps the quote text');

    const audit = await auditReleaseReport(out, { secret: SECRET });
    assert.deepEqual(audit.leaks, []);
  } finally {
    store.close();
  }
});

test('the real Jetstream captures with --min-posts 1: their English posts reach the release, audit clean', async () => {
  const scrub = createPiiEngine();
  const english = fixture(CAPTURE)
    .filter((e) => e.commit?.collection === 'app.bsky.feed.post' && e.commit.record?.text?.trim() && JSON.stringify(e.commit.record.langs) === '["en"]' && !e.commit.record.embed?.$type.startsWith('app.bsky.embed.record'))
    .map((e) => scrub.redact(e.commit.record!.text!).redacted);
  assert.ok(english.length >= 5, `English posts in the capture: ${english.length}`);
  const store = await Store.open(join(dir, 'capture.duckdb'));
  try {
    const out = join(dir, 'rel-capture');
    const report = await runBuild(store, buildOptions(out, keyFile, { inputs: [CAPTURE, EXAMPLES], minPosts: 1 }));
    assert.ok(report.users >= english.length, `users: ${report.users}`);
    const released = new Set(releasedThreads(out, 1).flatMap((r) => r.thread.map((m) => m.text)));
    for (const t of english) assert.ok(released.has(t), `capture post missing from the release: ${t.slice(0, 40)}…`);
    assert.ok([...released].some((t) => t?.includes('<URL>')), 'the captures carry URLs, which are scrubbed');
    const audit = await auditReleaseReport(out, { secret: SECRET });
    assert.deepEqual(audit.leaks, []);
    assert.ok(audit.scannedFiles >= 10);
  } finally {
    store.close();
  }
});

// Gap 1: political posts name election dates and large sums. They are content: the build keeps them and its audit
// passes. A raw event time in a structured field is still a leak.
test('posts naming dates and long numbers build and audit clean; a raw time_us in a non-text field is caught', async () => {
  const A = 'did:plc:datesuseraaaaaaaaaaaaaaa';
  const B = 'did:plc:datesuserbbbbbbbbbbbbbbb';
  const t = 1740973563121964;
  const uriA1 = `at://${A}/app.bsky.feed.post/a1`;
  const posts = [
    postEvent(A, 'a1', t, 'Reminder: Election Day is 2025-11-04. Polls close at 8pm, early voting ends 2025-11-01.'),
    postEvent(B, 'b1', t + 1000, 'Since 2025-01-20 the deficit grew by $1000000000000 (one trillion) and the debt clock reads 36218000000000.', { parent: uriA1, root: uriA1 }),
    postEvent(A, 'a2', t + 2000, 'Court date moved to 2025-03-14T09:30, ruling expected by 20250401T1200Z. Case 1740973563121964 (not a timestamp).'),
    postEvent(B, 'b2', t + 3000, 'Turnout in 2020-11-03: 66.8% — 158429631 ballots.'),
  ];
  const input = join(dir, 'dates.jsonl');
  writeFileSync(input, `${posts.join('\n')}\n`);
  const store = await Store.open(join(dir, 'dates.duckdb'));
  try {
    const out = join(dir, 'rel-dates');
    const report = await runBuild(store, buildOptions(out, keyFile, { inputs: [input], ks: [1], chainK: 1 }));
    assert.equal(report.leaks, 0);
    const texts = releasedThreads(out, 1).flatMap((r) => r.thread.map((m) => m.text ?? ''));
    for (const kept of ['2025-11-04', '$1000000000000', '36218000000000', '2025-03-14T09:30', '20250401T1200Z', 'Case 1740973563121964', '2020-11-03']) {
      assert.ok(texts.some((x) => x.includes(kept)), `kept in the text: ${kept}`);
    }
    assert.deepEqual((await auditReleaseReport(out, { secret: SECRET })).leaks, []);

    // The same release with a raw time_us written into a non-text field of one message (a writer bug).
    const bad = join(dir, 'rel-dates-leaky');
    cpSync(out, bad, { recursive: true });
    const file = join(bad, 'processed_1_clusters', 'cluster_0.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1].replace('"relative_integer_time": ', `"time_us": ${t + 2000}, "relative_integer_time": `);
    writeFileSync(file, lines.join('\n'));
    const leaks = (await auditReleaseReport(bad, { secret: SECRET })).leaks;
    assert.deepEqual(leaks.map((l) => `${l.file}:${l.line} ${l.kind}`), [`${join('processed_1_clusters', 'cluster_0.jsonl')}:2 epoch-us`]);
    assert.ok(!leaks[0].excerpt.includes(String(t + 2000)));
  } finally {
    store.close();
  }
});
