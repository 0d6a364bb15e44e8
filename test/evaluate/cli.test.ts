// The Batch round trip through the CLI: tasks → predict --batch-input → (a Batch output file) → predict
// --batch-output → eval --solutions/--batch-output and eval --tasks/--predictions, with failed and bad lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { writeSyntheticRelease } from '../agents/helpers/synthetic-release.ts';
import type { NextActionTask } from '../../src/agents/tasks.ts';

async function run(args: string[]): Promise<number> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await main(['node', 'simpact', ...args]);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** The answer a perfect model gives: the truth in the task's schema. */
function truthAnswer(t: NextActionTask): string {
  if (t.kind === 'post') return JSON.stringify({ text: t.truth.text ?? '' });
  const a = t.truth.action;
  return JSON.stringify({ actions: { like: a === 'like', follow: a === 'follow', repost: a === 'repost', ignore: false }, text: a === 'reply' ? t.truth.text ?? '' : '' });
}
const okLine = (id: string, content: string) => JSON.stringify({ id: `batch_req_${id}`, custom_id: id, response: { status_code: 200, body: { choices: [{ message: { content }, finish_reason: 'stop' }], usage: { prompt_tokens: 9, completion_tokens: 3 } } }, error: null });
const failedLine = (id: string) => JSON.stringify({ id: `batch_req_${id}`, custom_id: id, response: { status_code: 500, body: { error: { message: 'server error' } } }, error: null });

