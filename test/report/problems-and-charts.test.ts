// The report lists answer problems by reason (with the task ids) and carries the four kinds of plots the issue asks
// for: metric per cluster and model, confusion matrix, real vs generated actions, text-length distributions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { EvalModel, EvalTask } from '../../src/evaluate/inputs.ts';
import { evalMarkdown } from '../../src/report/eval-markdown.ts';
import { evalHtml } from '../../src/report/eval-html.ts';
import { lettersEmbedder } from '../helpers/letters-embedder.ts';

const embedder = lettersEmbedder;

const ACT = (a: string) => JSON.stringify({ actions: { like: a === 'like', follow: a === 'follow', repost: false, ignore: false }, text: null });
const task = (cluster: number, index: number, action: string, text: string | null, kind: 'post' | 'reply'): EvalTask => ({
  id: `task-${cluster}-${index}`, cluster, index, kind, truth: { action: action as never, text },
  truthContent: text !== null ? JSON.stringify({ actions: null, text }) : ACT(action),
});
const ans = (a: string | null, text = '') => JSON.stringify({ actions: { like: a === 'like', follow: a === 'follow', repost: false, ignore: false }, text });

const tasks: EvalTask[] = [
  task(0, 0, 'post', 'hello world from zero', 'post'),
  task(0, 1, 'like', null, 'reply'),
  task(0, 2, 'follow', null, 'reply'),
  task(0, 3, 'reply', 'a reply about cats', 'reply'),
  task(1, 0, 'post', 'another post in cluster one', 'post'),
  task(1, 1, 'like', null, 'reply'),
  task(1, 2, 'post', 'a third post', 'post'),
];

const models: EvalModel[] = [
  {
    id: 'llm',
    predictions: [
      { task_id: 'task-0-0', content: '{"text": "hello there world"}' },
      { task_id: 'task-0-1', content: 'Sure! I would like it.' }, // not JSON
      { task_id: 'task-0-2', content: '', refusal: 'I cannot help with that' }, // refusal
      { task_id: 'task-0-3', content: '' }, // empty content
      { task_id: 'task-1-0', content: '{"actions":{"smile":true},"text":"x"}' }, // unknown action key
      // task-1-1 missing
      { task_id: 'task-1-2', content: '{"text": "a post"}' },
      { task_id: 'task-7-7', content: '{}' }, // an id no task has
    ],
  },
  { id: 'baseline', predictions: tasks.map((t) => ({ task_id: t.id, content: t.kind === 'post' ? '{"text": "hello"}' : ans('like') })) },
];

test('the report lists answer problems by reason with their task ids, scored as an empty post', async () => {
  const r = await evaluate(tasks, models, { embedder, bootstrap: 0, seed: 1 });
  assert.deepEqual(r.problems.llm.counts, { invalid_json: 1, refusal: 1, empty: 1, unknown_action: 1, missing: 1 });
  assert.equal(r.problems.llm.unknownTaskIds, 1);
  // every unusable answer counts as a post (the reference's rule): the confusion row of 'like' has the not-JSON answer
  // and the missing one in the 'post' column
  const li = r.labels.indexOf('like');
  const pi = r.labels.indexOf('post');
  assert.equal(r.confusion.llm[li][pi], 2);
  const md = evalMarkdown(r);
  assert.match(md, /\| llm \| [^|]*invalid_json 1[^|]*refusal 1[^|]*\| 1 \|/);
  assert.match(md, /empty 1/);
  assert.match(md, /unknown_action 1/);
  assert.match(md, /missing 1/);
  const html = await evalHtml(r);
  const problems = html.slice(html.indexOf('<h2>Problems in the answers</h2>'));
  assert.match(problems, /<li>invalid_json: task-0-1<\/li>/);
  assert.match(problems, /<li>refusal: task-0-2<\/li>/);
  assert.match(problems, /<li>empty: task-0-3<\/li>/);
  assert.match(problems, /<li>unknown_action: task-1-0<\/li>/);
  assert.match(problems, /<li>missing: task-1-1<\/li>/);
  for (const h of ['Per cluster and model', 'Confusion matrices (population)', 'Real vs generated']) {
    const at = html.indexOf(`<h2>${h}</h2>`);
    assert.ok(at >= 0, h);
    const next = html.indexOf('<h2>', at + 5);
    assert.ok((html.slice(at, next).match(/<svg/g) ?? []).length >= 1, `${h}: a plot`);
  }
  // one confusion matrix per model; real vs generated: the action distribution and the text lengths
  const conf = html.slice(html.indexOf('<h2>Confusion matrices'), html.indexOf('<h2>Real vs generated'));
  assert.equal((conf.match(/<svg/g) ?? []).length, 2);
  const rvg = html.slice(html.indexOf('<h2>Real vs generated'), html.indexOf('<h2>', html.indexOf('<h2>Real vs generated') + 5));
  assert.equal((rvg.match(/<svg/g) ?? []).length, 2);
  assert.deepEqual(Object.keys(r.distribution.textLengths).sort(), ['baseline', 'llm', 'real'].sort());
  // no model is named <name>_<cluster>: the diagonality values (0 by the reference rule) come with a note saying so
  assert.equal(r.diagonality.f1_scores, 0);
  assert.ok(r.notes.some((n) => n.startsWith('diagonality: no model stands for one of the evaluated clusters')));
  assert.match(html, /<h2>Notes<\/h2>.*diagonality: no model stands for/s);
  const named = await evaluate(tasks, [{ ...models[1], id: 'model_0' }, { ...models[1], id: 'model_1' }], { embedder, bootstrap: 0, seed: 1 });
  assert.ok(!named.notes.some((n) => n.startsWith('diagonality:')), 'models named model_<cluster>: no note');
});
