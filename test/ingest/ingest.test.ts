import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ingestPaths, type IngestOptions } from '../../src/ingest/ingest.ts';
import { Store, num } from '../../src/store/store.ts';
import { countEvents } from '../../src/store/events.ts';
import { storeStats } from '../../src/store/stats.ts';

const V1 = 'fixtures/jetstream-v1-capture/expected_v1.jsonl';
const GOLDEN = 'fixtures/jetstream-v1-capture/golden_v1.jsonl';
const GROUPED = 'fixtures/blueprint-examples/expected_input_format_examples.json';
const GOLDEN_ZST = 'fixtures/ingest/golden_v1.jsonl.zst';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'simpact-ingest-'));
}

async function withStore<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await Store.open(':memory:');
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
}

async function ingest(store: Store, paths: string[], opts: IngestOptions = {}) {
  return ingestPaths(store, paths, { maxErrors: 100, ...opts });
}

test('real capture: every event stored once, normalised tables match the manifest counts', async () => {
  await withStore(async (s) => {
    const r = await ingest(s, [V1]);
    assert.equal(r.events, 152);
    assert.equal(r.inserted, 152);
    assert.equal(r.malformed, 0);
    const count = async (sql: string) => num((await s.all(sql))[0].n);
    // manifest: 105 like-create, 17 post-create, 15 repost-create, 6 follow-create, 3 follow-delete, 1 block-create, 1 post-delete
    assert.equal(await count('SELECT count(*) n FROM likes'), 105);
    assert.equal(await count('SELECT count(*) n FROM posts'), 17);
    assert.equal(await count('SELECT count(*) n FROM reposts'), 15);
    assert.equal(await count('SELECT count(*) n FROM follows'), 6);
    assert.equal(await count("SELECT count(*) n FROM deletes WHERE collection = 'app.bsky.graph.follow'"), 3);
    assert.equal(await count('SELECT count(*) n FROM blocks'), 1);
    assert.equal(await count("SELECT count(*) n FROM deletes WHERE collection = 'app.bsky.feed.post'"), 1);
    assert.equal(await count('SELECT count(*) n FROM identity_events'), 1);
    assert.equal(await count('SELECT count(*) n FROM account_events'), 1);
    // ingest order is kept as seq even though time_us is not monotonic in the file
    const seqs = (await s.all('SELECT seq, time_us FROM raw_events ORDER BY seq')).map((r) => num(r.time_us));
    const fileOrder = lines(V1).map((l) => (JSON.parse(l) as { time_us: number }).time_us);
    assert.deepEqual(seqs, fileOrder);
    // the raw text is stored verbatim
    const raw = (await s.all('SELECT raw FROM raw_events ORDER BY seq LIMIT 1'))[0].raw;
    assert.equal(raw, lines(V1)[0]);
  });
});

/** The expected class of a commit, written out independently of classifyCommit. */
function expectedClass(collection: string, op: string, record: Record<string, any> | undefined): string {
  const table: Record<string, Record<string, string>> = {
    'app.bsky.feed.like': { create: 'like', delete: 'unlike' },
    'app.bsky.feed.repost': { create: 'repost', delete: 'unrepost' },
    'app.bsky.graph.follow': { create: 'follow', delete: 'unfollow' },
    'app.bsky.graph.block': { create: 'block', delete: 'unblock' },
    'app.bsky.feed.post': { update: 'post_update', delete: 'post_delete' },
    'app.bsky.actor.profile': { create: 'profile_update', update: 'profile_update', delete: 'other' },
  };
  if (collection === 'app.bsky.feed.post' && op === 'create') {
    const e = record?.embed;
    if (e?.record?.uri || e?.record?.record?.uri) return 'quote';
    return record?.reply ? 'reply' : 'post';
  }
  if (table[collection]) return table[collection][op];
  return collection.startsWith('app.bsky.') || collection.startsWith('chat.bsky.') ? 'other' : 'unknown';
}

