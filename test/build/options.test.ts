// Release options: --time bucket (and its refusal in compat mode), --no-parquet configs, and threads reused after a
// change of clustering (all scope) or a new K (same-cluster scope) giving exactly the release of a fresh build.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild, BuildError } from '../../src/dataset/build-stage.ts';
import { generateFile } from '../../src/generate/write.ts';
import { auditReleaseReport } from '../../src/privacy/audit.ts';
import { parseTimeOption } from '../../src/privacy/time.ts';
import { Store } from '../../src/store/store.ts';
import { buildOptions, postEvent, releasedThreads, releaseFiles, SECRET } from './helpers.ts';

const REAL_TEXT = 'fixtures/real-text-threads/events.jsonl';

let dir: string;
let keyFile: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simpact-options-'));
  keyFile = join(dir, 'secret');
  writeFileSync(keyFile, `${SECRET}\n`, { mode: 0o600 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('--time bucket:1h with --no-parquet: bucket indices, recorded in release.json and the card; JSONL configs per K', async () => {
  const events = readFileSync(REAL_TEXT, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { time_us: number; commit: { record: { text?: string } } });
  const HOUR = 3600e6;
  const first = Math.floor(Math.min(...events.map((e) => e.time_us)) / HOUR);
  const bucketOfText = new Map(events.filter((e) => e.commit.record.text).map((e) => [e.commit.record.text!, Math.floor(e.time_us / HOUR) - first]));
  const store = await Store.open(join(dir, 'time.duckdb'));
  try {
    const out = join(dir, 'rel-bucket');
    const report = await runBuild(store, buildOptions(out, keyFile, { inputs: [REAL_TEXT], time: parseTimeOption('bucket:1h'), parquet: false }));
    const manifest = JSON.parse(readFileSync(join(out, 'release.json'), 'utf8'));
    assert.equal(manifest.settings.time, 'bucket:1h');
    assert.equal(manifest.settings.parquet, false);
    const rows = releasedThreads(out, 1);
    let checked = 0;
    for (const m of rows.flatMap((r) => r.thread)) {
      const want = m.text === undefined ? undefined : bucketOfText.get(m.text);
      if (want !== undefined) {
        assert.equal(m.relative_integer_time, want, m.text);
        checked++;
      }
    }
    assert.ok(checked >= 14);
    const values = rows.flatMap((r) => r.thread.map((m) => m.relative_integer_time));
    assert.ok(new Set(values).size < values.length, 'messages of one hour share an index');
    assert.equal(Math.max(...values), 6, '20 events 20 minutes apart span hours 0..6');

    const card = readFileSync(join(out, 'README.md'), 'utf8');
    const front = card.split('\n---\n')[0];
    for (const k of [1, 3]) {
      assert.match(front, new RegExp(`- config_name: ${k}_clusters\\n {2}data_files:\\n {2}- split: train\\n {4}path: data/${k}_clusters/train\\.jsonl\\n {2}- split: validation\\n {4}path: data/${k}_clusters/validation\\.jsonl\\n {2}- split: test\\n {4}path: data/${k}_clusters/test\\.jsonl`));
      let lines = 0;
      for (const s of ['train', 'validation', 'test']) {
        const path = join(out, 'data', `${k}_clusters`, `${s}.jsonl`);
        assert.ok(existsSync(path), path);
        assert.ok(!existsSync(join(out, 'data', `${k}_clusters`, `${s}.parquet`)));
        const split = readFileSync(path, 'utf8').split('\n').filter(Boolean);
        for (const l of split) assert.match(l, /^\{"thread": \[.*\], "cluster_id": \d+\}$/);
        lines += split.length;
      }
      assert.equal(lines, report.threads);
    }
    assert.doesNotMatch(front, /\.parquet/);
    assert.match(card, /time: `bucket:1h` \(the index of the message's UTC hour, counted from the earliest/);
    assert.deepEqual((await auditReleaseReport(out, { secret: SECRET })).leaks, []);

    const ranked = join(dir, 'rel-rank');
    await runBuild(store, buildOptions(ranked, keyFile, {}));
    assert.equal(JSON.parse(readFileSync(join(ranked, 'release.json'), 'utf8')).settings.time, 'relative_integer_time');
    const ranks = releasedThreads(ranked, 1).flatMap((r) => r.thread.map((m) => m.relative_integer_time));
    assert.deepEqual([...ranks].sort((a, b) => a - b), ranks.map((_, i) => i), 'the default is the global rank');

    const compat = join(dir, 'rel-compat-bucket');
    await assert.rejects(
      runBuild(store, buildOptions(compat, keyFile, { compat: true, time: parseTimeOption('bucket:1d') })),
      (e: unknown) => e instanceof BuildError && e.kind === 'usage' && /--time bucket:1d: the reference has only the rank/.test(e.message),
    );
    await assert.rejects(
      runBuild(store, buildOptions(compat, keyFile, { compat: true, piiThresholds: { PHONE_NUMBER: 0.3 } })),
      (e: unknown) => e instanceof BuildError && e.kind === 'usage' && /--pii-threshold/.test(e.message),
    );
    assert.ok(!existsSync(compat));
  } finally {
    store.close();
  }
});

test('all scope: a re-run that reuses the threads after a change of clustering gives the bytes of a fresh build', async () => {
  const input = join(dir, 'gen.jsonl');
  generateFile({ out: input, users: 120, events: 3000, seed: 5 });
  const opts = (out: string, seed: number) => buildOptions(out, keyFile, { scope: 'all', seed, ks: [1, 3] });
  const a = await Store.open(join(dir, 'reuse-a.duckdb'));
  const b = await Store.open(join(dir, 'reuse-b.duckdb'));
  try {
    const first = await runBuild(a, { ...opts(join(dir, 'a1'), 1), inputs: [input] });
    assert.equal(first.reusedThreads, false);
    const again = await runBuild(a, opts(join(dir, 'a2'), 2));
    assert.equal(again.reusedThreads, true, 'all scope: the clusters are not part of the threads stage');
    const fresh = await runBuild(b, { ...opts(join(dir, 'b2'), 2), inputs: [input] });
    assert.equal(fresh.reusedThreads, false);

    const reused = releaseFiles(join(dir, 'a2'));
    const expected = releaseFiles(join(dir, 'b2'));
    assert.deepEqual([...reused.keys()], [...expected.keys()]);
    for (const [path, bytes] of expected) assert.ok(bytes.equals(reused.get(path)!), `${path} differs between the reused and the fresh build`);
    const before = releaseFiles(join(dir, 'a1'));
    assert.ok(!before.get('processed_3_clusters/cluster_0.jsonl')!.equals(expected.get('processed_3_clusters/cluster_0.jsonl')!), 'the clustering did change');
  } finally {
    a.close();
    b.close();
  }
});

test('the stricter audit stops a build on a contact the scrubber left (bare phone number); --pii-threshold scrubs it', async () => {
  const A = 'did:plc:phoneuseraaaaaaaaaaaaaaa';
  const t = 1740973563121964;
  const input = join(dir, 'phone.jsonl');
  writeFileSync(input, `${postEvent(A, 'p1', t, 'new campaign office line 4155552671 from monday')}\n${postEvent(A, 'p2', t + 1, 'volunteers welcome')}\n`);
  const store = await Store.open(join(dir, 'phone.duckdb'));
  try {
    const out = join(dir, 'rel-phone');
    const err = await runBuild(store, buildOptions(out, keyFile, { inputs: [input], ks: [1], chainK: 1 })).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof BuildError && err.kind === 'leak', String(err));
    assert.match(err.message, /processed_1_clusters\/cluster_0\.jsonl:\d+ phone/);
    assert.match(err.message, /--pii-threshold PHONE_NUMBER=0\.3/);
    assert.doesNotMatch(err.message, /4155552671/);
    assert.ok(!existsSync(out));

    const report = await runBuild(store, buildOptions(out, keyFile, { ks: [1], chainK: 1, piiThresholds: { PHONE_NUMBER: 0.3 } }));
    assert.equal(report.reusedThreads, false, 'new thresholds re-scrub the threads');
    const texts = releasedThreads(out, 1).flatMap((r) => r.thread.map((m) => m.text));
    assert.ok(texts.includes('new campaign office line <PHONE_NUMBER> from monday'));
    const manifest = JSON.parse(readFileSync(join(out, 'release.json'), 'utf8'));
    assert.deepEqual(manifest.settings.pii.thresholds, { PHONE_NUMBER: 0.3 });
  } finally {
    store.close();
  }
});

test('same-cluster scope: a new K over the same chain partition reuses the threads, byte for byte a fresh build; a new chain partition rebuilds them', async () => {
  const opts = (out: string, ks: number[], seed: number) => buildOptions(out, keyFile, { ks, chainK: 3, seed });
  const a = await Store.open(join(dir, 'reuse-sc-a.duckdb'));
  const b = await Store.open(join(dir, 'reuse-sc-b.duckdb'));
  try {
    const first = await runBuild(a, { ...opts(join(dir, 'sc1'), [1, 3], 1), inputs: [REAL_TEXT] });
    assert.equal(first.reusedThreads, false);
    const more = await runBuild(a, opts(join(dir, 'sc2'), [1, 2, 3], 1));
    assert.equal(more.reusedThreads, true, 'the K=3 chain partition is unchanged');
    const fresh = await runBuild(b, { ...opts(join(dir, 'sc-fresh'), [1, 2, 3], 1), inputs: [REAL_TEXT] });
    assert.equal(fresh.reusedThreads, false);
    const reused = releaseFiles(join(dir, 'sc2'));
    const expected = releaseFiles(join(dir, 'sc-fresh'));
    assert.deepEqual([...reused.keys()], [...expected.keys()]);
    for (const [path, bytes] of expected) assert.ok(bytes.equals(reused.get(path)!), `${path} differs between the reused and the fresh build`);
    // the K=1 and K=3 files of the first build are those of the second
    const before = releaseFiles(join(dir, 'sc1'));
    for (const [path, bytes] of before) if (path.startsWith('processed_') || path.startsWith('splits/')) assert.ok(bytes.equals(reused.get(path)!), path);
    const twice = await runBuild(a, opts(join(dir, 'sc3'), [1, 2, 3], 1));
    assert.equal(twice.reusedThreads, true);
    const third = releaseFiles(join(dir, 'sc3'));
    for (const [path, bytes] of expected) assert.ok(bytes.equals(third.get(path)!), `${path}: a second reuse gives the same bytes`);

    const reclustered = await runBuild(a, opts(join(dir, 'sc4'), [1, 2, 3], 2));
    assert.equal(reclustered.reusedThreads, false, 'same-cluster scope: the chain partition is part of the threads key');
  } finally {
    a.close();
    b.close();
  }
});
