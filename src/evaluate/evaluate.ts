// Evaluation of next-action predictions (spec §9) at cluster level (per cluster, then the mean over clusters, as the
// reference reports) and population level (all tasks pooled).
//   mode `blueprint`: the reference exactly: filter_text clean-up, the 6-label rule and its accuracy-"F1",
//     predictions paired with truth by position (model answers sorted by chain index, chain index < 1000 kept,
//     paired with the first tasks of the cluster in file order), max-of-max cosine, every text embedded (empty ones
//     included), diagonality over models named `<x>_<cluster>`.
//   mode `corrected` (default): predictions aligned by task id; 13 actions + ignore with macro/weighted/per-class F1;
//     mean per-sample best cosine and paired cosine; empty texts left out of text metrics; bootstrap CIs.
import { parseAnswer, type AnswerStatus } from '../agents/answer.ts';
import { ACTION_LABELS, COMPAT_LABELS, compatLabel } from './labels.ts';
import { bootstrapCi, type Interval } from './bootstrap.ts';
import { classificationReport, compatF1, type ClassReport } from './classification.ts';
import { diagonality } from './diagonality.ts';
import { EmbeddingCache, type PreparableEmbedder } from './embed-cache.ts';
import { embeddableText, filterText } from './filter-text.ts';
import type { EvalModel, EvalTask } from './inputs.ts';
import { realHistogram, textMetrics, tfidfJaccard, type TextMetrics } from './text-metrics.ts';
import { dot } from './vectors.ts';

export type EvalMode = 'corrected' | 'blueprint';

export interface EvaluateOptions {
  mode?: EvalMode;
  embedder: PreparableEmbedder;
  /** Bootstrap resamples for confidence intervals (corrected mode; 0 turns them off). Default 1000. */
  bootstrap?: number;
  seed?: number;
  /** Which cluster a model stands for, for diagonality (default: the reference's `<x>_<k>` naming rule). */
  clusterOfModel?: (modelId: string) => number | undefined;
}

export interface GroupMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  /** The reference's action "F1" (equals accuracy over the 6 reference labels). */
  compatF1: number;
  text: TextMetrics;
  jaccard: number;
  /** Mean cosine between each answer's text and its own task's true text (corrected mode, both non-empty). */
  pairedCosine: number;
  ci?: Partial<Record<'accuracy' | 'macroF1' | 'weightedF1' | 'meanMaxCosine' | 'pairedCosine', Interval | null>>;
}

export interface ModelProblems {
  counts: Partial<Record<AnswerStatus, number>>;
  /** Up to 20 task ids per status. */
  examples: Partial<Record<AnswerStatus, string[]>>;
  /** Predictions whose task id is not among the tasks. */
  unknownTaskIds: number;
  duplicateTaskIds: number;
  /** Reference pairing dropped answers with chain index >= 1000 (blueprint mode). */
  droppedChainIndex: number;
}

export interface EvalReport {
  mode: EvalMode;
  embedder: string;
  models: string[];
  clusters: number[];
  perCluster: Record<string, Record<string, GroupMetrics>>;
  clusterMean: Record<string, Record<string, number>>;
  population: Record<string, GroupMetrics>;
  diagonality: Record<string, number>;
  labels: string[];
  /** Population-level confusion matrix [true][pred] per model, over `labels`. */
  confusion: Record<string, number[][]>;
  perClass: Record<string, Record<string, ClassReport>>;
  distribution: { actions: Record<string, Record<string, number>>; textLengths: Record<string, number[]> };
  problems: Record<string, ModelProblems>;
  top5Terms: Record<string, Record<string, string[]>>;
  notes: string[];
}

/** The real side's name in the TF-IDF documents (the reference's) and in the distributions. */
export const REAL = 'validation';
export const REAL_SOURCE = 'real';
const POP = 'population';

interface Row {
  truthLabel: string;
  predLabel: string;
  realText: string | null;
  genText: string | null;
}

const codeLength = (s: string) => [...s].length;

