import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { writeSyntheticRelease } from '../agents/helpers/synthetic-release.ts';

async function run(args: string[]): Promise<number> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write; // keep the test output clean
  try {
    return await main(['node', 'simpact', ...args]);
  } finally {
    process.stdout.write = write;
  }
}

test('tasks → predict (baselines) → eval → report through the CLI; the HTML is self-contained', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-evalcli-'));
  try {
    const rel = join(dir, 'rel');
    writeSyntheticRelease(rel, { clusters: 2, threadsPerCluster: 80, seed: 9 });
    const f = (n: string) => join(dir, n);
    assert.equal(await run(['tasks', '--release', rel, '--split', 'test', '--out', f('t.jsonl'), '--solutions', f('sol.json')]), 0);
    assert.equal(await run(['predict', '--tasks', f('t.jsonl'), '--out', f('p.jsonl'), '--release', rel, '--model', 'baseline:majority', '--model', 'baseline:learned']), 0);
    assert.equal(await run(['eval', '--tasks', f('t.jsonl'), '--predictions', f('p.jsonl'), '--out', f('e.json'), '--bootstrap', '50']), 0);
    assert.equal(await run(['eval', '--compat', 'blueprint', '--tasks', f('t.jsonl'), '--predictions', f('p.jsonl'), '--out', f('eb.json')]), 0);
    assert.equal(await run(['report', '--eval', f('e.json'), '--html', f('r.html'), '--markdown', f('r.md')]), 0);
    const e = JSON.parse(readFileSync(f('e.json'), 'utf8'));
    assert.deepEqual(e.models, ['baseline:majority', 'baseline:learned']);
    assert.ok(e.population['baseline:learned'].macroF1 > e.population['baseline:majority'].macroF1);
    const eb = JSON.parse(readFileSync(f('eb.json'), 'utf8'));
    assert.equal(eb.mode, 'blueprint');
    const html = readFileSync(f('r.html'), 'utf8');
    assert.ok(html.startsWith('<!doctype html>'));
    assert.equal((html.match(/<svg/g) ?? []).length >= 6, true);
    assert.ok(!/<script|<link|<img|src=|href="http/i.test(html), 'no external assets');
    assert.match(readFileSync(f('r.md'), 'utf8'), /\| baseline:learned \|/);
    assert.equal(await run(['eval', '--compat', 'nope', '--tasks', f('t.jsonl'), '--predictions', f('p.jsonl')]), 2);
    assert.equal(await run(['predict', '--tasks', f('missing.jsonl'), '--model', 'baseline:majority']), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
