import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { EvalModel, EvalTask } from '../../src/evaluate/inputs.ts';
import { parseSolutions, kindsFromBatchInput } from '../../src/evaluate/read-inputs.ts';
import { readBatchOutput } from '../../src/agents/batch.ts';
import type { EmbeddingModel } from '../../src/llm/types.ts';
import { lettersEmbedder } from '../helpers/letters-embedder.ts';

const embedder = lettersEmbedder;

const ACT = (a: string | null) => JSON.stringify({ actions: a ? JSON.stringify({ like: a === 'like', follow: a === 'follow', repost: false, ignore: false }) : null, text: null });
function task(cluster: number, index: number, action: string, text: string | null, kind: 'post' | 'reply'): EvalTask {
  return { id: `task-${cluster}-${index}`, cluster, index, kind, truth: { action: action as any, text }, truthContent: text !== null ? JSON.stringify({ actions: null, text }) : ACT(action) };
}
const ans = (a: string | null, text = '') => JSON.stringify({ actions: { like: a === 'like', follow: a === 'follow', repost: false, ignore: false }, text });

const tasks: EvalTask[] = [
  task(0, 0, 'post', 'hello world from zero', 'post'),
  task(0, 1, 'like', null, 'reply'),
  task(0, 2, 'follow', null, 'reply'),
  task(0, 3, 'reply', 'a reply about cats', 'reply'),
  task(1, 0, 'post', 'another post in cluster one', 'post'),
  task(1, 1, 'like', null, 'reply'),
  task(1, 2, 'unfollow', null, 'reply'),
];

const models: EvalModel[] = [
  {
    id: 'model_0',
    predictions: [
      { task_id: 'task-0-0', content: '{"text": "hello world"}' },
      { task_id: 'task-0-1', content: ans('like') },
      { task_id: 'task-0-2', content: ans('like') },
      { task_id: 'task-0-3', content: ans(null, 'cats are great') },
      { task_id: 'task-1-0', content: 'not json' },
      { task_id: 'task-1-1', content: '', refusal: 'no' },
      // task-1-2 missing
      { task_id: 'task-9-9', content: '{}' },
    ],
  },
  { id: 'model_1', predictions: tasks.map((t) => ({ task_id: t.id, content: t.kind === 'post' ? '{"text": "hello"}' : ans('like') })) },
];

test('corrected: aligned by task id, 13-action F1, problems counted by reason, CIs', async () => {
  const r = await evaluate(tasks, models, { embedder, bootstrap: 200, seed: 1 });
  const p0 = r.population.model_0;
  assert.equal(p0.n, 7);
  // truth: post like follow reply post like unfollow; pred: post like like reply post(invalid) post(refusal) post(missing)
  assert.ok(Math.abs(p0.accuracy - 4 / 7) < 1e-12);
  assert.deepEqual(r.problems.model_0.counts, { invalid_json: 1, refusal: 1, missing: 1 });
  assert.equal(r.problems.model_0.unknownTaskIds, 1);
  assert.deepEqual(r.problems.model_0.examples.missing, ['task-1-2']);
  assert.equal(r.perClass.model_0.like.support, 2);
  assert.equal(r.perClass.model_0.like.predicted, 2);
  assert.ok(r.labels.includes('unfollow') && r.labels.includes('ignore'));
  const ci = p0.ci!.accuracy!;
  assert.ok(ci.low <= p0.accuracy && p0.accuracy <= ci.high);
  assert.ok(p0.text.meanMaxCosine > 0 && p0.text.meanMaxCosine <= 1 + 1e-12);
  assert.ok(p0.pairedCosine > 0);
  assert.equal(r.perCluster['0'].model_0.n, 4);
  assert.ok(Number.isFinite(r.clusterMean.model_0.macro_f1));
  // model_k stands for cluster k: diagonality is defined
  assert.ok(r.diagonality.f1_scores > 0 && r.diagonality.f1_scores < 1);
  // the same call twice gives the same report (seeded bootstrap)
  assert.deepEqual(JSON.stringify(await evaluate(tasks, models, { embedder, bootstrap: 200, seed: 1 })), JSON.stringify(r));
});

test('blueprint: reference label rule, pairing by position, raw non-JSON text kept, refusal text used', async () => {
  const r = await evaluate(tasks, models, { embedder, mode: 'blueprint' });
  // cluster 1, model_0 answers sorted by chain index: [1-0 "not json", 1-1 refusal]; paired with tasks 1-0, 1-1.
  // labels truth [post, like], pred [post, post] → 1/2
  assert.equal(r.perCluster['1'].model_0.compatF1, 0.5);
  // cluster 0: truth [post, like, follow, post], pred [post, like, like, post] → 3/4
  assert.equal(r.perCluster['0'].model_0.compatF1, 0.75);
  assert.equal(r.clusterMean.model_0.f1_scores, 0.625);
  assert.deepEqual(r.labels, ['post', 'reply', 'like', 'repost', 'follow', 'ignore']);
  assert.equal(r.population.model_0.ci, undefined);
});

test('solutions file + Batch output: double-encoded actions, internal keys, kinds from the Batch input', () => {
  const solutions = {
    'task-6-632': { ground_truth: 'assistant:\n' + JSON.stringify({ actions: JSON.stringify({ like: false, follow: true, profile_update: false, ignore: false }), text: null }), cluster_id: 6, chain_index: 632 },
    'task-6-79': { ground_truth: 'assistant:\n' + JSON.stringify({ actions: null, text: 'He knows why' }), cluster_id: 6, chain_index: 79 },
    'task-6-1035': { ground_truth: 'assistant:\n' + JSON.stringify({ text: 'a post' }), cluster_id: 6, chain_index: 1035 },
    bad: { nothing: 1 },
  };
  const kinds = kindsFromBatchInput([
    JSON.stringify({ custom_id: 'task-6-79', body: { messages: [{ role: 'system' }, { role: 'user' }] } }),
    JSON.stringify({ custom_id: 'task-6-1035', body: { messages: [{ role: 'system' }] } }),
  ].join('\n'));
  const { tasks: ts, issues } = parseSolutions(solutions, kinds);
  assert.equal(issues.length, 1);
  assert.equal(issues[0].reason, 'bad_solution');
  const byId = new Map(ts.map((t) => [t.id, t]));
  assert.equal(byId.get('task-6-632')!.truth.action, 'follow');
  assert.equal(byId.get('task-6-79')!.truth.action, 'reply');
  assert.equal(byId.get('task-6-1035')!.truth.action, 'post');
  assert.equal(byId.get('task-6-1035')!.index, 1035);
  const out = readBatchOutput(JSON.stringify({ custom_id: 'task-6-79', response: { status_code: 200, body: { choices: [{ message: { content: '{"text":"x"}' } }] } } }), 'gpt', (id) => kinds.get(id));
  assert.equal(out.predictions[0].action, 'reply');
});

test('an embedder that fails leaves text metrics empty with a note; action metrics stand', async () => {
  const failing: EmbeddingModel = { id: 'test:down', embed: async () => { throw new Error('endpoint down'); } };
  const r = await evaluate(tasks, models, { embedder: failing, bootstrap: 0 });
  assert.ok(Number.isNaN(r.population.model_0.text.centroidCosine));
  assert.ok(Math.abs(r.population.model_0.accuracy - 4 / 7) < 1e-12);
  assert.ok(r.notes.some((n) => n.includes('endpoint down')));
});
