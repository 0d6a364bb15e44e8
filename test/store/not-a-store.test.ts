import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotAStoreError, Store } from '../../src/store/store.ts';

test('a data file given as the store is refused before DuckDB opens it (every command, exit 2), the file untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-not-a-store-'));
  try {
    const data = join(dir, 'events.jsonl');
    writeFileSync(data, '{"did":"x"}\n');
    await assert.rejects(Store.open(data), (err: unknown) => err instanceof NotAStoreError && /names a data file, not a store/.test((err as Error).message));
    for (const args of [['embed'], ['cluster', '--k', '2'], ['build', '--out', join(dir, 'rel')]]) {
      const r = spawnSync(process.execPath, ['bin/simpact.js', '--db', data, ...args], { encoding: 'utf8', env: { ...process.env, SIMPACT_QUIET: '1' } });
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.stderr, /names a data file, not a store/, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack');
    }
    assert.equal(readFileSync(data, 'utf8'), '{"did":"x"}\n');
    assert.equal(existsSync(join(dir, 'rel')), false);
    (await Store.open(join(dir, 'ok.duckdb'))).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