export async function evaluate(tasks: readonly EvalTask[], models: readonly EvalModel[], opts: EvaluateOptions): Promise<EvalReport> {
  const mode = opts.mode ?? 'corrected';
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const clusters = [...new Set(tasks.map((t) => t.cluster))].sort((a, b) => a - b);
  const problems: Record<string, ModelProblems> = {};
  // rows[model][cluster] in the pairing of the mode
  const rows = new Map<string, Map<number, Row[]>>();
  const realRows = new Map<number, Row[]>();

  for (const m of models) {
    const pr: ModelProblems = { counts: {}, examples: {}, unknownTaskIds: 0, duplicateTaskIds: 0, droppedChainIndex: 0 };
    problems[m.id] = pr;
    const byTask = new Map<string, { content: string; refusal?: string }>();
    for (const p of m.predictions) {
      if (!taskById.has(p.task_id)) pr.unknownTaskIds++;
      else if (byTask.has(p.task_id)) pr.duplicateTaskIds++;
      else byTask.set(p.task_id, p);
    }
    for (const t of tasks) {
      const p = byTask.get(t.id);
      const status = parseAnswer(p?.content, t.kind ?? 'reply', p?.refusal).status;
      if (status === 'ok') continue;
      pr.counts[status] = (pr.counts[status] ?? 0) + 1;
      const ex = pr.examples[status] ?? (pr.examples[status] = []);
      if (ex.length < 20) ex.push(t.id);
    }
    const perCluster = new Map<number, Row[]>();
    rows.set(m.id, perCluster);
    for (const c of clusters) {
      const inCluster = tasks.filter((t) => t.cluster === c).sort((a, b) => a.index - b.index);
      if (mode === 'blueprint') {
        const answered = inCluster.filter((t) => byTask.has(t.id));
        const kept = answered.filter((t) => t.index < 1000);
        pr.droppedChainIndex += answered.length - kept.length;
        perCluster.set(c, kept.map((t, i) => {
          const p = byTask.get(t.id)!;
          const g = filterText(p.content || p.refusal || '');
          const truthTask = inCluster[i];
          const r = truthTask ? filterText(truthTask.truthContent) : undefined;
          return { truthLabel: r ? compatLabel(r.actions) : '', predLabel: compatLabel(g.actions), realText: r ? embeddableText(r.text) : null, genText: embeddableText(g.text) };
        }));
      } else {
        perCluster.set(c, inCluster.map((t) => {
          const p = byTask.get(t.id);
          const a = parseAnswer(p?.content, t.kind ?? 'reply', p?.refusal);
          const realText = t.truth.text && t.truth.text.trim() ? t.truth.text : null;
          return { truthLabel: t.truth.action ?? 'post', predLabel: a.action, realText, genText: a.text.trim() ? a.text : null };
        }));
      }
    }
  }
  // Real side: corrected uses every task; blueprint the first n tasks, n from the last model (the reference's ids_to_keep).
  for (const c of clusters) {
    const inCluster = tasks.filter((t) => t.cluster === c).sort((a, b) => a.index - b.index);
    if (mode === 'blueprint') {
      const last = models.length ? rows.get(models[models.length - 1].id)!.get(c)!.length : inCluster.length;
      realRows.set(c, inCluster.slice(0, last).map((t) => {
        const r = filterText(t.truthContent);
        return { truthLabel: compatLabel(r.actions), predLabel: '', realText: embeddableText(r.text), genText: null };
      }));
    } else {
      realRows.set(c, inCluster.map((t) => ({ truthLabel: t.truth.action ?? 'post', predLabel: '', realText: t.truth.text && t.truth.text.trim() ? t.truth.text : null, genText: null })));
    }
  }

  const realTexts = (rs: readonly Row[]) => rs.map((r) => r.realText).filter((t): t is string => t !== null);
  const genTexts = (rs: readonly Row[]) => rs.map((r) => r.genText).filter((t): t is string => t !== null);
  const allTexts = new Set<string>();
  for (const rs of realRows.values()) for (const t of realTexts(rs)) allTexts.add(t);
  for (const byC of rows.values()) for (const rs of byC.values()) for (const t of genTexts(rs)) allTexts.add(t);
  const cache = new EmbeddingCache(opts.embedder);
  const notes: string[] = [];
  let embedded = true;
  try {
    await cache.add(allTexts);
  } catch (err) {
    // Too few texts for a transductive embedder, an endpoint down, ...: the action metrics still stand.
    embedded = false;
    notes.push(`embedding failed, text metrics left empty: ${(err as Error).message.slice(0, 200)}`);
  }

  const labels: string[] = mode === 'blueprint' ? [...COMPAT_LABELS] : [...ACTION_LABELS];
  const groups: { key: string; clusters: number[] }[] = [...clusters.map((c) => ({ key: String(c), clusters: [c] })), { key: POP, clusters }];
  // Jaccard documents: per cluster (the reference fits one vectorizer over all clusters × models); population separately.
  const clusterDocs = new Map<string, Map<string, readonly string[]>>();
  for (const c of clusters) {
    const byName = new Map<string, readonly string[]>([[REAL, realTexts(realRows.get(c)!)]]);
    for (const m of models) byName.set(m.id, genTexts(rows.get(m.id)!.get(c)!));
    clusterDocs.set(String(c), byName);
  }
  const jc = tfidfJaccard(clusterDocs, REAL);
  const popDocs = new Map([[POP, new Map<string, readonly string[]>([[REAL, clusters.flatMap((c) => realTexts(realRows.get(c)!))], ...models.map((m) => [m.id, clusters.flatMap((c) => genTexts(rows.get(m.id)!.get(c)!))] as [string, string[]])])]]);
  const jp = tfidfJaccard(popDocs, REAL);
  if (jc.error) notes.push(`TF-IDF Jaccard (clusters): ${jc.error}`);
  if (jp.error) notes.push(`TF-IDF Jaccard (population): ${jp.error}`);

  const report: EvalReport = {
    mode, embedder: opts.embedder.id, models: models.map((m) => m.id), clusters, perCluster: {}, clusterMean: {}, population: {},
    diagonality: {}, labels, confusion: {}, perClass: {}, distribution: { actions: {}, textLengths: {} }, problems, top5Terms: {}, notes,
  };
  for (const [g, byName] of [...jc.top5, ...jp.top5]) report.top5Terms[g] = Object.fromEntries(byName);

  const realHists = new Map<string, Map<number, number>>();
  for (const m of models) {
    for (const grp of groups) {
      const rs = grp.clusters.flatMap((c) => rows.get(m.id)!.get(c)!);
      const real = grp.clusters.flatMap((c) => realTexts(realRows.get(c)!));
      const gen = genTexts(rs);
      const truth = mode === 'blueprint' ? rs.filter((r) => r.truthLabel !== '').map((r) => r.truthLabel) : rs.map((r) => r.truthLabel);
      const pred = mode === 'blueprint' ? rs.filter((r) => r.truthLabel !== '').map((r) => r.predLabel) : rs.map((r) => r.predLabel);
      const cls = classificationReport(truth, pred, labels);
      const histKey = mode === 'blueprint' ? `${grp.key}:${real.length}` : grp.key;
      if (embedded && !realHists.has(histKey)) realHists.set(histKey, realHistogram(cache, real));
      const tm = embedded ? textMetrics(cache, real, gen, realHists.get(histKey)) : emptyTextMetrics(real.length, gen.length);
      const paired = mode === 'corrected' && embedded ? rs.filter((r) => r.realText && r.genText).map((r) => dot(cache.unitVector(r.realText!), cache.unitVector(r.genText!))) : [];
      const { bestMatch, ...text } = tm;
      const metrics: GroupMetrics = {
        n: rs.length,
        accuracy: cls.accuracy,
        macroF1: cls.macroF1,
        weightedF1: cls.weightedF1,
        compatF1: compatF1(truth.map((l) => (mode === 'blueprint' ? l : toCompat(l))), pred.map((l) => (mode === 'blueprint' ? l : toCompat(l)))),
        text,
        jaccard: grp.key === POP ? jp.jaccard.get(POP)?.get(m.id) ?? NaN : jc.jaccard.get(grp.key)?.get(m.id) ?? NaN,
        pairedCosine: paired.length ? paired.reduce((a, b) => a + b, 0) / paired.length : NaN,
      };
      const B = opts.bootstrap ?? 1000;
      if (mode === 'corrected' && B > 0) {
        const seed = opts.seed ?? 42;
        const sub = (idx: Uint32Array) => classificationReport(Array.from(idx, (i) => truth[i]), Array.from(idx, (i) => pred[i]), labels);
        metrics.ci = {
          accuracy: bootstrapCi(truth.length, (idx) => {
            let k = 0;
            for (const i of idx) if (truth[i] === pred[i]) k++;
            return k / idx.length;
          }, { resamples: B, seed }),
          macroF1: bootstrapCi(truth.length, (idx) => sub(idx).macroF1, { resamples: Math.min(B, 300), seed }),
          weightedF1: bootstrapCi(truth.length, (idx) => sub(idx).weightedF1, { resamples: Math.min(B, 300), seed }),
          meanMaxCosine: bootstrapCi(bestMatch.length, (idx) => meanAt(bestMatch, idx), { resamples: B, seed }),
          pairedCosine: bootstrapCi(paired.length, (idx) => meanAt(paired, idx), { resamples: B, seed }),
        };
      }
      if (grp.key === POP) {
        report.population[m.id] = metrics;
        report.confusion[m.id] = cls.confusion;
        report.perClass[m.id] = cls.perClass;
        report.distribution.actions[m.id] = countLabels(pred);
        report.distribution.textLengths[m.id] = gen.map(codeLength);
      } else (report.perCluster[grp.key] ??= {})[m.id] = metrics;
    }
  }
  const realAll = clusters.flatMap((c) => realRows.get(c)!);
  report.distribution.actions[REAL_SOURCE] = countLabels(realAll.map((r) => r.truthLabel));
  report.distribution.textLengths[REAL_SOURCE] = realTexts(realAll).map(codeLength);

  const scalar: Record<string, (g: GroupMetrics) => number> = {
    jaccard_similarity: (g) => g.jaccard,
    avg_embed_cosine_similarity: (g) => g.text.centroidCosine,
    max_cosine_similarity: (g) => g.text.maxCosine,
    embedding_js_divergence: (g) => g.text.jsDivergence,
    f1_scores: (g) => g.compatF1,
    accuracy: (g) => g.accuracy,
    macro_f1: (g) => g.macroF1,
    weighted_f1: (g) => g.weightedF1,
    mean_max_cosine: (g) => g.text.meanMaxCosine,
    paired_cosine: (g) => g.pairedCosine,
  };
  for (const m of models) {
    report.clusterMean[m.id] = Object.fromEntries(
      Object.entries(scalar).map(([k, f]) => [k, meanFinite(clusters.map((c) => f(report.perCluster[String(c)][m.id])))]),
    );
  }
  const matrix = (f: (g: GroupMetrics) => number) => new Map(clusters.map((c) => [c, new Map(models.map((m) => [m.id, f(report.perCluster[String(c)][m.id])]))]));
  const diagMetrics: Record<string, (g: GroupMetrics) => number> = {
    jaccard_similarity: scalar.jaccard_similarity,
    avg_embed_cosine_similarity: scalar.avg_embed_cosine_similarity,
    max_cosine_similarity: scalar.max_cosine_similarity,
    f1_scores: scalar.f1_scores,
    inverted_embedding_js_divergence: (g) => 1 / (1 + g.text.jsDivergence),
  };
  if (mode === 'corrected') Object.assign(diagMetrics, { macro_f1: scalar.macro_f1, mean_max_cosine: scalar.mean_max_cosine });
  for (const [k, f] of Object.entries(diagMetrics)) report.diagonality[k] = diagonality(matrix(f), opts.clusterOfModel);
  return report;
}

/** A 13-key label under the reference rule (reply, unlike, quote, ... all become post). */
function toCompat(l: string): string {
  return l === 'like' || l === 'repost' || l === 'follow' || l === 'ignore' ? l : 'post';
}

function countLabels(labels: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
}

function meanAt(values: ArrayLike<number>, idx: Uint32Array): number {
  let s = 0;
  for (const i of idx) s += values[i];
  return s / idx.length;
}

function meanFinite(values: readonly number[]): number {
  const f = values.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
}

function emptyTextMetrics(nReal: number, nGenerated: number): TextMetrics & { bestMatch: Float64Array } {
  return { nReal, nGenerated, centroidCosine: NaN, maxCosine: NaN, meanMaxCosine: NaN, jsDivergence: NaN, bestMatch: new Float64Array(0) };
}
