// `simpact build` exit codes: 3 when the audit finds a leak (and no release under --out), 1 for a folder that is not
// a release, 2 for a missing compat secret or a missing input file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function simpact(args: string[], env: Record<string, string | undefined>) {
  return spawnSync(process.execPath, ['bin/simpact.js', ...args], { encoding: 'utf8', env: { ...process.env, SIMPACT_QUIET: '1', ...env } });
}

test('build exit codes: leak 3, not a release 1, missing compat secret or input file 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-build-cli-'));
  try {
    const ev = (rkey: string, text: string, t: number) =>
      JSON.stringify({ did: 'did:plc:leakyuser000000000000000', time_us: 1740000000000000 + t, kind: 'commit', commit: { rev: `r${t}`, operation: 'create', collection: 'app.bsky.feed.post', rkey, record: { $type: 'app.bsky.feed.post', text, langs: ['en'], createdAt: '2025-03-01T00:00:00Z' }, cid: 'bafy' } });
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, `${ev('p1', 'reach me at did:plc:abcdefghijklmnopqrstuvwx', 1)}\n${ev('p2', 'second post', 2)}\n`);
    const env = { SIMPACT_SECRET: 'cli-test-secret-0123456789' };
    const out = join(dir, 'rel');
    const leak = simpact(['--db', join(dir, 's.duckdb'), 'build', '--out', out, '--k', '1', '--compat', 'blueprint', input], env);
    assert.equal(leak.status, 3, leak.stderr);
    assert.match(leak.stderr, /leak\(s\); the release was NOT completed/);
    assert.ok(!existsSync(out));

    const precious = join(dir, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'x.txt'), 'x');
    const refused = simpact(['--db', join(dir, 's.duckdb'), 'build', '--out', precious, '--k', '1'], env);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /not a simpact release/);

    const noSecret = simpact(['--db', join(dir, 's.duckdb'), 'build', '--out', out, '--k', '1', '--compat', 'blueprint', '--secret-file', join(dir, 'missing')], {});
    assert.equal(noSecret.status, 2, noSecret.stderr);
    assert.match(noSecret.stderr, /compat mode needs the reference's secret/);

    // A mistyped input is a usage error, not a warning followed by a release built from what the store held.
    const typo = simpact(['--db', join(dir, 's.duckdb'), 'build', '--out', join(dir, 'typo'), '--k', '1', input, join(dir, 'in.jsnol')], env);
    assert.equal(typo.status, 2, typo.stderr);
    assert.match(typo.stderr, /^simpact: input .*in\.jsnol: no such file or directory \(nothing was built\)\n$/);
    assert.ok(!existsSync(join(dir, 'typo')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('generate creates missing folders (the demo on a fresh clone); a missing input file is one line, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-gen-cli-'));
  try {
    const out = join(dir, 'not', 'yet', 'there.jsonl');
    const gen = simpact(['generate', '--users', '20', '--events', '200', '--seed', '7', '--out', out], {});
    assert.equal(gen.status, 0, gen.stderr);
    assert.ok(existsSync(out));
    const missing = simpact(['--db', join(dir, 's.duckdb'), 'build', '--out', join(dir, 'rel'), '--opt-out', join(dir, 'no-such-list.txt'), out], { SIMPACT_SECRET: 'cli-test-secret-0123456789' });
    assert.equal(missing.status, 2, missing.stderr);
    assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace for a file the user named');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('build --time: bucket with --compat and an unknown spec are usage errors (exit 2) with a message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-build-cli-'));
  try {
    const env = { SIMPACT_SECRET: 'cli-test-secret-0123456789' };
    const compat = simpact(['--db', join(dir, 's.duckdb'), 'build', '--out', join(dir, 'rel'), '--k', '1', '--compat', 'blueprint', '--time', 'bucket:1h'], env);
    assert.equal(compat.status, 2, compat.stderr);
    assert.match(compat.stderr, /--time bucket:1h: the reference has only the rank \(relative_integer_time\)/);
    const bad = simpact(['--db', join(dir, 's.duckdb'), 'build', '--out', join(dir, 'rel'), '--k', '1', '--time', 'hourly'], env);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /--time "hourly": expected "rank" or "bucket:<n><unit>"/);
    assert.ok(!existsSync(join(dir, 'rel')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