test('real data: every collection and operation of both fixtures maps to the right class, none is fatal', async () => {
  await withStore(async (s) => {
    const r = await ingest(s, [V1, GOLDEN, GROUPED]);
    assert.equal(r.malformed, 0);
    assert.equal(r.fileProblems, 0);
    const doc = JSON.parse(readFileSync(GROUPED, 'utf8'));
    const events: any[] = [...lines(V1), ...lines(GOLDEN)].map((l) => JSON.parse(l));
    for (const list of Object.values(doc.kinds) as any[][]) events.push(...list);
    for (const ops of Object.values(doc.commits) as Record<string, any[]>[]) for (const list of Object.values(ops)) events.push(...list);
    assert.ok(events.length > 380);
    const stored = await s.all("SELECT did, collection, rkey, rev, operation, cls FROM raw_events WHERE kind = 'commit'");
    const cls = new Map(stored.map((x) => [`${x.did} ${x.collection} ${x.rkey} ${x.rev} ${x.operation}`, x.cls]));
    const seen = new Set<string>();
    let unknown = 0;
    for (const e of events.filter((x) => x.kind === 'commit')) {
      const c = e.commit;
      const want = expectedClass(c.collection, c.operation, c.record);
      assert.equal(cls.get(`${e.did} ${c.collection} ${c.rkey} ${c.rev} ${c.operation}`), want, `${c.collection} ${c.operation}`);
      seen.add(`${c.collection}:${c.operation}`);
      if (want === 'unknown') unknown++;
    }
    assert.ok(seen.size >= 90, `collection/operation pairs covered: ${seen.size}`);
    const stats = await s.all("SELECT count(*) n FROM raw_events WHERE cls = 'unknown'");
    assert.ok(num(stats[0].n) > 0 && num(stats[0].n) <= unknown);
    assert.equal(num((await s.all("SELECT count(*) n FROM raw_events WHERE kind = 'identity'"))[0].n) >= 2, true);
    const profiles = num((await s.all("SELECT count(*) n FROM raw_events WHERE cls = 'profile_update'"))[0].n);
    assert.ok(profiles >= 2);
    assert.equal(num((await s.all('SELECT count(*) n FROM profile_changes'))[0].n), profiles);
    assert.ok(num((await s.all('SELECT count(*) n FROM post_updates'))[0].n) >= 1);
    assert.ok(num((await s.all('SELECT count(*) n FROM account_events WHERE active IS NOT NULL'))[0].n) >= 2);
  });
});

