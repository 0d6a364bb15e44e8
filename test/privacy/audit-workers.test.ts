// The audit splits a large release over two threads; the report must be the one a single thread gives: the same
// leaks at the same places in the same order, the same skipped files, whichever thread scanned which file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { auditReleaseReport } from '../../src/privacy/index.ts';

const SECRET = 'd29ya2Vycy1hdWRpdC10ZXN0LXNlY3JldC0xMjM0NTY3OA==';
const KNOWN = 'did:plc:knownknownknownknownknow';

test('the audit in two threads reports exactly what one thread reports', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-workers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    let text = `post ${i} about the weather, nothing to see`;
    if (i % 700 === 5) text = `mail me at person${i}@example.org`;
    if (i % 900 === 7) text = `by did:plc:${'q'.repeat(24)} at 2024-11-05T10:00:00Z`;
    const line = JSON.stringify({ thread: [{ relative_integer_time: i, text, user_id: 'f'.repeat(64) }], cluster_id: i % 3 });
    lines.push(i === 2999 ? line.replace('"cluster_id"', '"created_at": "2024-11-05T10:00:00Z", "cluster_id"') : line);
  }
  mkdirSync(join(dir, 'processed_3_clusters'));
  writeFileSync(join(dir, 'processed_3_clusters', 'cluster_0.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'README.md'), `# Card\n\nno secret here, but ${KNOWN.slice(8)} is a collected account\n`);
  writeFileSync(join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 3]));
  mkdirSync(join(dir, 'data'));
  const parquet = join(dir, 'data', 'train.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT i AS line, CASE WHEN i = 4321 THEN 'call +44 20 7946 0958 now' WHEN i = 10 THEN '${SECRET}' ELSE 'plain text ' || i END AS text
    FROM range(5000) t(i)) TO '${parquet}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();

  const opts = { secret: SECRET, known: { dids: [KNOWN], handles: [] } };
  const one = await auditReleaseReport(dir, { ...opts, workers: 1 });
  const two = await auditReleaseReport(dir, { ...opts, workers: 2 });
  assert.deepEqual(two, one);
  const kinds = new Set(one.leaks.map((l) => `${l.file}:${l.kind}`));
  for (const k of ['processed_3_clusters/cluster_0.jsonl:email', 'processed_3_clusters/cluster_0.jsonl:did', 'processed_3_clusters/cluster_0.jsonl:iso-date',
    'data/train.parquet:phone', 'data/train.parquet:secret', 'README.md:known-did']) {
    assert.ok(kinds.has(k), `${k} in ${[...kinds].join(', ')}`);
  }
  assert.deepEqual(one.skipped.map((s) => s.file), ['blob.bin']);
  assert.equal(one.scannedFiles, 3);
  // leaks come in file order (as listed), then line order
  const order = one.leaks.map((l) => l.file);
  assert.deepEqual(order, [...order].sort((a, b) => ['README.md', 'data/train.parquet', 'processed_3_clusters/cluster_0.jsonl'].indexOf(a) - ['README.md', 'data/train.parquet', 'processed_3_clusters/cluster_0.jsonl'].indexOf(b)));
});
