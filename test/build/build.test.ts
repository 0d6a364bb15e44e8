// End to end: ingest real fixtures plus a small generated input, build a release with two partitions, check its
// format, splits, Parquet copies and audit, the re-run reuse, and the failure modes. The real captures' users have
// one post each, so with --min-posts 2 the threads here come from the generated events; real texts reaching a
// release are checked in real-data.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_KEYS } from '../../src/bluesky/actions.ts';
import { runBuild, BuildError, type BuildOptions } from '../../src/dataset/build-stage.ts';
import type { ClusterPartitions } from '../../src/dataset/clusters.ts';
import { generateFile } from '../../src/generate/write.ts';
import { auditReleaseReport } from '../../src/privacy/audit.ts';
import { Store } from '../../src/store/store.ts';
import { nextActionSample } from '../../src/threads/sample.ts';
import { buildOptions } from './helpers.ts';

let dir: string;
let keyFile: string;
const FIXTURES = ['fixtures/jetstream-v1-capture/expected_v1.jsonl', 'fixtures/blueprint-examples/expected_input_format_examples.json'];
/** Real post texts in a made-up structure (fixtures/real-text-threads/PROVENANCE.md). */
const REAL_TEXT = 'fixtures/real-text-threads/events.jsonl';

/** Two partitions without the clustering stage: K=1, and K=3 by a hash of the DID. */
async function hashClusters(users: Set<string>): Promise<ClusterPartitions> {
  const one = new Map<string, number>();
  const three = new Map<string, number>();
  for (const did of users) {
    one.set(did, 0);
    three.set(did, createHash('sha256').update(did).digest()[0] % 3);
  }
  return { ks: [1, 3], byK: new Map([[1, one], [3, three]]), method: 'test partition (hash of the DID)', seed: null };
}

