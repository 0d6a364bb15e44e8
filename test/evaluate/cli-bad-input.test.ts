// eval on inputs with nothing usable: one-line usage errors naming the first bad line. (Its own file: the CLI runs
// below silence stdout, which would swallow the test reporter's lines of an earlier test in the same file.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { runEvalCommand, EvalUsageError } from '../../src/evaluate/command.ts';
import { writeSyntheticRelease } from '../agents/helpers/synthetic-release.ts';

async function run(args: string[]): Promise<number> {
  const out = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await main(['node', 'simpact', ...args]);
  } finally {
    process.stdout.write = out;
  }
}

test('eval with nothing usable: the message names the first bad line (tasks or answers) or what to pass', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-evalbad-'));
  const f = (n: string) => join(dir, n);
  try {
    writeSyntheticRelease(f('rel'), { clusters: 2, threadsPerCluster: 40, seed: 2 });
    assert.equal(await run(['tasks', '--release', f('rel'), '--per-cluster', '4', '--out', f('t.jsonl')]), 0);
    writeFileSync(f('junk.jsonl'), 'junk\n{"content":"{}"}\n');
    const base = { predictions: [] as string[], batchOutput: [] as string[], embedder: 'lsa', bootstrap: 0, seed: 1 };
    const refused = (o: Parameters<typeof runEvalCommand>[0], message: string) =>
      assert.rejects(runEvalCommand(o), (e: Error) => e instanceof EvalUsageError && e.message === message);
    await refused({ ...base, tasks: f('t.jsonl') }, 'no predictions to evaluate: give --predictions <file> (or --batch-output <file> with --solutions)');
    await refused({ ...base, tasks: f('t.jsonl'), predictions: [f('junk.jsonl')] }, 'no predictions to evaluate (first problem: junk.jsonl:1: not JSON)');
    await refused({ ...base, tasks: f('junk.jsonl'), predictions: [f('junk.jsonl')] }, 'no tasks to evaluate (first problem: junk.jsonl:1: not JSON)');
    writeFileSync(f('p.jsonl'), `${JSON.stringify({ task_id: 'task-0-1', model: 'm', content: '{}' })}\n`);
    await refused({ ...base, tasks: f('p.jsonl'), predictions: [f('p.jsonl')] }, 'no tasks to evaluate (first problem: p.jsonl:1: not a task line)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
