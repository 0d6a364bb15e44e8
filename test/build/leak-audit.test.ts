// The release audit is independent of the writer: a release built from real post texts (fixtures/real-text-threads)
// holds none of the raw identifiers or times of its input, checked here directly against the input (every text
// file byte for byte, every Parquet row), and every leak planted afterwards — in a cluster file, a Parquet copy,
// the card or release.json — makes the audit fail, with the accounts' own handles and ids read from the store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { BuildError, runBuild } from '../../src/dataset/build-stage.ts';
import { auditReleaseReport } from '../../src/privacy/audit.ts';
import { collectedIdentifiers, parquetRowsAsJson } from '../../src/store/privacy.ts';
import { Store } from '../../src/store/store.ts';
import { buildOptions, postEvent, releasedThreads, releaseFiles, SECRET } from './helpers.ts';

const REAL_TEXT = 'fixtures/real-text-threads/events.jsonl';

interface FixtureEvent {
  did: string;
  time_us: number;
  commit: { rkey: string; cid: string; record: { createdAt: string; text?: string } };
}

let dir: string;
let keyFile: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simpact-leak-audit-'));
  keyFile = join(dir, 'secret');
  writeFileSync(keyFile, `${SECRET}\n`, { mode: 0o600 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a release from real texts holds no raw identifier or time of its input; each planted leak fails the audit', async () => {
  const events = readFileSync(REAL_TEXT, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FixtureEvent);
  const dids = [...new Set(events.map((e) => e.did))];
  assert.equal(dids.length, 6);
  // Made-up handles for the six made-up accounts (identity events), custom domains and one *.bsky.social.
  const handles = dids.map((d, i) => (i === 1 ? `${d.slice(8, 17)}b.bsky.social` : `${d.slice(8, 17)}${'abcdef'[i]}.example.org`));
  const identity = join(dir, 'identity.jsonl');
  writeFileSync(
    identity,
    `${dids.map((did, i) => JSON.stringify({ did, time_us: 1739990000000000 + i, kind: 'identity', identity: { did, handle: handles[i], seq: 100 + i, time: '2025-02-19T18:33:20.000Z' } })).join('\n')}\n`,
  );

  const store = await Store.open(join(dir, 'real.duckdb'));
  try {
    const out = join(dir, 'rel');
    const report = await runBuild(store, buildOptions(out, keyFile, { inputs: [REAL_TEXT, identity], ks: [1], chainK: 1 }));
    assert.equal(report.users, 6);
    assert.equal(report.threads, 15, 'six posts, two replies, three likes, a repost, two follows, a quote');
    assert.equal(report.leaks, 0);
    const known = await collectedIdentifiers(store);
    assert.deepEqual([...known.handles].sort(), [...handles].sort());
    assert.ok(dids.every((d) => known.dids.includes(d)));

    // Directly against the input: no DID (with or without its prefix), handle, record key, CID, time or date.
    const forbidden = [
      ...dids,
      ...dids.map((d) => d.slice('did:plc:'.length)),
      ...handles,
      ...events.flatMap((e) => [String(e.time_us), String(Math.floor(e.time_us / 1000)), e.commit.record.createdAt, e.commit.record.createdAt.slice(0, 10), e.commit.cid, `/${e.commit.rkey}`]),
      SECRET,
    ];
    const files = releaseFiles(out);
    const parquet = [...files.keys()].filter((f) => f.endsWith('.parquet'));
    assert.equal(parquet.length, 3);
    let rows = 0;
    for (const [path, bytes] of files) {
      const texts = path.endsWith('.parquet') ? await collect(parquetRowsAsJson(join(out, path))) : [bytes.toString('utf8')];
      if (path.endsWith('.parquet')) rows += texts.length;
      for (const text of texts) for (const f of forbidden) assert.ok(!text.toLowerCase().includes(f.toLowerCase()), `${path} holds ${f.slice(0, 12)}…`);
    }
    assert.equal(rows, 15, 'the Parquet splits hold every thread once');
    assert.deepEqual((await auditReleaseReport(out, { secret: SECRET, known })).leaks, []);

    // Plant one leak per file kind; the audit reports each, at its file and line, and nothing else.
    const bad = join(dir, 'rel-planted');
    cpSync(out, bad, { recursive: true });
    const cluster = join('processed_1_clusters', 'cluster_0.jsonl');
    const lines = readFileSync(join(bad, cluster), 'utf8').split('\n');
    const created = events[0].commit.record.createdAt;
    lines[0] = lines[0].replace('"relative_integer_time": ', `"created_at": "${created}", "relative_integer_time": `);
    lines[2] = lines[2].replace(/"text": "/, `"text": "thanks ${handles[0]} `);
    lines[4] = lines[4].replace(/"user_id": "[0-9a-f]{64}"/, `"user_id": "${dids[2]}"`);
    writeFileSync(join(bad, cluster), lines.join('\n'));

    const train = join(bad, 'data', '1_clusters', 'train.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT * EXCLUDE (rn), CASE WHEN rn = 2 THEN ${events[3].time_us} END AS time_us FROM (SELECT *, row_number() OVER () AS rn FROM read_parquet('${train}'))) TO '${train}.new' (FORMAT parquet)`,
    );
    conn.closeSync();
    db.closeSync();
    renameSync(`${train}.new`, train);

    const card = readFileSync(join(bad, 'README.md'), 'utf8').split('\n');
    const cardLine = card.findIndex((l) => l.startsWith('- users: '));
    card[cardLine] += ` (curated by ${handles[1]}, key ${SECRET})`;
    writeFileSync(join(bad, 'README.md'), card.join('\n'));
    const manifest = readFileSync(join(bad, 'release.json'), 'utf8').split('\n');
    const manifestLine = manifest.findIndex((l) => l.includes('"inputFingerprint"'));
    manifest[manifestLine] = manifest[manifestLine].replace('"inputFingerprint": "', `"inputFingerprint": "${dids[5].slice(8)} `);
    writeFileSync(join(bad, 'release.json'), manifest.join('\n'));

    const leaks = (await auditReleaseReport(bad, { secret: SECRET, known })).leaks;
    const got = leaks.map((l) => `${l.file}:${l.line} ${l.kind}`);
    const parquetLeaks = got.filter((g) => g.startsWith(join('data', '1_clusters', 'train.parquet')));
    assert.equal(parquetLeaks.length, 1, got.join(', '));
    assert.match(parquetLeaks[0], /:\d+ epoch-us$/);
    assert.deepEqual(got.filter((g) => !parquetLeaks.includes(g)).sort(), [
      `${cluster}:1 iso-date`,
      `${cluster}:3 known-handle`,
      `${cluster}:3 url`,
      `${cluster}:5 did`,
      `README.md:${cardLine + 1} handle`,
      `README.md:${cardLine + 1} known-handle`,
      `README.md:${cardLine + 1} secret`,
      `release.json:${manifestLine + 1} known-did`,
    ].sort());
    for (const l of leaks) for (const f of [...dids, ...handles, created, SECRET]) assert.ok(!l.excerpt.includes(f), `excerpt ${l.excerpt} reprints a leak`);
    // the same planted release without the store's identifiers misses the bare id: the store's list is what finds it
    const blind = (await auditReleaseReport(bad, { secret: SECRET })).leaks.map((l) => `${l.file}:${l.line} ${l.kind}`);
    assert.ok(!blind.includes(`release.json:${manifestLine + 1} known-did`) && !blind.some((g) => g.startsWith('release.json')));
  } finally {
    store.close();
  }
});