function options(out: string, extra: Partial<BuildOptions> = {}): BuildOptions {
  return buildOptions(out, keyFile, { clusters: hashClusters, ...extra });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simpact-build-'));
  keyFile = join(dir, 'secret');
  writeFileSync(keyFile, 'a-test-secret-that-is-long-enough\n', { mode: 0o600 });
  generateFile({ out: join(dir, 'gen.jsonl'), users: 150, events: 4000, seed: 3 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('build from real fixtures and generated events: BluePrint lines, splits, Parquet, card, clean audit, reuse', async () => {
  const store = await Store.open(join(dir, 'a.duckdb'));
  try {
    const out = join(dir, 'rel');
    const report = await runBuild(store, options(out, { inputs: [...FIXTURES, join(dir, 'gen.jsonl')] }));
    assert.ok(report.threads > 500, `threads: ${report.threads}`);
    assert.equal(report.reusedThreads, false);
    assert.deepEqual(report.ks, [1, 3]);
    const manifest = JSON.parse(readFileSync(join(out, 'release.json'), 'utf8'));
    assert.equal(manifest.complete, true);
    assert.equal(manifest.counts.threads, report.threads);
    assert.ok(!existsSync(join(out, '.simpact-partial')));
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('rel')), ['rel']);

    for (const k of [1, 3]) {
      const files = readdirSync(join(out, `processed_${k}_clusters`)).sort();
      let total = 0;
      for (const f of files) {
        const id = Number(/^cluster_(\d+)\.jsonl$/.exec(f)![1]);
        const lines = readFileSync(join(out, `processed_${k}_clusters`, f), 'utf8').trimEnd().split('\n');
        total += lines.length;
        for (const line of lines) {
          assert.match(line, /^\{"thread": \[\{"relative_integer_time": \d+, /);
          assert.ok(line.endsWith(`], "cluster_id": ${id}}`));
          assert.doesNotMatch(line, /did:|at:\/\/|[^\x20-\x7e]/);
          const rec = JSON.parse(line) as { thread: Record<string, unknown>[] };
          const last = rec.thread[rec.thread.length - 1] as { actions: Record<string, boolean> };
          assert.deepEqual(Object.keys(last.actions), [...ACTION_KEYS]);
          assert.equal(Object.values(last.actions).filter(Boolean).length, 1);
          for (const m of rec.thread.slice(0, -1)) assert.deepEqual(Object.keys(m), ['relative_integer_time', 'text', 'user_id']);
          for (const m of rec.thread) assert.match(m.user_id as string, /^[0-9a-f]{64}$/);
          nextActionSample(rec.thread as never);
        }
      }
      assert.equal(total, report.threads);
      assert.equal(total, report.perK[k].threads);
      const splitLines = ['train', 'validation', 'test'].map((s) => readFileSync(join(out, 'splits', `${k}_clusters`, `${s}.jsonl`), 'utf8').split('\n').filter(Boolean).length);
      assert.equal(splitLines[0] + splitLines[1] + splitLines[2], total);
      assert.ok(Math.abs(splitLines[1] / total - 0.1) < 0.02);
      assert.equal(report.perK[k].test, splitLines[2]);
      for (const s of ['train', 'validation', 'test']) assert.ok(existsSync(join(out, 'data', `${k}_clusters`, `${s}.parquet`)));
    }
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    assert.match(card, /^---\n[\s\S]*configs:\n- config_name: 1_clusters\n {2}data_files:\n {2}- split: train\n {4}path: data\/1_clusters\/train.parquet/);
    assert.match(card, /- config_name: 3_clusters/);
    assert.match(card, /\| like \| \d+ \|/);
    const audit = await auditReleaseReport(out, { secret: 'a-test-secret-that-is-long-enough' });
    assert.deepEqual(audit.leaks, []);
    assert.ok(audit.scannedFiles >= 10);

    const before = readFileSync(join(out, 'processed_3_clusters', 'cluster_0.jsonl'));
    const again = await runBuild(store, options(out));
    assert.equal(again.reusedThreads, true);
    assert.equal(again.threads, report.threads);
    assert.deepEqual(readFileSync(join(out, 'processed_3_clusters', 'cluster_0.jsonl')), before, 'a re-run is byte-identical');
    const scoped = await runBuild(store, options(join(dir, 'rel-all'), { scope: 'all' }));
    assert.equal(scoped.reusedThreads, false, 'a changed setting recomputes the threads');

    // opt-out: the most active poster's threads all go, after ranking (the thread set is reused)
    const posts = new Map<string, number>();
    for (const line of readFileSync(join(dir, 'gen.jsonl'), 'utf8').split('\n')) {
      const m = /^\{"did":"([^"]+)".*"collection":"app\.bsky\.feed\.post"/.exec(line);
      if (m) posts.set(m[1], (posts.get(m[1]) ?? 0) + 1);
    }
    const top = [...posts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    writeFileSync(join(dir, 'optout.txt'), `# test\n${top}\n`);
    const opted = await runBuild(store, options(join(dir, 'rel-optout'), { scope: 'all', optOutFile: join(dir, 'optout.txt') }));
    assert.equal(opted.reusedThreads, true);
    assert.ok(opted.optedOut > 0);
    assert.equal(opted.threads, scoped.threads - opted.optedOut);
    await assert.rejects(runBuild(store, options(join(dir, 'rel-x'), { optOutFile: join(dir, 'nope.txt') })), /cannot read the opt-out list/);
  } finally {
    store.close();
  }
});

test('compat mode: needs the secret; drops quote text; a text the reference does not scrub is a leak and no release', async () => {
  const store = await Store.open(join(dir, 'b.duckdb'));
  try {
    const out = join(dir, 'compat');
    await assert.rejects(runBuild(store, options(out, { compat: true, secretFile: join(dir, 'missing'), inputs: FIXTURES })), (e: unknown) => e instanceof BuildError && e.kind === 'usage' && /compat mode needs/.test(e.message));

    // Quote text: the reference drops it at release (rebuild_chains.py); the default keeps it. The fixture's one
    // quote (real text) is by another user of a post in the file.
    const quoteText = readFileSync(REAL_TEXT, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.commit.record.embed)!.commit.record.text as string;
    const quoteOf = (release: string) => {
      const found: Record<string, unknown>[][] = [];
      for (const f of readdirSync(join(release, 'processed_1_clusters'))) {
        for (const line of readFileSync(join(release, 'processed_1_clusters', f), 'utf8').split('\n').filter(Boolean)) {
          const thread = (JSON.parse(line) as { thread: Record<string, unknown>[] }).thread;
          if ((thread[thread.length - 1].actions as Record<string, boolean> | undefined)?.quote) found.push(thread);
        }
      }
      assert.equal(found.length, 1, 'one quote thread');
      return found[0];
    };
    const compatOut = join(dir, 'compat-quote');
    await runBuild(store, options(compatOut, { compat: true, inputs: [REAL_TEXT], ks: [1], chainK: 1 }));
    const compatQuote = quoteOf(compatOut);
    assert.deepEqual(Object.keys(compatQuote[1]), ['relative_integer_time', 'actions', 'user_id'], 'compat: the quote message has no text');
    assert.ok(!readFileSync(join(compatOut, 'processed_1_clusters', 'cluster_0.jsonl'), 'utf8').includes(quoteText.slice(0, 40)));
    const defaultOut = join(dir, 'default-quote');
    await runBuild(store, options(defaultOut, { inputs: [REAL_TEXT], ks: [1], chainK: 1 }));
    const defaultQuote = quoteOf(defaultOut);
    assert.deepEqual(Object.keys(defaultQuote[1]), ['relative_integer_time', 'text', 'actions', 'user_id']);
    assert.equal(defaultQuote[1].text, quoteText, 'default: the quote text is kept');
    assert.equal(defaultQuote[0].text, compatQuote[0].text, 'both show the quoted post as context');
    const leaky = join(dir, 'leaky.jsonl');
    const ev = (rkey: string, text: string, t: number) =>
      JSON.stringify({ did: 'did:plc:leakyuser000000000000000', time_us: 1740000000000000 + t, kind: 'commit', commit: { rev: `r${t}`, operation: 'create', collection: 'app.bsky.feed.post', rkey, record: { $type: 'app.bsky.feed.post', text, langs: ['en'], createdAt: '2025-03-01T00:00:00Z' }, cid: 'bafy' } });
    writeFileSync(leaky, `${ev('p1', 'my other account is did:plc:abcdefghijklmnopqrstuvwx', 1)}\n${ev('p2', 'second post', 2)}\n`);
    const err = await runBuild(store, options(out, { compat: true, inputs: [...FIXTURES, leaky] })).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof BuildError && err.kind === 'leak', String(err));
    assert.match(err.message, /leak\(s\); the release was NOT completed/);
    assert.doesNotMatch(err.message, /abcdefghijklmnopqrstuvwx/);
    assert.ok(!existsSync(out), 'nothing is presented under the final name');
  } finally {
    store.close();
  }
});

test('refuses to overwrite a folder that is not a release', async () => {
  const store = await Store.open(join(dir, 'c.duckdb'));
  try {
    const out = join(dir, 'precious');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    await assert.rejects(runBuild(store, options(out, { inputs: FIXTURES })), /not a simpact release/);
    assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'keep me');
  } finally {
    store.close();
  }
});
