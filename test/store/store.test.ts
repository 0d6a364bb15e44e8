import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/store/store.ts';

test('schema modules migrate once and record their version', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-store-'));
  try {
    const path = join(dir, 's.duckdb');
    const mod = { name: 'demo', migrations: ['CREATE TABLE demo (x INTEGER)', 'ALTER TABLE demo ADD COLUMN y VARCHAR'] };
    let s = await Store.open(path, [mod]);
    await s.run("INSERT INTO demo VALUES (1, 'a')");
    s.close();
    s = await Store.open(path, [mod]);
    const rows = await s.all("SELECT version FROM schema_versions WHERE module = 'demo'");
    assert.equal(Number(rows[0].version), 2);
    assert.equal((await s.all('SELECT * FROM demo')).length, 1);
    s.close();
    const newer = { name: 'demo', migrations: ['CREATE TABLE demo (x INTEGER)'] };
    await assert.rejects(Store.open(path, [newer]), /newer than this simpact/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
