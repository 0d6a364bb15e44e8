// User-facing errors of `simpact personas`: a bad reference file or a broken local model is one line on stderr that
// names the file, with a meaningful exit code (2 = usage / input, 1 = the stage ran but every model call failed), never
// a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postEvents, runCli } from './cli-helpers.ts';

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected:\n${stderr}`);
  assert.ok(!/\n\s+at /.test(stderr), 'no stack trace');
  return lines[0];
}

test('a reference file that is missing, a directory or not the BIG5 format: one line naming it, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-personas-err-'));
  try {
    const db = join(dir, 's.duckdb');
    const notCsv = join(dir, 'notes.tsv');
    writeFileSync(notCsv, 'a\tb\n1\t2\n');
    const sub = join(dir, 'adir');
    mkdirSync(sub);
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing.csv'), /reference file .*missing\.csv: no such file/],
      [sub, /reference file .*adir: is a directory/],
      [notCsv, /reference file .*notes\.tsv: reference header has 0 item columns/],
    ];
    for (const [file, re] of cases) {
      const r = await runCli(db, ['personas', 'align', '--size', '5', '--set', 's', '--reference', file]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(oneLine(r.stderr), re);
      assert.equal(r.stdout, '');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that is not a GGUF model: every call fails, counted with its reason; one line, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-personas-gguf-'));
  try {
    const db = join(dir, 's.duckdb');
    writeFileSync(join(dir, 'posts.jsonl'), postEvents(2));
    assert.equal((await runCli(db, ['ingest', join(dir, 'posts.jsonl')])).status, 0);
    const fake = join(dir, 'fake.gguf');
    writeFileSync(fake, 'not a model\n');
    const r = await runCli(db, ['personas', 'generate', '--model', `gguf:${fake}`, '--min-posts', '1', '--min-words', '1', '--json']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(oneLine(r.stderr), /no persona could be written: every model call failed/);
    const s = JSON.parse(r.stdout);
    assert.equal(s.generated, 0);
    assert.deepEqual(Object.values(s.failed), [2]);
    assert.match(Object.keys(s.failed)[0], /^LLM call failed: .*GGUF/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
