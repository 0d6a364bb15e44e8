// The reference pairing and its <1000 rule, the post/reply kind of solutions input, failed requests and bad input
// lines in the report, the population-level Jaccard and the bootstrap resample count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { EvalModel, EvalTask } from '../../src/evaluate/inputs.ts';
import { parseSolutions } from '../../src/evaluate/read-inputs.ts';
import { evalEmbedderSpec } from '../../src/evaluate/command.ts';
import { bootstrapCi } from '../../src/evaluate/bootstrap.ts';
import { classificationReport, f1OfResample, labelCodes } from '../../src/evaluate/classification.ts';
import { ACTION_LABELS } from '../../src/evaluate/labels.ts';
import { evalMarkdown } from '../../src/report/eval-markdown.ts';
import { evalHtml } from '../../src/report/eval-html.ts';
import { Rng } from '../../src/util/rng.ts';
import { lettersEmbedder } from '../helpers/letters-embedder.ts';

const embedder = lettersEmbedder;

const internal = (a: string) => JSON.stringify(Object.fromEntries(['like', 'unlike', 'repost', 'unrepost', 'follow', 'unfollow', 'block', 'unblock', 'post_update', 'post_delete', 'profile_update', 'quote', 'ignore'].map((k) => [k, k === a])));
const actionTruth = (a: string) => JSON.stringify({ actions: internal(a), text: null });
const textTruth = (t: string) => JSON.stringify({ actions: null, text: t });
const answer = (a: string | null, text = '') => JSON.stringify({ actions: { like: a === 'like', follow: a === 'follow', repost: a === 'repost', ignore: false }, text });

function releaseTask(cluster: number, index: number, action: string, text: string | null, kind: 'post' | 'reply'): EvalTask {
  return { id: `task-${cluster}-${index}`, cluster, index, kind, truth: { action: action as any, text }, truthContent: text !== null ? textTruth(text) : actionTruth(action), source: 'release' };
}

test('compat: chain indices are release lines, so tasks past line 1000 are all scored (none dropped)', async () => {
  const tasks = [releaseTask(0, 5, 'like', null, 'reply'), releaseTask(0, 1500, 'follow', null, 'reply'), releaseTask(0, 2600, 'post', 'hello there', 'post'), releaseTask(1, 4321, 'like', null, 'reply')];
  const m: EvalModel = { id: 'm', predictions: [
    { task_id: 'task-0-5', content: answer('like') }, { task_id: 'task-0-1500', content: answer('follow') },
    { task_id: 'task-0-2600', content: '{"text": "hello"}' }, { task_id: 'task-1-4321', content: answer('like') },
  ] };
  const r = await evaluate(tasks, [m], { embedder, mode: 'blueprint' });
  assert.equal(r.perCluster['0'].m.n, 3);
  assert.equal(r.perCluster['1'].m.n, 1);
  assert.equal(r.problems.m.droppedChainIndex, 0);
  assert.equal(r.perCluster['0'].m.compatF1, 1);
  assert.equal(r.population.m.n, 4);
});

// Cluster 0's reference validation file: rows 0..4 (chains), the sampled tasks are rows 1, 3, 4 and an instruction
// item at row 1200.
const VALIDATION = new Map([[0, [actionTruth('like'), textTruth('alpha beta'), actionTruth('follow'), textTruth('gamma delta'), actionTruth('like')]]]);
const solutions = {
  'task-0-1': { ground_truth: `assistant:\n${textTruth('alpha beta')}`, cluster_id: 0, chain_index: 1 },
  'task-0-3': { ground_truth: `assistant:\n${textTruth('gamma delta')}`, cluster_id: 0, chain_index: 3 },
  'task-0-4': { ground_truth: `assistant:\n${actionTruth('like')}`, cluster_id: 0, chain_index: 4 },
  'task-0-1200': { ground_truth: 'assistant:\n{"text": "an instruction answer"}', cluster_id: 0, chain_index: 1200 },
};
const answers: EvalModel = { id: 'gpt', predictions: [
  { task_id: 'task-0-4', content: answer('follow') },
  { task_id: 'task-0-1200', content: '{"text": "whatever"}' },
  { task_id: 'task-0-1', content: answer('like') },
  { task_id: 'task-0-3', content: '{"text": "my own words"}' },
] };