async function collect(rows: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

test('a collected handle the PII engine does not know (sam.nyc, no @) is scrubbed by lookup; compat keeps it and its audit stops the build', async () => {
  const A = 'did:plc:handleuseraaaaaaaaaaaaaa';
  const B = 'did:plc:handleuserbbbbbbbbbbbbbb';
  const t = 1740973563121964;
  const input = join(dir, 'handles.jsonl');
  const identity = (did: string, handle: string, i: number) => JSON.stringify({ did, time_us: t - 10 + i, kind: 'identity', identity: { did, handle, seq: 7 + i, time: '2025-03-03T03:46:00.000Z' } });
  writeFileSync(
    input,
    `${[
      identity(A, 'sam.nyc', 0),
      identity(B, 'Eve.Lol', 1),
      postEvent(A, 'a1', t, 'Town hall tonight, ask EVE.LOL about the zoning vote'),
      postEvent(A, 'a2', t + 1000, 'Notes from the town hall are up'),
      postEvent(B, 'b1', t + 2000, 'thanks sam.nyc for hosting; pete.lol was there too'),
      postEvent(B, 'b2', t + 3000, 'next one in two weeks'),
    ].join('\n')}\n`,
  );
  const store = await Store.open(join(dir, 'handles.duckdb'));
  try {
    const out = join(dir, 'rel-handles');
    const report = await runBuild(store, buildOptions(out, keyFile, { inputs: [input], ks: [1], chainK: 1 }));
    assert.equal(report.leaks, 0);
    const texts = releasedThreads(out, 1).flatMap((r) => r.thread.map((m) => m.text));
    assert.ok(texts.includes('Town hall tonight, ask <USERNAME> about the zoning vote'));
    assert.ok(texts.includes('thanks <USERNAME> for hosting; pete.lol was there too'), 'a name no collected account holds stays');
    assert.match(readFileSync(join(out, 'README.md'), 'utf8'), /own handles, on any domain and without `@`, are replaced by `<USERNAME>`/);

    const compatOut = join(dir, 'rel-handles-compat');
    const err = await runBuild(store, buildOptions(compatOut, keyFile, { compat: true, ks: [1], chainK: 1 })).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof BuildError && err.kind === 'leak', String(err));
    assert.match(err.message, /processed_1_clusters\/cluster_0\.jsonl:\d+ known-handle/);
    assert.doesNotMatch(err.message, /sam\.nyc|eve\.lol/i);
  } finally {
    store.close();
  }
});
