// `simpact embed` end to end: Jetstream JSONL → ingest → embed (lsa) → re-run served from the store; bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamLines } from './helpers.ts';

function simpact(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/simpact.js', ...args], { encoding: 'utf8', env: { ...process.env, SIMPACT_QUIET: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('simpact embed: embeds kept users, a re-run reuses the store; bad specs and dead endpoints are clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-embed-cli-'));
  try {
    const db = join(dir, 's.duckdb');
    writeFileSync(join(dir, 'events.jsonl'), jetstreamLines());
    const ing = simpact(['--db', db, 'ingest', join(dir, 'events.jsonl')]);
    assert.equal(ing.code, 0, ing.stderr);
    const first = simpact(['--db', db, 'embed', '--embedder', 'lsa:dim=4', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const r1 = JSON.parse(first.stdout);
    assert.equal(r1.embedder.id, 'lsa');
    assert.equal(r1.embedder.dim, 4);
    assert.equal(r1.stats.users, 12);
    assert.equal(r1.stats.texts, 36);
    assert.equal(r1.stats.embedded, r1.stats.distinctTexts);
    const again = JSON.parse(simpact(['--db', db, 'embed', '--embedder', 'lsa:dim=4', '--json']).stdout);
    assert.equal(again.stats.reusedUserVectors, true);
    assert.equal(again.embedKey, r1.embedKey);
    const bad = simpact(['--db', db, 'embed', '--embedder', 'word2vec']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown embedder "word2vec"/);
    const dead = simpact(['--db', db, 'embed', '--embedder', 'openai:e5@http://127.0.0.1:9/v1,retries=0,timeoutMs=2000']);
    assert.equal(dead.code, 1);
    assert.match(dead.stderr, /embedding endpoint http:\/\/127\.0\.0\.1:9\/v1 \(model e5\) failed/);
    assert.doesNotMatch(dead.stderr + first.stderr, /did:plc/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
