// `simpact collect` as a child process against the replay server: SIGKILL between batches and restart, SIGTERM
// flushing, an unreachable endpoint, bad usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../src/store/store.ts'; // before events.ts (schemas.ts ↔ events.ts import cycle)
import { appendEvents } from '../../src/store/events.ts';
import type { JetstreamEvent } from '../../src/bluesky/jetstream-event.ts';
import { ReplayServer } from './replay-server.ts';
import { CAPTURE, storedRawAt, tempDir, timeUs, waitFor } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/simpact.js', import.meta.url));

interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function simpact(args: string[]): Child {
  const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SIMPACT_QUIET: '1' } });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = once(proc, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { proc, stdout: () => out, stderr: () => err, exit };
}

/** The last "N stored" of the --verbose batch lines. */
const storedSoFar = (c: Child) => Number([...c.stderr().matchAll(/, (\d+) stored/g)].at(-1)?.[1] ?? 0);

test('SIGKILL between batches, then restart: nothing lost, nothing doubled; SIGTERM stores the pending batch', async () => {
  const { dir, cleanup } = tempDir();
  const db = join(dir, 'live.duckdb');
  let release = () => {};
  const gate = () => new Promise<void>((r) => (release = r));
  const synced: number[] = [];
  const server = await ReplayServer.start(CAPTURE, {
    scripts: [
      async (c) => {
        await c.send(25);
        await gate();
        await c.send(25);
        await gate();
        // Received, never committed (batch of 25, flush interval 10 min); out of time order with the first 50, so
        // only the rewind brings them back.
        await c.send(10);
        await c.sync();
        synced.push(0);
      },
      async (c) => {
        await c.send();
        await c.sync();
        synced.push(1);
      },
    ],
  });
  try {
    const args = ['--db', db, 'collect', '--endpoint', server.url, '--flush-interval', '10m', '--seed', '1'];
    const first = simpact([...args, '--batch-size', '25', '--verbose']);
    await waitFor('first batch', () => storedSoFar(first) === 25);
    release();
    await waitFor('second batch', () => storedSoFar(first) === 50);
    release();
    await waitFor('10 more received', () => synced.includes(0));
    first.proc.kill('SIGKILL');
    assert.equal((await first.exit).signal, 'SIGKILL');
    server.occur(10); // the stream goes on while the collector is down

    const second = simpact([...args, '--batch-size', '1000', '--json']);
    await waitFor('the replay received', () => synced.includes(1));
    assert.equal(server.connections[1].cursor, Math.max(...CAPTURE.slice(0, 50).map(timeUs)) - 5_000_000);
    second.proc.kill('SIGTERM'); // nothing committed yet in this run: SIGTERM must store it
    const exit = await second.exit;
    assert.equal(exit.code, 0, second.stderr());
    const summary = JSON.parse(second.stdout()) as { stored: number; duplicates: number; stopReason: string; cursor: number };
    assert.equal(summary.stopReason, 'stopped');
    assert.equal(summary.stored, CAPTURE.length - 50);
    assert.equal(summary.duplicates, 50);

    const { raw, cursors } = await storedRawAt(db);
    assert.deepEqual(raw, [...CAPTURE].sort(), 'exactly the captured events');
    assert.deepEqual(cursors.map((c) => c.timeUs), [Math.max(...CAPTURE.map(timeUs))]);
    assert.equal(summary.cursor, cursors[0].timeUs);
  } finally {
    await server.close();
    cleanup();
  }
});

test('an unreachable endpoint: clear message naming it, non-zero exit, the stored events untouched', async () => {
  const { dir, cleanup } = tempDir();
  const db = join(dir, 'kept.duckdb');
  try {
    const store = await Store.open(db);
    await appendEvents(store, CAPTURE.slice(0, 5).map((raw) => ({ event: JSON.parse(raw) as JetstreamEvent, raw, source: 'test' })));
    store.close();
    const closed = await ReplayServer.start([]);
    const url = closed.url;
    await closed.close();

    const run = simpact(['--db', db, 'collect', '--endpoint', url, '--max-retries', '1', '--seed', '3']);
    const exit = await run.exit;
    assert.equal(exit.code, 1);
    assert.match(run.stderr(), new RegExp(`simpact: collect: nothing stored, gave up after 2 connection attempts; last: ${url}/subscribe: connect ECONNREFUSED`));
    assert.deepEqual((await storedRawAt(db)).raw, CAPTURE.slice(0, 5).sort());

    const usage = simpact(['--db', db, 'collect', '--endpoint', 'ftp://nowhere', '--collections', 'app.bsky.feed.post']);
    assert.equal((await usage.exit).code, 2);
    assert.match(usage.stderr(), /endpoint "ftp:\/\/nowhere" must be a ws:\/\/ or wss:\/\/ URL/);
  } finally {
    cleanup();
  }
});

test('SIGINT stores what was received; --collections/--dids reach the subscribe URL', async () => {
  const { dir, cleanup } = tempDir();
  const db = join(dir, 'filtered.duckdb');
  let synced = false;
  const server = await ReplayServer.start(CAPTURE, {
    defaultScript: async (c) => {
      await c.sendRaw('{"did": "did:plc:cut-off-mid');
      await c.sendRaw('[1, 2, 3]');
      await c.send();
      await c.sync();
      synced = true;
    },
  });
  try {
    const dids = [...new Set(CAPTURE.map((l) => (JSON.parse(l) as { did: string }).did))].slice(0, 30);
    const run = simpact(['--db', db, 'collect', '--endpoint', server.url, '--collections', 'app.bsky.feed.like', '--collections', 'app.bsky.graph.*',
      '--dids', dids.slice(0, 10).join(','), '--dids', dids.slice(10).join(','), '--json']);
    await waitFor('the stream received', () => synced);
    run.proc.kill('SIGINT');
    assert.equal((await run.exit).code, 0, run.stderr());
    const conn = server.connections[0];
    assert.deepEqual(conn.wantedCollections, ['app.bsky.feed.like', 'app.bsky.graph.*']);
    assert.deepEqual(conn.wantedDids, dids);
    const expected = CAPTURE.filter((l) => {
      const e = JSON.parse(l) as { did: string; kind: string; commit?: { collection: string } };
      return dids.includes(e.did) && (e.kind !== 'commit' || e.commit!.collection === 'app.bsky.feed.like' || e.commit!.collection.startsWith('app.bsky.graph.'));
    });
    assert.ok(expected.length > 10 && expected.length < CAPTURE.length);
    assert.equal((JSON.parse(run.stdout()) as { stored: number }).stored, expected.length);
    assert.deepEqual((await storedRawAt(db)).raw, [...expected].sort());
    // the bad messages are counted in the store's statistics, with the run
    const stats = simpact(['--db', db, 'stats', '--json']);
    assert.equal((await stats.exit).code, 0, stats.stderr());
    const st = JSON.parse(stats.stdout()) as { malformed: number; fileProblems: number; ingestRuns: number };
    assert.deepEqual([st.malformed, st.fileProblems, st.ingestRuns], [2, 0, 1]);
  } finally {
    await server.close();
    cleanup();
  }
});
