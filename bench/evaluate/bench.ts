// Benchmark of the next-action baselines and of evaluation speed.
//   node --import tsx bench/evaluate/bench.ts --release <release dir> [--k K] [--per-cluster 200] [--models 5]
// 1. Baselines: train on the train split, macro-F1 / accuracy on the test split (all test tasks).
// 2. Evaluation speed: tasks sampled from the validation split (reference sampling, --per-cluster per cluster, padded
//    from the test split when a cluster is short), scored for N models (the three baselines plus shuffled-truth
//    models) with the `lsa` embedder, corrected mode with 1000 bootstrap resamples, then blueprint mode.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { loadRelease, threadsOfSplit } from '../../src/agents/release-files.ts';
import { buildTask, sampleTasks, type NextActionTask } from '../../src/agents/tasks.ts';
import { BASELINES, TextPool, baselinePredictions, createBaseline } from '../../src/agents/baselines.ts';
import { classificationReport } from '../../src/evaluate/classification.ts';
import { ACTION_LABELS } from '../../src/evaluate/labels.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { evalTaskFromTask } from '../../src/evaluate/read-inputs.ts';
import type { EvalModel } from '../../src/evaluate/inputs.ts';
import { createEmbedder } from '../../src/embed/spec.ts';
import { Rng } from '../../src/util/rng.ts';

const { values } = parseArgs({ options: { release: { type: 'string' }, k: { type: 'string' }, 'per-cluster': { type: 'string', default: '200' }, models: { type: 'string', default: '5' } } });
if (!values.release) throw new Error('--release <dir> is required');
const t0 = performance.now();
const rel = loadRelease(values.release, values.k ? Number(values.k) : undefined);
const train = threadsOfSplit(rel, 'train').map((t) => buildTask(t, 'train'));
const testTasks = threadsOfSplit(rel, 'test').map((t) => buildTask(t, 'test'));
const valTasks = threadsOfSplit(rel, 'validation').map((t) => buildTask(t, 'validation'));
const count = (ts: readonly NextActionTask[]) => Object.entries(ts.reduce<Record<string, number>>((a, t) => ((a[t.truth.action ?? 'none'] = (a[t.truth.action ?? 'none'] ?? 0) + 1), a), {}));
console.log(`release K=${rel.k}: ${rel.threads.length} threads; train ${train.length}, validation ${valTasks.length}, test ${testTasks.length} (loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
console.log(`test actions: ${count(testTasks).map(([k, v]) => `${k} ${v}`).join(', ')}`);

const pool = new TextPool(train);
const baselineModels: EvalModel[] = [];
for (const name of BASELINES) {
  const t = performance.now();
  const b = createBaseline(name, train, 42);
  const fitS = (performance.now() - t) / 1000;
  const preds = baselinePredictions(b, testTasks, pool, 42);
  const rep = classificationReport(testTasks.map((x) => x.truth.action ?? 'post'), preds.map((p) => p.action), ACTION_LABELS);
  console.log(`baseline ${name.padEnd(13)} macro-F1 ${rep.macroF1.toFixed(3)}  weighted-F1 ${rep.weightedF1.toFixed(3)}  accuracy ${rep.accuracy.toFixed(3)}  (fit ${fitS.toFixed(2)} s)`);
}

// Evaluation speed
let tasks = sampleTasks(valTasks, Number(values['per-cluster']), 42);
const want = Number(values['per-cluster']) * new Set(rel.threads.map((t) => t.cluster)).size;
if (tasks.length < want) tasks = [...tasks, ...sampleTasks(testTasks, Number(values['per-cluster']), 43)].slice(0, want);
for (const name of BASELINES) {
  const b = createBaseline(name, train, 42);
  baselineModels.push({ id: `baseline:${name}`, predictions: baselinePredictions(b, tasks, pool, 42) });
}
const rng = new Rng(7);
const models: EvalModel[] = baselineModels.slice(0, Number(values.models));
for (let i = models.length; i < Number(values.models); i++) {
  // a model that answers with another task's true answer: plausible texts and actions, wrong pairing
  const shuffled = rng.shuffle([...tasks]);
  models.push({ id: `shuffled_${i}`, predictions: tasks.map((t, j) => {
    const s = shuffled[j];
    const content = t.kind === 'post' ? JSON.stringify({ text: s.truth.text ?? '' }) : JSON.stringify({ actions: { like: s.truth.action === 'like', follow: s.truth.action === 'follow', repost: s.truth.action === 'repost', ignore: false }, text: s.truth.text ?? '' });
    return { task_id: t.id, content };
  }) });
}
const evalTasks = tasks.map(evalTaskFromTask);
for (const mode of ['corrected', 'blueprint'] as const) {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const r = await evaluate(evalTasks, models, { embedder: createEmbedder('lsa'), mode, bootstrap: 1000, seed: 42 });
  const s = (performance.now() - t) / 1000;
  const c = process.cpuUsage(cpu);
  console.log(`eval ${mode}: ${evalTasks.length} tasks × ${models.length} models, lsa, ${mode === 'corrected' ? '1000 bootstrap resamples' : 'reference metrics'}: ${s.toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU`);
  for (const m of r.models) {
    const p = r.population[m];
    console.log(`  ${m.padEnd(24)} macro-F1 ${p.macroF1.toFixed(3)}  ref-F1 ${p.compatF1.toFixed(3)}  mean-max-cos ${p.text.meanMaxCosine.toFixed(3)}  jaccard(cluster mean) ${r.clusterMean[m].jaccard_similarity.toFixed(3)}`);
  }
}
