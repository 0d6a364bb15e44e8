// The foundation's user-facing surface: which store a command uses (--db, SIMPACT_DB, ./simpact.duckdb), bad store
// paths as one line, ingest progress (drawn on a TTY only), generate's synthetic label, and the library API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/simpact.js');
const V1 = resolve('fixtures/jetstream-v1-capture/expected_v1.jsonl');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'simpact-ingest-cli-'));
}

function cli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, SIMPACT_QUIET: '1', SIMPACT_DB: undefined, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: opts.cwd, env: env as NodeJS.ProcessEnv });
}

function events(db: string, cwd?: string): number {
  const r = cli(['--db', db, 'stats', '--json'], { cwd });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { events: number }).events;
}

test('the store: ./simpact.duckdb by default, SIMPACT_DB overrides it, --db overrides both', () => {
  const dir = tmp();
  try {
    const byDefault = cli(['ingest', V1], { cwd: dir });
    assert.equal(byDefault.status, 0, byDefault.stderr);
    assert.ok(existsSync(join(dir, 'simpact.duckdb')), 'default store in the working directory');
    const envDb = join(dir, 'env.duckdb');
    const byEnv = cli(['ingest', V1], { cwd: dir, env: { SIMPACT_DB: envDb } });
    assert.equal(byEnv.status, 0, byEnv.stderr);
    const flagDb = join(dir, 'flag.duckdb');
    const byFlag = cli(['--db', flagDb, 'ingest', V1], { cwd: dir, env: { SIMPACT_DB: envDb } });
    assert.equal(byFlag.status, 0, byFlag.stderr);
    assert.equal(JSON.parse(cli(['ingest', '--json', V1], { cwd: dir, env: { SIMPACT_DB: envDb } }).stdout).duplicates, 152, 'the same store again');
    assert.equal(events(join(dir, 'simpact.duckdb')), 152);
    assert.equal(events(envDb), 152);
    assert.equal(events(flagDb), 152);
    const stats = cli(['stats', '--json'], { cwd: dir, env: { SIMPACT_DB: flagDb } });
    assert.equal(JSON.parse(stats.stdout).ingestRuns, 1, 'stats reads SIMPACT_DB too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store path that is not a store: one line naming it, a non-zero exit, the file untouched', () => {
  const dir = tmp();
  try {
    const notDuck = join(dir, 'broken.duckdb');
    writeFileSync(notDuck, 'this is not a database\n');
    for (const args of [['ingest', V1], ['stats', '--json'], ['collect', '--endpoint', 'ws://127.0.0.1:9', '--max-retries', '0']]) {
      const r = cli(['--db', notDuck, ...args]);
      assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${args[0]} prints one line: ${r.stderr}`);
      assert.match(lines[0], new RegExp(`^simpact: ${args[0]}: cannot open store .*broken\\.duckdb.*not a valid DuckDB database file`));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack');
    }
    assert.equal(readFileSync(notDuck, 'utf8'), 'this is not a database\n');
    // DuckDB would open a data file as a throw-away in-memory database: the ingest would store nothing
    const data = join(dir, 'events.jsonl');
    writeFileSync(data, readFileSync(V1));
    const r = cli(['--db', data, 'ingest', data]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr.trim(), /^simpact: ingest: --db .*events\.jsonl names a data file, not a store/);
    assert.deepEqual(readFileSync(data), readFileSync(V1));
    // nothing to ingest: exit 1 with the reason on one line (an empty file; a path that does not exist)
    writeFileSync(join(dir, 'empty.jsonl'), '');
    const empty = cli(['--db', join(dir, 'e.duckdb'), 'ingest', join(dir, 'empty.jsonl')]);
    assert.equal(empty.status, 1);
    assert.match(empty.stderr, /^simpact: nothing could be ingested: 1 file read, no valid Jetstream event in it \(0 bad lines, 0 files not read to the end\)$/m);
    const missing = cli(['--db', join(dir, 'e.duckdb'), 'ingest', join(dir, 'nope.jsonl')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.jsonl: no such file or directory\n/);
    assert.match(missing.stderr, /^simpact: nothing could be ingested: no file to read$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ingest progress: events/s and bytes through onProgress and on a TTY; nothing drawn on a pipe', async () => {
  const dir = tmp();
  try {
    const data = join(dir, 'gen.jsonl');
    const gen = cli(['generate', '--users', '100', '--events', '12000', '--seed', '5', '--out', data]);
    assert.equal(gen.status, 0, gen.stderr);
    // the library callback: bytes and events grow, the last report is close to the file
    const { ingestPaths } = await import('../../src/ingest/ingest.ts');
    const { Store } = await import('../../src/store/store.ts');
    const s = await Store.open(':memory:');
    const seen: Array<{ bytes: number; events: number }> = [];
    try {
      await ingestPaths(s, [data], { onProgress: (p) => seen.push({ bytes: p.bytes, events: p.events }) });
    } finally {
      s.close();
    }
    assert.ok(seen.length >= 3, `progress reports: ${seen.length}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].bytes >= seen[i - 1].bytes && seen[i].events >= seen[i - 1].events);
    assert.ok(seen.at(-1)!.events > 9000 && seen.at(-1)!.bytes > 0.8 * readFileSync(data).length);
    // the CLI off a TTY (stderr is a pipe here, quiet not asked for): no progress line, only the summary
    const piped = cli(['--db', join(dir, 'p.duckdb'), 'ingest', data], { env: { SIMPACT_QUIET: undefined, CI: undefined } });
    assert.equal(piped.status, 0, piped.stderr);
    assert.ok(!piped.stderr.includes('\r') && !piped.stderr.includes('\u001b['), 'no progress line');
    assert.match(piped.stderr, /ingested 12000 events/);
    // on a terminal (util-linux `script` gives the command a pseudo-TTY)
    const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
    if (!hasScript) return;
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --db ${JSON.stringify(join(dir, 't.duckdb'))} ingest ${JSON.stringify(data)}`;
    const env = { ...process.env };
    delete env.CI;
    delete env.SIMPACT_QUIET;
    const tty = spawnSync('script', ['-qefc', cmd, '/dev/null'], { encoding: 'utf8', env });
    assert.equal(tty.status, 0, tty.stdout + tty.stderr);
    // eslint-disable-next-line no-control-regex
    assert.match(tty.stdout, /\r\x1b\[2Kingest 1 files, [\d.]+ MB, [\d,]+ events, [\d,]+ events\/s/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('generate says its data is synthetic, on stderr and in --json, and is byte-identical for a seed', () => {
  const dir = tmp();
  try {
    const a = cli(['generate', '--users', '20', '--events', '300', '--seed', '9', '--out', join(dir, 'a.jsonl'), '--json']);
    const b = cli(['generate', '--users', '20', '--events', '300', '--seed', '9', '--out', join(dir, 'b.jsonl')]);
    const c = cli(['generate', '--users', '20', '--events', '300', '--seed', '10', '--out', join(dir, 'c.jsonl')]);
    for (const r of [a, b, c]) {
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /SYNTHETIC data: generated Jetstream events for benchmarks and scale tests only/);
    }
    const summary = JSON.parse(a.stdout);
    assert.equal(summary.synthetic, true);
    assert.match(summary.notice, /^SYNTHETIC/);
    assert.equal(summary.events, 300);
    assert.deepEqual(readFileSync(join(dir, 'a.jsonl')), readFileSync(join(dir, 'b.jsonl')));
    assert.notDeepEqual(readFileSync(join(dir, 'a.jsonl')), readFileSync(join(dir, 'c.jsonl')));
    const bad = cli(['generate', '--users', '0', '--out', join(dir, 'd.jsonl')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--users must be an integer >= 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the library API exposes the same stages as the CLI (import from the package entry)', async () => {
  const api = await import('../../src/index.ts');
  for (const name of ['Store', 'ingestPaths', 'storeStats', 'Collector', 'runCollect', 'filterActivity', 'generateEvents', 'generateFile', 'classifyCommit', 'loadActivity', 'ACTION_KEYS', 'runIngest', 'appendEvents', 'getCursor']) {
    assert.ok(name in api, `${name} exported`);
  }
  const dir = tmp();
  try {
    const s = await api.Store.open(':memory:');
    try {
      const r = await api.ingestPaths(s, [V1]);
      assert.equal(r.inserted, 152);
      const st = await api.storeStats(s);
      const viaCli = cli(['--db', join(dir, 'x.duckdb'), 'ingest', '--json', V1]);
      assert.equal(viaCli.status, 0, viaCli.stderr);
      const cliStats = JSON.parse(cli(['--db', join(dir, 'x.duckdb'), 'stats', '--json']).stdout);
      assert.deepEqual(st, cliStats, "the same statistics through the CLI and the library");
      const kept = api.filterActivity(await api.loadActivity(s), { minPosts: 1 });
      assert.ok(kept.keptUsers.size > 0);
    } finally {
      s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ingest --batch-size: every event stored once, in file order, whatever the batch size; a bad size is a usage error', async () => {
  const dir = tmp();
  try {
    const order = (db: string) => {
      const r = cli(['--db', db, 'ingest', '--batch-size', '7', '--json', V1]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { inserted: number }).inserted, 152);
      return events(db);
    };
    assert.equal(order(join(dir, 'small.duckdb')), 152);
    const { Store } = await import('../../src/store/store.ts');
    const s = await Store.open(join(dir, 'small.duckdb'));
    try {
      const stored = (await s.all('SELECT raw FROM raw_events ORDER BY seq')).map((r) => r.raw);
      assert.deepEqual(stored, readFileSync(V1, 'utf8').split('\n').filter((l) => l.trim()), 'the raw lines, in file order');
    } finally {
      s.close();
    }
    const again = cli(['--db', join(dir, 'small.duckdb'), 'ingest', '--batch-size', '7', '--json', V1]);
    assert.equal((JSON.parse(again.stdout) as { duplicates: number }).duplicates, 152);
    const bad = cli(['--db', join(dir, 'bad.duckdb'), 'ingest', '--batch-size', '0', V1]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--batch-size/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