test('compat with validation rows: the i-th answer (by chain index) meets row i; rows 0..n-1 are the real side', async () => {
  const { tasks } = parseSolutions(solutions);
  assert.ok(tasks.every((t) => t.source === 'reference'));
  const r = await evaluate(tasks, [answers], { embedder, mode: 'blueprint', validation: VALIDATION });
  // answers by chain index 1, 3, 4 (1200 is an instruction item): like, post, follow; rows 0..2: like, post, follow
  assert.equal(r.problems.gpt.droppedChainIndex, 1);
  assert.equal(r.perCluster['0'].gpt.n, 3);
  assert.equal(r.perCluster['0'].gpt.compatF1, 1);
  assert.deepEqual(r.distribution.actions.real, { like: 1, post: 1, follow: 1 });
  assert.deepEqual(r.distribution.textLengths.real, [0, 10, 0]);
  assert.ok(r.notes.some((n) => n.includes('row i of its validation rows')));
  // without them the cluster's tasks stand in (rows = tasks 1, 3, 4): post, post, like → 1 of 3, and a note says so
  const fallback = await evaluate(tasks, [answers], { embedder, mode: 'blueprint' });
  assert.ok(Math.abs(fallback.perCluster['0'].gpt.compatF1 - 1 / 3) < 1e-12);
  assert.deepEqual(fallback.distribution.textLengths.real, [10, 11, 0]);
  assert.ok(fallback.notes.some((n) => n.includes('--validation')));
});

test('corrected metrics refuse tasks of unknown kind; a solutions kind makes a text answer right', async () => {
  const sol = { 'task-0-7': { ground_truth: `assistant:\n${textTruth('my post')}`, cluster_id: 0, chain_index: 7 } };
  const ans: EvalModel = { id: 'm', predictions: [{ task_id: 'task-0-7', content: '{"text": "a different post"}' }] };
  await assert.rejects(evaluate(parseSolutions(sol).tasks, [ans], { embedder, bootstrap: 0 }), /kind \(post or reply\)/);
  // simpact's solutions carry the kind (and line: a release line, not a validation row)
  const ours = { 'task-0-7': { ...sol['task-0-7'], kind: 'post', split: 'validation', line: 7 } };
  const t = parseSolutions(ours).tasks;
  assert.equal(t[0].kind, 'post');
  assert.equal(t[0].source, 'release');
  const r = await evaluate(t, [ans], { embedder, bootstrap: 0 });
  assert.equal(r.population.m.accuracy, 1);
  // a reply task answered with text is a reply
  const reply = parseSolutions({ 'task-0-8': { ...sol['task-0-7'], chain_index: 8, kind: 'reply', line: 8 } }).tasks;
  const r2 = await evaluate(reply, [{ id: 'm', predictions: [{ task_id: 'task-0-8', content: answer(null, 'sure') }] }], { embedder, bootstrap: 0 });
  assert.equal(r2.population.m.accuracy, 1);
});