test('CLI: Batch input/output round trip, failed requests retried, bad lines listed; eval from solutions and from predictions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-batchcli-'));
  const f = (n: string) => join(dir, n);
  try {
    const rel = f('rel');
    writeSyntheticRelease(rel, { clusters: 2, threadsPerCluster: 80, seed: 4 });
    assert.equal(await run(['tasks', '--release', rel, '--per-cluster', '8', '--out', f('t.jsonl'), '--solutions', f('sol.json')]), 0);
    assert.equal(await run(['tasks', '--release', rel, '--out', f('all.jsonl')]), 0);
    const tasks: NextActionTask[] = readFileSync(f('t.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(tasks.length, 16);

    // Batch input for an o-series model: max_completion_tokens, no temperature, one line per task
    assert.equal(await run(['predict', '--tasks', f('t.jsonl'), '--batch-input', f('bi.jsonl'), '--model', 'openai:o3-mini', '--max-completion-tokens', '64']), 0);
    const bi = readFileSync(f('bi.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(bi.map((r) => r.custom_id), tasks.map((t) => t.id));
    assert.ok(bi.every((r) => r.body.model === 'o3-mini' && r.body.max_completion_tokens === 64 && r.body.max_tokens === undefined && r.body.temperature === undefined));
    assert.equal(await run(['predict', '--tasks', f('t.jsonl'), '--batch-input', f('x.jsonl'), '--model', 'openai:o3-mini', '--max-tokens', '5', '--max-completion-tokens', '5']), 2);
    assert.equal(await run(['predict', '--tasks', f('t.jsonl'), '--batch-input', f('x.jsonl'), '--model', 'baseline:majority']), 2);

    // A Batch output: every task answered with its truth except one failed request, plus a garbage line and a line
    // without custom_id
    const failedId = tasks[3].id;
    const outLines = tasks.map((t) => (t.id === failedId ? failedLine(t.id) : okLine(t.id, truthAnswer(t))));
    writeFileSync(f('bo.jsonl'), [...outLines.slice(0, 5), '{not json', JSON.stringify({ response: {} }), ...outLines.slice(5)].join('\n') + '\n');

    // predict --batch-output: answers and one error line; reading the same file again adds nothing
    assert.equal(await run(['predict', '--tasks', f('t.jsonl'), '--batch-output', f('bo.jsonl'), '--model', 'gpt', '--out', f('p.jsonl')]), 0);
    const read = () => readFileSync(f('p.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    let p = read();
    assert.equal(p.length, 16);
    assert.deepEqual(p.filter((l) => l.status === 'error').map((l) => [l.task_id, l.reason]), [[failedId, 'request failed (HTTP 500: server error)']]);
    assert.equal(await run(['predict', '--tasks', f('t.jsonl'), '--batch-output', f('bo.jsonl'), '--model', 'gpt', '--out', f('p.jsonl')]), 0);
    assert.equal(read().length, 16);

    // eval --tasks: the error is an error (not missing) and is scored as a wrong post; the rest is right
    assert.equal(await run(['eval', '--tasks', f('t.jsonl'), '--predictions', f('p.jsonl'), '--out', f('e1.json'), '--bootstrap', '0']), 0);
    const e1 = JSON.parse(readFileSync(f('e1.json'), 'utf8'));
    assert.deepEqual(e1.problems.gpt.counts, { error: 1 });
    assert.deepEqual(e1.problems.gpt.examples.error, [failedId]);
    const failedTask = tasks.find((t) => t.id === failedId)!;
    assert.equal(e1.population.gpt.accuracy, failedTask.truth.action === 'post' ? 1 : 15 / 16);

    // a retry output answers the failed task: the answer is added and replaces the error
    writeFileSync(f('bo2.jsonl'), `${okLine(failedId, truthAnswer(failedTask))}\n`);
    assert.equal(await run(['predict', '--tasks', f('t.jsonl'), '--batch-output', f('bo2.jsonl'), '--model', 'gpt', '--out', f('p.jsonl')]), 0);
    p = read();
    assert.equal(p.length, 17);
    // a prediction line without task_id and a torn line are listed in the report, by reason and line
    appendFileSync(f('p.jsonl'), '{"model": "gpt", "content": "{}"}\n{"task_id": "task-0-');
    assert.equal(await run(['eval', '--tasks', f('t.jsonl'), '--predictions', f('p.jsonl'), '--out', f('e2.json'), '--bootstrap', '0']), 0);
    const e2 = JSON.parse(readFileSync(f('e2.json'), 'utf8'));
    assert.deepEqual(e2.inputProblems, { total: 2, counts: { no_task_id: 1, malformed_line: 1 }, examples: { no_task_id: ['p.jsonl:18: missing task_id or model'], malformed_line: ['p.jsonl:19: not JSON'] } });
    assert.deepEqual(e2.problems.gpt.counts, {});
    assert.equal(e2.population.gpt.accuracy, 1);
    assert.equal(e2.problems.gpt.duplicateTaskIds, 0);

    // eval --solutions + --batch-output straight from the Batch file: simpact's solutions carry each task's kind
    assert.equal(await run(['eval', '--solutions', f('sol.json'), '--batch-output', `${f('bo.jsonl')}=gpt`, '--out', f('e3.json'), '--bootstrap', '0', '--markdown', f('e3.md')]), 0);
    const e3 = JSON.parse(readFileSync(f('e3.json'), 'utf8'));
    assert.equal(e3.population.gpt.accuracy, e1.population.gpt.accuracy);
    assert.deepEqual(e3.problems.gpt.counts, { error: 1 });
    assert.deepEqual(e3.inputProblems.counts, { request_failed: 1, malformed_line: 1, no_task_id: 1 });
    assert.deepEqual(e3.inputProblems.examples.malformed_line, ['bo.jsonl:6: not JSON']);
    assert.match(readFileSync(f('e3.md'), 'utf8'), /\| no_task_id \| 1 \| bo\.jsonl:7: no custom_id \|/);

    // a reference-style solutions file (no kind) needs the Batch input in corrected mode, and gives the same scores with it
    const sol = JSON.parse(readFileSync(f('sol.json'), 'utf8'));
    const refSol = Object.fromEntries(Object.entries(sol).map(([k, v]: [string, any]) => [k, { ground_truth: v.ground_truth, cluster_id: v.cluster_id, chain_index: v.chain_index }]));
    writeFileSync(f('refsol.json'), JSON.stringify(refSol));
    assert.equal(await run(['eval', '--solutions', f('refsol.json'), '--batch-output', `${f('bo.jsonl')}=gpt`, '--out', f('e4.json')]), 2);
    assert.equal(await run(['eval', '--solutions', f('refsol.json'), '--batch-output', `${f('bo.jsonl')}=gpt`, '--batch-input', f('bi.jsonl'), '--out', f('e4.json'), '--bootstrap', '0']), 0);
    assert.equal(JSON.parse(readFileSync(f('e4.json'), 'utf8')).population.gpt.accuracy, e1.population.gpt.accuracy);
    assert.equal(await run(['eval', '--compat', 'blueprint', '--solutions', f('refsol.json'), '--batch-output', `${f('bo.jsonl')}=gpt`, '--out', f('e5.json')]), 0);

    // compat with the whole validation split as the reference's validation rows
    assert.equal(await run(['eval', '--compat', 'blueprint', '--tasks', f('t.jsonl'), '--predictions', f('p.jsonl'), '--validation', f('all.jsonl'), '--out', f('e6.json')]), 0);
    const e6 = JSON.parse(readFileSync(f('e6.json'), 'utf8'));
    assert.equal(e6.population.gpt.n, 16);
    assert.ok(e6.notes.some((n: string) => n.includes('row i of its validation rows')));

    // mistakes in the call
    assert.equal(await run(['eval', '--tasks', f('t.jsonl'), '--predictions', f('p.jsonl'), '--batch-output', f('bo.jsonl')]), 2);
    assert.equal(await run(['eval', '--tasks', f('t.jsonl'), '--solutions', f('sol.json'), '--predictions', f('p.jsonl')]), 2);
    assert.equal(await run(['eval', '--tasks', f('t.jsonl'), '--predictions', f('p.jsonl'), '--validation', f('all.jsonl')]), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
