// `simpact collect --duration` as a child process against the replay server: it stops on its own after the given
// time, stores every event received with the cursor, and prints the --json summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReplayServer } from './replay-server.ts';
import { CAPTURE, storedRawAt, tempDir } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/simpact.js', import.meta.url));

test('--duration stops the collector after that long; what was received is stored with its cursor', async () => {
  const { dir, cleanup } = tempDir();
  const server = await ReplayServer.start(CAPTURE); // sends the capture, then keeps the connection open and silent
  try {
    const db = join(dir, 'd.duckdb');
    const started = Date.now();
    const proc = spawn(process.execPath, [BIN, '--db', db, 'collect', '--endpoint', server.url, '--duration', '3s', '--flush-interval', '10m', '--json', '--seed', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SIMPACT_QUIET: '1' },
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const killer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    const [code] = await once(proc, 'exit');
    clearTimeout(killer);
    const elapsed = Date.now() - started;
    assert.equal(code, 0, err);
    const summary = JSON.parse(out) as { stopReason: string; stored: number; elapsedMs: number; cursor: number };
    assert.equal(summary.stopReason, 'duration');
    assert.ok(summary.elapsedMs >= 3000 && summary.elapsedMs < 20_000, `ran ${summary.elapsedMs} ms`);
    assert.ok(elapsed >= 3000, `process ran ${elapsed} ms`);
    assert.equal(summary.stored, CAPTURE.length, 'the pending batch (never flushed by the interval) is stored at the stop');
    const stored = await storedRawAt(db);
    assert.deepEqual(stored.raw, [...CAPTURE].sort());
    assert.equal(stored.cursors.length, 1);
    assert.equal(stored.cursors[0].timeUs, summary.cursor);
    assert.equal(summary.cursor, Math.max(...CAPTURE.map((l) => (JSON.parse(l) as { time_us: number }).time_us)));
  } finally {
    await server.close();
    cleanup();
  }
});

test('on a TTY collect draws the live status line (stored, rate, lag); the summary goes to stdout', async (t) => {
  if (spawnSync('script', ['--version']).status !== 0) return t.skip('util-linux script (a pseudo-TTY) not installed');
  const { dir, cleanup } = tempDir();
  const server = await ReplayServer.start(CAPTURE);
  try {
    const args = [process.execPath, BIN, '--db', join(dir, 't.duckdb'), 'collect', '--endpoint', server.url, '--duration', '2500ms', '--seed', '1'];
    const env = { ...process.env };
    delete env.CI;
    delete env.SIMPACT_QUIET;
    // async: the replay server runs in this process
    const proc = spawn('script', ['-qefc', args.map((a) => JSON.stringify(a)).join(' '), '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    const [code] = await once(proc, 'exit');
    clearTimeout(killer);
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`\\r\\x1b\\[2Kcollect stored ${CAPTURE.length}  \\d+/s  lag [\\d.]+ (s|min|h|d)  dup 0`));
    assert.match(out, new RegExp(`collected ${CAPTURE.length} new events .*stopped: duration`));
  } finally {
    await server.close();
    cleanup();
  }
});