test('the grouped example format is recognised by content, also under another name and on one line', async () => {
  const dir = tmp();
  try {
    const doc = JSON.parse(readFileSync(GROUPED, 'utf8'));
    writeFileSync(join(dir, 'pretty.data'), JSON.stringify(doc, null, 2));
    writeFileSync(join(dir, 'one-line.jsonl'), JSON.stringify(doc));
    await withStore(async (s) => {
      const a = await ingest(s, [join(dir, 'pretty.data')]);
      assert.equal(a.malformed, 0);
      assert.ok(a.inserted > 200);
      const b = await ingest(s, [join(dir, 'one-line.jsonl')]);
      assert.equal(b.inserted, 0);
      assert.equal(b.duplicates, a.events);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ingesting the same events twice stores them once (and repeats inside one file are dropped)', async () => {
  const dir = tmp();
  try {
    const all = lines(V1);
    writeFileSync(join(dir, 'twice.jsonl'), [...all.slice(0, 10), ...all.slice(0, 10)].join('\n'));
    await withStore(async (s) => {
      const a = await ingest(s, [V1]);
      const b = await ingest(s, [V1]);
      assert.equal(a.inserted, 152);
      assert.equal(b.inserted, 0);
      assert.equal(b.duplicates, 152);
      assert.equal(await countEvents(s), 152);
      assert.equal(num((await s.all('SELECT count(*) n FROM likes'))[0].n), 105);
    });
    await withStore(async (s) => {
      const r = await ingest(s, [join(dir, 'twice.jsonl')]);
      assert.equal(r.inserted, 10);
      assert.equal(r.duplicates, 10);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a BluePrint-style DD/HH tree of extensionless files is ingested recursively; other files are passed over', async () => {
  const dir = tmp();
  try {
    const all = lines(V1);
    const parts = [all.slice(0, 50), all.slice(50, 100), all.slice(100)];
    const names = ['03/03/bluesky-2-2025-03-03-03-46-02-1f0e6c9a-5b3c-4d1e-9a7b-2c4d6e8f0a1b', '03/04/bluesky-2-2025-03-03-04-00-00-7d2e9c1b-0a4f-4e6d-8b2a-9c1d3e5f7a9b', '04/00/bluesky-2-2025-03-04-00-00-00-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'];
    names.forEach((n, i) => {
      mkdirSync(join(dir, n, '..'), { recursive: true });
      writeFileSync(join(dir, n), parts[i].join('\n') + '\n');
    });
    writeFileSync(join(dir, '03', 'README.md'), '# not data\n');
    writeFileSync(join(dir, 'LICENSE'), 'MIT License\n\nPermission is hereby granted...\n');
    await withStore(async (s) => {
      const r = await ingest(s, [dir]);
      assert.equal(r.files, 3);
      assert.equal(r.skippedFiles, 2, 'README.md by its name, LICENSE by its content');
      assert.equal(r.malformed + r.fileProblems, 0);
      assert.equal(r.inserted, 152);
      const sources = await s.all('SELECT DISTINCT source FROM raw_events ORDER BY source');
      assert.deepEqual(sources.map((x) => x.source), names.map((n) => join(dir, n)));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a JSON array of events on one line is a document, like a pretty-printed one', async () => {
  const dir = tmp();
  try {
    const events = lines(V1).slice(0, 5).map((l) => JSON.parse(l) as unknown);
    writeFileSync(join(dir, 'one-line.json'), JSON.stringify(events));
    writeFileSync(join(dir, 'pretty.json'), JSON.stringify(events, null, 2));
    await withStore(async (s) => {
      const r = await ingest(s, [join(dir, 'one-line.json'), join(dir, 'pretty.json')]);
      assert.equal(r.malformed + r.fileProblems, 0);
      assert.equal(r.events, 10);
      assert.equal(r.inserted, 5);
      assert.equal(r.duplicates, 5);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gzip and zstd files are read by their magic bytes; truncated ones keep the good lines and name the file', async () => {
  const dir = tmp();
  try {
    const text = readFileSync(V1);
    const gz = gzipSync(text);
    writeFileSync(join(dir, 'a.jsonl.gz'), gz);
    writeFileSync(join(dir, 'b-no-extension'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    const zst = readFileSync(GOLDEN_ZST);
    writeFileSync(join(dir, 'c.zst'), zst);
    writeFileSync(join(dir, 'd.jsonl.zst'), zst.subarray(0, Math.floor(zst.length / 2)));
    await withStore(async (s) => {
      const r = await ingest(s, [join(dir, 'a.jsonl.gz'), join(dir, 'c.zst')]);
      assert.equal(r.inserted, 162);
      assert.equal(r.malformed + r.fileProblems, 0);
    });
    await withStore(async (s) => {
      const r = await ingest(s, [join(dir, 'b-no-extension')]);
      assert.equal(r.fileProblems, 1);
      assert.match(r.problems[0].reason, /corrupt or truncated gzip/);
      assert.equal(r.problems[0].file, join(dir, 'b-no-extension'));
      assert.ok(r.inserted > 40 && r.inserted < 152, `kept ${r.inserted} good events`);
      assert.equal(r.malformed, 0, 'the cut-off last line is dropped, not reported as bad JSON');
      assert.equal((await storeStats(s)).fileProblems, 1, 'the truncated file is counted in the store statistics');
    });
    await withStore(async (s) => {
      const r = await ingest(s, [join(dir, 'd.jsonl.zst')]);
      assert.equal(r.fileProblems, 1);
      assert.match(r.problems[0].reason, /corrupt or truncated zstd/);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad lines are located, counted and skipped; the good lines around them are kept', async () => {
  const dir = tmp();
  try {
    const good = lines(V1);
    const huge = `{"did":"did:plc:x","time_us":1,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.feed.post","rkey":"k","record":{"text":"${'x'.repeat(1_100_000)}"}}}`;
    const body = Buffer.concat([
      Buffer.from(`${good[0]}\n{"did": broken\n${good[1]}\n{"hello":"world"}\n[1,2]\n`),
      Buffer.from(`{"did":"did:plc:abc","time_us":5,"kind":"commit","commit":{"operation":"create"}}\n`),
      Buffer.from(`${good[2]}\n${huge}\n${good[3]}\n`),
      Buffer.from('{"did":"did:plc:abc","text":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n'),
      Buffer.from(`${good[4]}\r\n\n   \n${good[5]}`), // CRLF, blank lines, no final newline
    ]);
    writeFileSync(join(dir, 'bad.jsonl'), body);
    await withStore(async (s) => {
      const r = await ingest(s, [join(dir, 'bad.jsonl'), join(dir, 'missing.jsonl')], { batchSize: 2 });
      assert.equal(r.inserted, 6);
      assert.equal(r.malformed, 6);
      assert.equal(r.fileProblems, 1);
      const where = r.problems.map((p) => `${p.line ?? '-'} ${p.kind}`);
      assert.deepEqual(where, ['- file', '2 json', '4 not-jetstream', '5 not-jetstream', '6 not-jetstream', '8 too-long', '10 utf8']);
      assert.match(r.problems[0].reason, /no such file/);
      for (const p of r.problems) assert.doesNotMatch(p.reason, /did:plc/, 'no DID in messages');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only the first maxErrors problems are kept in full; the rest are counted by kind', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'junk.jsonl'), Array.from({ length: 30 }, (_, i) => `not json ${i}`).join('\n'));
    await withStore(async (s) => {
      const r = await ingestPaths(s, [join(dir, 'junk.jsonl')], { maxErrors: 3 });
      assert.equal(r.problems.length, 3);
      assert.equal(r.malformed, 30);
      assert.equal(r.problemsByKind.json, 30);
      assert.equal(r.events, 0);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('simpact ingest: --json summary; exit 1 only when nothing could be ingested; stats --json', async () => {
  const { spawnSync } = await import('node:child_process');
  const dir = tmp();
  try {
    const db = join(dir, 's.duckdb');
    writeFileSync(join(dir, 'junk.jsonl'), 'nope\n');
    const run = (...args: string[]) => spawnSync(process.execPath, ['bin/simpact.js', '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, SIMPACT_QUIET: '1' } });
    const ok = run('ingest', '--json', V1, join(dir, 'junk.jsonl'));
    assert.equal(ok.status, 0, ok.stderr);
    const summary = JSON.parse(ok.stdout);
    assert.equal(summary.inserted, 152);
    assert.equal(summary.malformed, 1);
    assert.match(ok.stderr, /junk\.jsonl:1: malformed JSON/);
    const bad = run('ingest', join(dir, 'junk.jsonl'));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /nothing could be ingested/);
    const stats = run('stats', '--json');
    assert.equal(stats.status, 0, stats.stderr);
    const st = JSON.parse(stats.stdout);
    assert.equal(st.events, 152);
    assert.equal(st.malformed, 2);
    assert.equal(st.byKind.identity, 1);
    assert.equal(st.byAction.like, 105);
    assert.equal(st.byCollection['app.bsky.feed.like'], 105);
    assert.equal(st.posts, 17);
    assert.ok(st.users > 100);
    assert.ok(st.unknownCollections.events >= 1);
    assert.ok(st.timeRange.first < st.timeRange.last);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store that fails mid-ingest: a clear error, the batches loaded before are kept, a re-run completes without doubles', async () => {
  const { IngestStoreError } = await import('../../src/ingest/ingest.ts');
  const dir = tmp();
  try {
    const path = join(dir, 's.duckdb');
    const all = lines(V1);
    const parts = [all.slice(0, 50), all.slice(50, 100), all.slice(100)].map((p, i) => {
      writeFileSync(join(dir, `part${i}.jsonl`), p.join('\n') + '\n');
      return join(dir, `part${i}.jsonl`);
    });
    let s = await Store.open(path);
    let loads = 0;
    // the third bulk insert into raw_events fails, inside its transaction
    const failing = new Proxy(s, {
      get(target, prop, receiver) {
        if (prop === 'run') {
          return async (sql: string, params?: never) => {
            if (sql.trimStart().startsWith('INSERT INTO raw_events') && ++loads === 3) throw new Error('IO Error: No space left on device');
            return target.run(sql, params);
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    await assert.rejects(ingest(failing, parts, { batchSize: 50 }), (err: Error) => {
      assert.ok(err instanceof IngestStoreError);
      assert.equal(err.message, 'storing a batch failed (IO Error: No space left on device)');
      return true;
    });
    assert.equal(await countEvents(s), 100, 'the two batches loaded before the failure');
    s.close();
    s = await Store.open(path);
    try {
      assert.equal(await countEvents(s), 100);
      const again = await ingest(s, parts, { batchSize: 50 });
      assert.equal(again.inserted, 52);
      assert.equal(again.duplicates, 100);
      assert.equal(await countEvents(s), 152);
      assert.equal(num((await s.all('SELECT count(*) n FROM likes'))[0].n), 105);
      assert.equal(num((await s.all('SELECT count(*) n FROM posts'))[0].n), 17);
    } finally {
      s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