test('failed requests count as errors, not missing; a later answer replaces them; input problems reach the report', async () => {
  const tasks = [releaseTask(0, 0, 'like', null, 'reply'), releaseTask(0, 1, 'follow', null, 'reply'), releaseTask(1, 0, 'post', 'words here', 'post'), releaseTask(1, 1, 'like', null, 'reply')];
  const m: EvalModel = { id: 'm', predictions: [
    { task_id: 'task-0-0', content: '', error: 'request failed (HTTP 500)' },
    { task_id: 'task-0-0', content: answer('like') }, // the retry answered
    { task_id: 'task-0-1', content: '', error: 'request failed (HTTP 503)' },
    { task_id: 'task-1-0', content: '{"text": "words"}' },
  ] };
  const issues = [
    { reason: 'no_task_id' as const, where: 'p.jsonl:3', detail: 'missing task_id or model' },
    { reason: 'malformed_line' as const, where: 'p.jsonl:9', detail: 'not JSON' },
    { reason: 'request_failed' as const, where: 'out.jsonl:2', detail: 'request failed (HTTP 500)' },
    { reason: 'request_failed' as const, where: 'out.jsonl:5', detail: 'request failed (HTTP 503)' },
  ];
  const r = await evaluate(tasks, [m], { embedder, bootstrap: 0, inputIssues: issues });
  assert.deepEqual(r.problems.m.counts, { error: 1, missing: 1 });
  assert.deepEqual(r.problems.m.examples.error, ['task-0-1']);
  assert.equal(r.problems.m.duplicateTaskIds, 0);
  assert.ok(Math.abs(r.population.m.accuracy - 2 / 4) < 1e-12);
  assert.deepEqual(r.inputProblems, {
    total: 4,
    counts: { no_task_id: 1, malformed_line: 1, request_failed: 2 },
    examples: { no_task_id: ['p.jsonl:3: missing task_id or model'], malformed_line: ['p.jsonl:9: not JSON'], request_failed: ['out.jsonl:2: request failed (HTTP 500)', 'out.jsonl:5: request failed (HTTP 503)'] },
  });
  const md = evalMarkdown(r);
  assert.match(md, /## Unusable input lines\n\n\| reason \| lines \| examples \(file:line\) \|\n\|---\|---\|---\|\n\| no_task_id \| 1 \| p\.jsonl:3: missing task_id or model \|/);
  assert.match(md, /\| request_failed \| 2 \| out\.jsonl:2: request failed \(HTTP 500\); out\.jsonl:5: request failed \(HTTP 503\) \|/);
  assert.match(md, /\| m \| error 1, missing 1 \|/);
  const html = await evalHtml(r);
  assert.match(html, /<h2>Unusable input lines<\/h2>\s*<table>.*<td class="l">malformed_line<\/td><td>1<\/td><td>p\.jsonl:9: not JSON<\/td>/s);
  // a second answer to an answered task is a duplicate; an error after an answer changes nothing
  const dup = await evaluate(tasks, [{ id: 'm', predictions: [...m.predictions, { task_id: 'task-1-0', content: '{"text": "again"}' }, { task_id: 'task-1-0', content: '', error: 'x' }] }], { embedder, bootstrap: 0 });
  assert.equal(dup.problems.m.duplicateTaskIds, 1);
  assert.equal(dup.problems.m.counts.error, 1);
});

test('population-level Jaccard uses the cluster-level vectorizer: defined with a single model', async () => {
  const tasks = [
    releaseTask(0, 0, 'post', 'cats and dogs play outside', 'post'), releaseTask(0, 1, 'post', 'the river runs cold', 'post'),
    releaseTask(1, 0, 'post', 'dogs bark at the river', 'post'), releaseTask(1, 1, 'post', 'cold mornings and coffee', 'post'),
  ];
  const m: EvalModel = { id: 'only', predictions: [
    { task_id: 'task-0-0', content: '{"text": "cats play with dogs"}' }, { task_id: 'task-0-1', content: '{"text": "coffee by the river"}' },
    { task_id: 'task-1-0', content: '{"text": "the dogs run"}' }, { task_id: 'task-1-1', content: '{"text": "cold coffee"}' },
  ] };
  for (const mode of ['corrected', 'blueprint'] as const) {
    const r = await evaluate(tasks, [m], { embedder, mode, bootstrap: 0 });
    assert.ok(Number.isFinite(r.population.only.jaccard), `${mode}: ${r.notes.join('; ')}`);
    assert.ok(r.population.only.jaccard > 0 && r.population.only.jaccard <= 1);
    assert.ok(Number.isFinite(r.perCluster['0'].only.jaccard));
    assert.ok(!r.notes.some((n) => n.includes('Jaccard')));
  }
});

test('bootstrap CIs of macro/weighted F1 use every requested resample, and the fast F1 equals the full report', async () => {
  const rng = new Rng(3);
  const labels = ['like', 'follow', 'post', 'reply', 'repost', 'unfollow'];
  const tasks: EvalTask[] = [];
  const preds: EvalModel = { id: 'm', predictions: [] };
  for (let i = 0; i < 60; i++) {
    const a = rng.pick(labels);
    const t = a === 'post' || a === 'reply' ? releaseTask(i % 2, i, a, `text ${i}`, a === 'post' ? 'post' : 'reply') : releaseTask(i % 2, i, a, null, 'reply');
    tasks.push(t);
    const guess = rng.next() < 0.5 ? a : rng.pick(['like', 'follow', 'repost']);
    preds.predictions.push({ task_id: t.id, content: t.kind === 'post' ? '{"text": "x"}' : answer(guess === 'reply' || guess === 'post' ? null : guess, guess === 'reply' ? 'hi' : '') });
  }
  const B = 450;
  const r = await evaluate(tasks, [preds], { embedder, bootstrap: B, seed: 5 });
  // recompute from the rows the report scored: truth and predicted labels in cluster, index order
  const order = [...tasks].sort((a, b) => a.cluster - b.cluster || a.index - b.index);
  const { parseAnswer } = await import('../../src/agents/answer.ts');
  const truth = order.map((t) => t.truth.action!);
  const pred = order.map((t) => parseAnswer(preds.predictions.find((p) => p.task_id === t.id)!.content, t.kind!).action);
  assert.equal(classificationReport(truth, pred, ACTION_LABELS).macroF1, r.population.m.macroF1);
  const want = bootstrapCi(truth.length, (idx) => classificationReport(Array.from(idx, (i) => truth[i]), Array.from(idx, (i) => pred[i]), ACTION_LABELS).macroF1, { resamples: B, seed: 5 });
  assert.deepEqual(r.population.m.ci!.macroF1, want);
  const wantW = bootstrapCi(truth.length, (idx) => classificationReport(Array.from(idx, (i) => truth[i]), Array.from(idx, (i) => pred[i]), ACTION_LABELS).weightedF1, { resamples: B, seed: 5 });
  assert.deepEqual(r.population.m.ci!.weightedF1, wantW);
  // the fast path itself, on random resamples (labels outside the list included)
  const t2 = [...truth, 'nonsense'];
  const p2 = [...pred, 'like'];
  const tc = labelCodes(t2, ACTION_LABELS);
  const pc = labelCodes(p2, ACTION_LABELS);
  for (let k = 0; k < 50; k++) {
    const idx = Uint32Array.from({ length: t2.length }, () => rng.int(t2.length));
    const full = classificationReport(Array.from(idx, (i) => t2[i]), Array.from(idx, (i) => p2[i]), ACTION_LABELS);
    const fast = f1OfResample(tc, pc, ACTION_LABELS.length, idx);
    assert.equal(fast.macroF1, full.macroF1);
    assert.equal(fast.weightedF1, full.weightedF1);
  }
});

test('compat runs a transformers model as the reference evaluation embedder unless a mode is named', () => {
  assert.equal((evalEmbedderSpec('transformers:./models/e5', 'blueprint') as any).mode, 'blueprint-eval');
  assert.equal((evalEmbedderSpec('transformers:./models/e5,mode=model-card', 'blueprint') as any).mode, 'model-card');
  assert.equal((evalEmbedderSpec('transformers:./models/e5', 'corrected') as any).mode, undefined);
  assert.deepEqual(evalEmbedderSpec('lsa', 'blueprint'), { kind: 'lsa' });
});
