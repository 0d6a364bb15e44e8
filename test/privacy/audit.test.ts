import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { AUDIT_THRESHOLDS, JsonProse, PII_DEFAULT_THRESHOLD, auditRelease, auditReleaseReport, createPiiEngine, pseudonymizeThread } from '../../src/privacy/index.ts';
import { pythonJsonDumps } from '../../src/util/python-json.ts';

const SECRET = 'c2VjcmV0LWZvci10aGUtYXVkaXQtdGVzdC0xMjM0NTY=';
const DID = 'did:plc:z72i7hdynmk6r22z27h6tvur';

function cleanRelease(dir: string): void {
  const lines: string[] = [];
  for (let t = 0; t < 50; t++) {
    const raw = [
      { did: `did:plc:${'a'.repeat(23)}${t % 10}`, relative_integer_time: 1000 + t * 3, text: `post ${t} with <URL> and @<USERNAME> 😀 at <PHONE_NUMBER>` },
      { did: DID, relative_integer_time: 52_000_000 + t, text: `reply #${t}: 3-2 win, v2.10.4, $1,299.99` },
    ];
    const ids = pseudonymizeThread(raw, SECRET, 'hmac');
    const thread = raw.map(({ did: _d, ...m }, i) => ({ ...m, user_id: ids[i] }));
    lines.push(pythonJsonDumps({ thread, cluster_id: t % 7 }));
  }
  // A pseudonym whose hex holds a long run of digits must not read as an epoch.
  lines.push(pythonJsonDumps({ thread: [{ relative_integer_time: 7, text: 'x', user_id: `ab${'1740973563121964'}cd${'0'.repeat(44)}` }], cluster_id: 1 }));
  mkdirSync(join(dir, 'processed_25_clusters'), { recursive: true });
  writeFileSync(join(dir, 'processed_25_clusters', 'cluster_0.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'README.md'), '# Dataset\n\nThreads: 50. Clusters: 7. Relative times only.\n');
  writeFileSync(join(dir, 'stats.csv'), 'cluster_id,threads,max_relative_integer_time\n0,50,52000049\n');
}

test('a clean release has no leaks (pseudonyms, relative times, placeholders, scores and prices pass)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cleanRelease(dir);
  const report = await auditReleaseReport(dir, { secret: SECRET });
  assert.deepEqual(report.leaks, []);
  assert.equal(report.scannedFiles, 3);
});

test('every kind of leak is found with file:line, and excerpts are masked', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cleanRelease(dir);
  const leaky = [
    { text: `by ${DID}` },
    { text: 'cc @alice.bsky.social and @news.example.com, bob.team.bsky.social' },
    { text: 'at://did:web:example.com/app.bsky.feed.post/3k' },
    { created: '2025-03-03T03:46:02.223Z' },
    { time_us: 1740973563121964, ms: 1740973563121 },
    { text: 'mail jane.doe@example.org' },
    { text: 'read https://example.com/a and example.org/b' },
    { text: 'call (415) 555-2671' },
    { text: `oops ${SECRET}` },
    { text: `hex ${Buffer.from(SECRET, 'base64').toString('hex')}` },
  ];
  writeFileSync(join(dir, 'processed_25_clusters', 'cluster_1.jsonl'), leaky.map((l) => JSON.stringify(l)).join('\n'));
  writeFileSync(join(dir, 'README.md'), '# Dataset\n\nCollected 2025-03-01 to 2025-03-31. Licence: https://opensource.org/license/mit\n');
  writeFileSync(join(dir, 'figure.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));

  const report = await auditReleaseReport(dir, { secret: SECRET });
  const got = report.leaks.map((l) => `${l.file}:${l.line} ${l.kind}`);
  const f = join('processed_25_clusters', 'cluster_1.jsonl');
  for (const want of [
    `${f}:1 did`,
    `${f}:2 handle`,
    `${f}:3 at-uri`,
    `${f}:3 did`,
    `${f}:4 iso-date`,
    `${f}:5 epoch-us`,
    `${f}:5 epoch-ms`,
    `${f}:6 email`,
    `${f}:7 url`,
    `${f}:8 phone`,
    `${f}:9 secret`,
    `${f}:10 secret`,
    'README.md:3 iso-date',
    'README.md:3 url',
  ]) {
    assert.ok(got.includes(want), `missing ${want} in ${got.join(', ')}`);
  }
  assert.equal(report.leaks.filter((l) => l.line === 2 && l.kind === 'handle').length, 3, 'all three handles on line 2');
  assert.deepEqual(report.skipped, [{ file: 'figure.png', reason: 'not a text or Parquet file (.png)' }]);
  for (const l of report.leaks) {
    for (const secretish of [DID, 'alice.bsky.social', 'jane.doe@example.org', '1740973563121964', '555-2671', SECRET, '2025-03-03T03:46']) {
      assert.ok(!l.excerpt.includes(secretish), `excerpt ${l.excerpt} reprints a leak`);
    }
  }
  assert.equal(report.leaks.find((l) => l.kind === 'secret')!.excerpt, '[secret]');

  const allowed = await auditRelease(dir, { secret: SECRET, allow: [/^https:\/\/opensource\.org\//] });
  assert.ok(!allowed.some((l) => l.file === 'README.md' && l.kind === 'url'));
  const noSecret = await auditRelease(dir);
  assert.ok(!noSecret.some((l) => l.kind === 'secret'), 'the secret is only searched for when given');
});

test('Parquet files are scanned row by row through DuckDB', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'full.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(
    `COPY (SELECT * FROM (VALUES (1, 'fine text', 'ab12'), (2, 'from ${DID}', 'cd34'), (3, 'ok', 'ef56')) v(relative_integer_time, text, user_id)) TO '${path}' (FORMAT parquet)`,
  );
  conn.closeSync();
  db.closeSync();
  const leaks = await auditRelease(dir);
  assert.deepEqual(
    leaks.map((l) => [l.file, l.line, l.kind]),
    [['full.parquet', 2, 'did']],
  );
});

test('gzip-compressed text files are scanned too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'cluster_0.jsonl.gz'), gzipSync('{"text": "ok"}\n{"text": "mail jane@example.org"}\n'));
  const leaks = await auditRelease(dir);
  assert.deepEqual(leaks.map((l) => [l.file, l.line, l.kind]), [['cluster_0.jsonl.gz', 2, 'email']]);
});

test('zstd-compressed text files are scanned too (a raw Jetstream capture is full of DIDs)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(new URL('../../fixtures/ingest/golden_v1.jsonl.zst', import.meta.url), join(dir, 'raw.jsonl.zst'));
  const leaks = await auditRelease(dir);
  assert.ok(leaks.some((l) => l.file === 'raw.jsonl.zst' && l.line === 1 && l.kind === 'did'));
  assert.ok(leaks.some((l) => l.kind === 'epoch-us'));
});


// Issue 3 (gap 1): a date or a long number a user wrote is content; a raw event time in a structured field is a leak.
test('dates and long numbers inside text values are content; the same outside text (a time field, a bare number, a key) are leaks', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const prose = [
    'Election Day is 2025-11-04. Polls close at 8pm, see you 2025-11-04T20:00!',
    'The debt ceiling talk: $1000000000000 is a trillion. Order no. 1740973563121964 never arrived.',
    'Compact stamp 20251104T2000Z in a screenshot caption',
  ];
  const ids = pseudonymizeThread(prose.map((text, i) => ({ did: DID, relative_integer_time: i, text })), SECRET, 'hmac');
  const clean = prose.map((text, i) => pythonJsonDumps({ thread: [{ relative_integer_time: i, text, user_id: ids[i] }], cluster_id: 0 }));
  mkdirSync(join(dir, 'processed_1_clusters'));
  writeFileSync(join(dir, 'processed_1_clusters', 'cluster_0.jsonl'), `${clean.join('\n')}\n`);
  // Pretty-printed diagnostics: medoid posts and top terms are prose too, across lines.
  writeFileSync(
    join(dir, 'clusters-k2.json'),
    `${JSON.stringify({ k: 2, clusters: [{ id: 0, topTerms: ['2025-11-04', '1000000000000'], medoidPosts: ['vote on 2025-11-04', 'a $1000000000000 bill'] }] }, null, 2)}\n`,
  );
  assert.deepEqual((await auditReleaseReport(dir, { secret: SECRET })).leaks, [], 'prose dates and numbers are not leaks');

  const f = join('processed_1_clusters', 'cluster_1.jsonl');
  const leaky = [
    pythonJsonDumps({ thread: [{ relative_integer_time: 1740973563121964, text: 'fine', user_id: ids[0] }], cluster_id: 0 }),
    pythonJsonDumps({ thread: [{ relative_integer_time: 3, text: 'fine', user_id: ids[0], time_us: 1740973563121964 }], cluster_id: 0 }),
    pythonJsonDumps({ thread: [{ relative_integer_time: 3, text: 'fine', created_at: '2025-03-03T03:46:02.223Z' }], cluster_id: 0 }),
    pythonJsonDumps({ thread: [{ relative_integer_time: 3, text: 'fine', time: '1740973563121' }], cluster_id: 0 }),
    pythonJsonDumps({ '2025-03-03': [{ text: 'a date as a key' }] }),
    pythonJsonDumps({ thread: [{ text: ['nested', { when: '2025-03-03' }] }] }),
    '{"thread": [{"text": "an unterminated string 2025-03-03',
  ];
  writeFileSync(join(dir, 'processed_1_clusters', 'cluster_1.jsonl'), `${leaky.join('\n')}\n`);
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify({ medoidPosts: ['ok 2025-11-04'], run: { started: '2025-03-03T03:46:02Z', texts: ['2025-11-04'] } }, null, 2)}\n`);
  const got = (await auditReleaseReport(dir, { secret: SECRET })).leaks.map((l) => `${l.file}:${l.line} ${l.kind}`);
  assert.deepEqual(got.sort(), [
    `${f}:1 epoch-us`,
    `${f}:2 epoch-us`,
    `${f}:3 iso-date`,
    `${f}:4 epoch-ms`,
    `${f}:5 iso-date`,
    `${f}:6 iso-date`,
    `${f}:7 iso-date`,
    'summary.json:6 iso-date',
    'summary.json:8 iso-date',
  ].sort());
});

test('JsonProse: prose spans follow keys through nesting, arrays and lines; keys and other values are never prose', () => {
  const spans = (lines: string[]) => {
    const p = new JsonProse();
    return lines.map((l) => {
      const s = p.spans(l);
      const out: string[] = [];
      for (let i = 0; i < s.length; i += 2) out.push(l.slice(s[i], s[i + 1]));
      return out;
    });
  };
  assert.deepEqual(spans(['{"text": "a", "user_id": "b", "t\\u0065xt": "c", "thread": [{"text": "d"}, "e"], "text2": "f"}']), [['a', 'c', 'd']]);
  assert.deepEqual(spans(['{', '  "medoidPosts": [', '    "x, \\"quoted\\"",', '    "y"', '  ],', '  "other": "z",', '  "text":', '    "w"', '}']), [
    [],
    [],
    ['x, \\"quoted\\"'],
    ['y'],
    [],
    [],
    [],
    ['w'],
    [],
  ]);
  assert.deepEqual(spans(['["text", "not prose"]', '"text"']), [[], []]);
});

// Issue 3 (gap 5): the audit is stricter than the scrubber.
test('the audit catches what the scrubber judges too uncertain (a bare phone number), and not placeholders or pseudonyms', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const text = 'new office line 4155552671 from monday';
  const scrubbed = createPiiEngine().redact(text).redacted;
  assert.equal(scrubbed, text, 'the scrubber keeps a bare digit run (score 0.4 < 0.5)');
  assert.equal(AUDIT_THRESHOLDS.PHONE_NUMBER < PII_DEFAULT_THRESHOLD, true);
  const ids = pseudonymizeThread([{ did: DID, relative_integer_time: 4155552671, text }], SECRET, 'hmac');
  writeFileSync(join(dir, 'a.jsonl'), `${pythonJsonDumps({ thread: [{ relative_integer_time: 7, text: scrubbed, user_id: ids[0] }], cluster_id: 0 })}\n`);
  const leaks = await auditRelease(dir, { secret: SECRET });
  assert.deepEqual(leaks.map((l) => `${l.file}:${l.line} ${l.kind}`), ['a.jsonl:1 phone']);

  // Placeholders of every operator, digit-heavy pseudonyms, relative times and prices stay clean at the lower thresholds.
  const hashed = createPiiEngine({ operator: 'hash', hashKey: Buffer.from(SECRET) }).redact('mail jane@example.org or call +1 202-456-1111').redacted;
  assert.match(hashed, /^mail <EMAIL_ADDRESS:[0-9a-f]{16}> or call <PHONE_NUMBER:[0-9a-f]{16}>$/);
  const lines = [
    { relative_integer_time: 4155552671, text: hashed, user_id: `4155552671${'a'.repeat(54)}` },
    { relative_integer_time: 20245678, text: '@<USERNAME> <PHONE_NUMBER> <URL> <EMAIL_ADDRESS> v10.2.3 $4,155,552,671 score 3-2', user_id: `${'1'.repeat(63)}f` },
  ];
  writeFileSync(join(dir, 'a.jsonl'), `${lines.map((m) => pythonJsonDumps({ thread: [m], cluster_id: 0 })).join('\n')}\n`);
  assert.deepEqual(await auditRelease(dir, { secret: SECRET }), []);
});

// Issue 3 (gap 5): the collected accounts' own identifiers, read from the store, are looked for in every file kind,
// whatever form the writer might have left them in.
test('known identifiers: a collected handle on any domain and a bare did:plc id are leaks in JSONL, JSON, the card and Parquet', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plc = 'z72i7hdynmk6r22z27h6tvur';
  const known = { dids: [DID, 'did:web:example.net'], handles: ['Carol.Example.NET', 'dave.bsky.social', 'handle.invalid'] };
  const ids = pseudonymizeThread([{ did: DID, relative_integer_time: 0, text: 'x' }], SECRET, 'hmac');
  const clean = [
    { relative_integer_time: 1, text: 'met @<USERNAME> at <URL>, carol and dave said hi', user_id: ids[0] },
    { relative_integer_time: 2, text: 'handle.invalid and abcdefghijklmnopqrstuvwx (24 letters, not a collected id)', user_id: ids[0] },
  ];
  writeFileSync(join(dir, 'cluster_0.jsonl'), `${clean.map((m) => pythonJsonDumps({ thread: [m], cluster_id: 0 })).join('\n')}\n`);
  writeFileSync(join(dir, 'README.md'), '# Dataset\n\nNo identifiers here.\n');
  assert.deepEqual(await auditRelease(dir, { secret: SECRET, known }), [], 'placeholders, other sites and other ids are clean');

  writeFileSync(
    join(dir, 'cluster_1.jsonl'),
    [
      pythonJsonDumps({ thread: [{ relative_integer_time: 1, text: 'thanks carol.example.net!', user_id: ids[0] }], cluster_id: 0 }),
      pythonJsonDumps({ thread: [{ relative_integer_time: 1, text: 'fine', user_id: ids[0], author: plc }], cluster_id: 0 }),
      pythonJsonDumps({ thread: [{ relative_integer_time: 1, text: `by ${DID}`, user_id: ids[0] }], cluster_id: 0 }),
      pythonJsonDumps({ thread: [{ relative_integer_time: 1, text: 'www.carol.example.net.au is another site', user_id: ids[0] }], cluster_id: 0 }),
    ].join('\n'),
  );
  writeFileSync(join(dir, 'stats.json'), `${JSON.stringify({ top: { account: 'CAROL.example.net' } }, null, 2)}\n`);
  writeFileSync(join(dir, 'README.md'), `# Dataset\n\nCurated by carol.example.net from ${plc}.\n`);
  const pq = join(dir, 'full.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (SELECT * FROM (VALUES (1, 'ok', 'ab'), (2, 'hi carol.example.net', 'cd')) v(relative_integer_time, text, user_id)) TO '${pq}' (FORMAT parquet)`);
  conn.closeSync();
  db.closeSync();

  const got = (await auditRelease(dir, { secret: SECRET, known })).map((l) => `${l.file}:${l.line} ${l.kind}`);
  for (const want of [
    'cluster_1.jsonl:1 known-handle',
    'cluster_1.jsonl:2 known-did',
    'cluster_1.jsonl:3 did',
    'stats.json:3 known-handle',
    'README.md:3 known-handle',
    'README.md:3 known-did',
    'full.parquet:2 known-handle',
  ]) {
    assert.ok(got.includes(want), `missing ${want} in ${got.join(', ')}`);
  }
  assert.ok(!got.includes('cluster_1.jsonl:3 known-did'), 'a prefixed DID is reported once, as a did');
  assert.ok(!got.includes('cluster_1.jsonl:4 known-handle'), 'a longer name that ends in a handle is another name');
  assert.ok(!got.some((g) => g.startsWith('cluster_0.jsonl')));
  // allow patterns never exempt a collected identifier
  const allowed = await auditRelease(dir, { secret: SECRET, known, allow: [/./] });
  assert.ok(allowed.some((l) => l.kind === 'known-handle') && allowed.some((l) => l.kind === 'known-did'));
  // without the store's identifiers a custom-domain handle in prose is only what the URL check makes of it
  assert.ok(!(await auditRelease(dir, { secret: SECRET })).some((l) => l.kind.startsWith('known-')));
});

// The audit's speed-ups (engine findings remembered per prose string, literal prefilters, streamed Parquet rows) must
// not lose a location: a release repeats the same texts (a post is the context of every thread below it, and the
// Parquet copy repeats the JSONL), and each place a leak sits must be listed, since the fix is made per file and line.
test('a repeated leaky text is reported at every line and file it occurs in, also after the engine remembered it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const leakyText = 'write to jane.doe@example.org or call (415) 555-2671 today';
  const lines = [];
  for (let i = 0; i < 6; i++) lines.push(JSON.stringify({ thread: [{ text: i % 2 ? leakyText : 'a clean line of prose', user_id: `u${i}` }] }));
  writeFileSync(join(dir, 'a.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'b.jsonl'), `${JSON.stringify({ text: leakyText })}\n`);
  // The same text escaped (a quote forces the JSON.parse path) and in a Markdown line (text mode).
  writeFileSync(join(dir, 'c.jsonl'), `${JSON.stringify({ text: `"${leakyText}"` })}\n`);
  writeFileSync(join(dir, 'd.md'), `# Card\n\n${leakyText}\n${leakyText}\n`);
  const got = (await auditRelease(dir)).map((l) => `${l.file}:${l.line} ${l.kind}`).sort();
  const want: string[] = [];
  for (const [file, line] of [['a.jsonl', 2], ['a.jsonl', 4], ['a.jsonl', 6], ['b.jsonl', 1], ['c.jsonl', 1], ['d.md', 3], ['d.md', 4]] as const) {
    want.push(`${file}:${line} email`, `${file}:${line} phone`);
  }
  assert.deepEqual(got, want.sort());
});

test('a leak planted only in a Parquet row (not in the JSONL it copies) is found at its row, past the first chunks of the stream', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clean = 'the same clean post text in every thread';
  writeFileSync(join(dir, 'cluster_0.jsonl'), `${Array.from({ length: 5000 }, (_, i) => JSON.stringify({ text: clean, user_id: `u${i}` })).join('\n')}\n`);
  const path = join(dir, 'cluster_0.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  // 5,000 rows (DuckDB streams 2,048-row chunks): rows 2 and 4,999 carry the same e-mail, row 4,100 a DID, row 3,000
  // a handle in a non-text column; all others repeat the clean text the JSONL already had analysed.
  await conn.run(
    `COPY (SELECT i AS relative_integer_time,
             CASE WHEN i IN (2, 4999) THEN 'mail jane.doe@example.org now' WHEN i = 4100 THEN 'by ${DID}' ELSE '${clean}' END AS text,
             CASE WHEN i = 3000 THEN 'alice.bsky.social' ELSE 'u' || i END AS user_id
           FROM range(1, 5001) r(i) ORDER BY i) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`,
  );
  conn.closeSync();
  db.closeSync();
  const got = (await auditRelease(dir)).map((l) => `${l.file}:${l.line} ${l.kind}`);
  assert.deepEqual(got, ['cluster_0.parquet:2 email', 'cluster_0.parquet:3000 handle', 'cluster_0.parquet:4100 did', 'cluster_0.parquet:4999 email']);
});

// The BluePrint format writes non-ASCII as \uXXXX and newlines as \n: in the raw line "\u00abdid:plc:…" has no word
// boundary before the DID, so the identifier checks read the line with its escapes decoded.
test('identifiers right after an escaped character (« », —, a newline) are still leaks', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const texts = [`«${DID}»`, `—at://${DID}/app.bsky.feed.post/3k`, `«${DID.slice(8)}»`, 'line\nsam.nyc', '“alice.bsky.social”'];
  writeFileSync(join(dir, 'cluster_0.jsonl'), `${texts.map((text) => pythonJsonDumps({ thread: [{ relative_integer_time: 1, text }], cluster_id: 0 })).join('\n')}\n`);
  const got = (await auditRelease(dir, { known: { dids: [DID], handles: ['sam.nyc'] } })).map((l) => `${l.line} ${l.kind} ${l.excerpt}`);
  assert.deepEqual(got, [
    `1 did ${maskLeakOf(DID)}`,
    `2 did ${maskLeakOf(DID)}`,
    `2 at-uri ${maskLeakOf(`at://${DID}/app.bsky.feed.post/3k`)}`,
    `3 known-did ${maskLeakOf(DID.slice(8))}`,
    `4 known-handle ${maskLeakOf('sam.nyc')}`,
    `5 handle ${maskLeakOf('alice.bsky.social')}`,
  ]);
  // The Parquet copy: DuckDB's to_json escapes the newline.
  rmSync(join(dir, 'cluster_0.jsonl'));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (SELECT 1 AS relative_integer_time, 'line' || chr(10) || 'sam.nyc' AS text UNION ALL SELECT 2, 'x' || chr(10) || '${DID}') TO '${join(dir, 'c.parquet')}' (FORMAT parquet)`);
  conn.closeSync();
  db.closeSync();
  const rows = (await auditRelease(dir, { known: { dids: [DID], handles: ['sam.nyc'] } })).map((l) => `${l.line} ${l.kind}`).sort();
  assert.deepEqual(rows, ['1 known-handle', '2 did']);
});

function maskLeakOf(value: string): string {
  const keep = Math.min(6, Math.floor(value.length / 4));
  return `${value.slice(0, keep)}${'*'.repeat(Math.min(8, value.length - keep))} (${value.length} chars)`;
}
