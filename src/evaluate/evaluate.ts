// Evaluation of next-action predictions (spec §9) at cluster level (per cluster, then the mean over clusters, as the
// reference reports) and population level (all tasks pooled).
//   mode `blueprint`: the reference (compute_metrics.py load_cluster_data and metrics): filter_text clean-up, the
//     6-label rule and its accuracy-"F1", predictions paired with truth by position: a cluster's answers sorted by
//     chain index, instruction items dropped (chain index >= 1000, only where the index is a row of a reference
//     validation file: reference solutions input), the i-th answer paired with row i of the cluster's validation
//     rows (`validation`; without them the cluster's i-th task in chain-index order stands in), the first n rows as
//     the real texts (n from the last model); max-of-max cosine, every text embedded (empty ones included),
//     diagonality over models named `<x>_<cluster>`.
//   mode `corrected` (default): predictions aligned by task id; 13 actions + ignore with macro/weighted/per-class F1;
//     mean per-sample best cosine and paired cosine; empty texts left out of text metrics; bootstrap CIs.
// Population level pools every cluster (not in the reference); its TF-IDF vectorizer is the cluster-level one.
import { parseAnswer, type AnswerStatus, type ParsedAnswer } from '../agents/answer.ts';
import type { InputIssue } from '../agents/predictions.ts';
import { ACTION_LABELS, COMPAT_LABELS, compatLabel } from './labels.ts';
import { bootstrapCi, type Interval } from './bootstrap.ts';
import { classificationReport, compatF1, f1OfResample, labelCodes, type ClassReport } from './classification.ts';
import { diagonality, modelCluster } from './diagonality.ts';
import { EmbeddingCache, type PreparableEmbedder } from './embed-cache.ts';
import { embeddableText, filterText } from './filter-text.ts';
import type { EvalModel, EvalPrediction, EvalTask, ValidationRows } from './inputs.ts';
import { jaccardDocuments, realHistogram, textMetrics, tfidfJaccard, type TextMetrics } from './text-metrics.ts';
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
  /** blueprint mode: the validation rows of the reference pairing (see `ValidationRows`). */
  validation?: ValidationRows;
  /** Problems found while reading the inputs; listed in the report by reason. */
  inputIssues?: readonly InputIssue[];
}

/** Input problems by reason, with up to 10 located examples each. */
export interface InputProblems {
  total: number;
  counts: Partial<Record<InputIssue['reason'], number>>;
  examples: Partial<Record<InputIssue['reason'], string[]>>;
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
  /** Further answers to a task that already has one (the first counts). */
  duplicateTaskIds: number;
  /** blueprint mode: answers to reference instruction items (validation row >= 1000), dropped as the reference does. */
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
  /** Unusable lines of the input files (no task id, malformed, failed Batch requests, ...) by reason. */
  inputProblems: InputProblems;
  /** What changes the embedder's vectors (pooling, truncation, ...), where the embedder tells. */
  embedderSettings?: Record<string, unknown>;
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

/** The answer a prediction stands for: a failed request is an `error` (scored as the reference scores bad answers). */
function answerOf(p: EvalPrediction | undefined, kind: 'post' | 'reply'): ParsedAnswer {
  if (p?.error !== undefined) return { status: 'error', reason: p.error, action: 'post', text: '' };
  return parseAnswer(p?.content, kind, p?.refusal);
}

/** A reference instruction item: a row >= 1000 of a reference validation file (never a simpact release line). */
export function isInstructionItem(t: EvalTask): boolean {
  return t.source === 'reference' && t.index >= 1000;
}

export function summarizeInputIssues(issues: readonly InputIssue[]): InputProblems {
  const out: InputProblems = { total: issues.length, counts: {}, examples: {} };
  for (const i of issues) {
    out.counts[i.reason] = (out.counts[i.reason] ?? 0) + 1;
    const ex = out.examples[i.reason] ?? (out.examples[i.reason] = []);
    if (ex.length < 10) ex.push(i.detail ? `${i.where}: ${i.detail}` : i.where);
  }
  return out;
}

export async function evaluate(tasks: readonly EvalTask[], models: readonly EvalModel[], opts: EvaluateOptions): Promise<EvalReport> {
  const mode = opts.mode ?? 'corrected';
  if (mode === 'corrected') {
    const unknown = tasks.filter((t) => t.kind === null);
    if (unknown.length) {
      throw new Error(`corrected metrics need each task's kind (post or reply) to tell a post from a reply; ${unknown.length} tasks have none, e.g. ${unknown[0].id} (give the Batch input file, or use the reference metrics)`);
    }
  }
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const clusters = [...new Set(tasks.map((t) => t.cluster))].sort((a, b) => a - b);
  const byCluster = new Map<number, EvalTask[]>(clusters.map((c) => [c, []]));
  for (const t of tasks) byCluster.get(t.cluster)!.push(t);
  for (const list of byCluster.values()) list.sort((a, b) => a.index - b.index);
  // The reference's validation rows per cluster (blueprint pairing): given, else the cluster's chain tasks in order.
  const validationRows = new Map<number, readonly string[]>(clusters.map((c) => [c, opts.validation?.get(c) ?? byCluster.get(c)!.filter((t) => !isInstructionItem(t)).map((t) => t.truthContent)]));
  const notes: string[] = [];
  if (mode === 'blueprint') {
    if (opts.validation) {
      const missing = clusters.filter((c) => !opts.validation!.has(c));
      notes.push(`reference pairing: the i-th answer of a cluster (by chain index) is paired with row i of its validation rows${missing.length ? `; clusters ${missing.join(', ')} have no validation rows, their tasks stand in` : ''}`);
    } else {
      notes.push('reference pairing: the i-th answer of a cluster (by chain index) is paired with row i of the cluster\'s validation file; no validation rows were given, so the cluster\'s i-th task in chain-index order stands in for row i (pass --validation for the reference pairing exactly)');
    }
  }
  const problems: Record<string, ModelProblems> = {};
  // rows[model][cluster] in the pairing of the mode
  const rows = new Map<string, Map<number, Row[]>>();
  const realRows = new Map<number, Row[]>();
  let shortValidation = 0;

  for (const m of models) {
    const pr: ModelProblems = { counts: {}, examples: {}, unknownTaskIds: 0, duplicateTaskIds: 0, droppedChainIndex: 0 };
    problems[m.id] = pr;
    // A task's first answer counts; a failed request counts only while the task has no answer.
    const byTask = new Map<string, EvalPrediction>();
    for (const p of m.predictions) {
      if (!taskById.has(p.task_id)) {
        pr.unknownTaskIds++;
        continue;
      }
      const prev = byTask.get(p.task_id);
      if (!prev) byTask.set(p.task_id, p);
      else if (p.error === undefined) {
        if (prev.error === undefined) pr.duplicateTaskIds++;
        else byTask.set(p.task_id, p);
      }
    }
    for (const t of tasks) {
      const status = answerOf(byTask.get(t.id), t.kind ?? 'reply').status;
      if (status === 'ok') continue;
      pr.counts[status] = (pr.counts[status] ?? 0) + 1;
      const ex = pr.examples[status] ?? (pr.examples[status] = []);
      if (ex.length < 20) ex.push(t.id);
    }
    const perCluster = new Map<number, Row[]>();
    rows.set(m.id, perCluster);
    for (const c of clusters) {
      const inCluster = byCluster.get(c)!;
      if (mode === 'blueprint') {
        // The reference model file holds the answers it got (a failed request has none).
        const answered = inCluster.filter((t) => byTask.has(t.id) && byTask.get(t.id)!.error === undefined);
        const kept = answered.filter((t) => !isInstructionItem(t));
        pr.droppedChainIndex += answered.length - kept.length;
        const truthRows = validationRows.get(c)!;
        if (kept.length > truthRows.length) shortValidation++;
        perCluster.set(c, kept.map((t, i) => {
          const p = byTask.get(t.id)!;
          const g = filterText(p.content || p.refusal || '');
          const r = i < truthRows.length ? filterText(truthRows[i]) : undefined;
          return { truthLabel: r ? compatLabel(r.actions) : '', predLabel: compatLabel(g.actions), realText: r ? embeddableText(r.text) : null, genText: embeddableText(g.text) };
        }));
      } else {
        perCluster.set(c, inCluster.map((t) => {
          const a = answerOf(byTask.get(t.id), t.kind!);
          const realText = t.truth.text && t.truth.text.trim() ? t.truth.text : null;
          return { truthLabel: t.truth.action ?? 'post', predLabel: a.action, realText, genText: a.text.trim() ? a.text : null };
        }));
      }
    }
  }
  if (shortValidation) notes.push(`reference pairing: ${shortValidation} (model, cluster) pairs have more answers than validation rows; the answers past the last row have no truth and are left out of the action metrics (the reference raises IndexError)`);
  // Real side: corrected uses every task; blueprint the first n rows, n from the last model (the reference's ids_to_keep).
  for (const c of clusters) {
    if (mode === 'blueprint') {
      const truthRows = validationRows.get(c)!;
      const last = models.length ? rows.get(models[models.length - 1].id)!.get(c)!.length : truthRows.length;
      realRows.set(c, truthRows.slice(0, last).map((content) => {
        const r = filterText(content);
        return { truthLabel: compatLabel(r.actions), predLabel: '', realText: embeddableText(r.text), genText: null };
      }));
    } else {
      realRows.set(c, byCluster.get(c)!.map((t) => ({ truthLabel: t.truth.action ?? 'post', predLabel: '', realText: t.truth.text && t.truth.text.trim() ? t.truth.text : null, genText: null })));
    }
  }

  const realTexts = (rs: readonly Row[]) => rs.map((r) => r.realText).filter((t): t is string => t !== null);
  const genTexts = (rs: readonly Row[]) => rs.map((r) => r.genText).filter((t): t is string => t !== null);
  const allTexts = new Set<string>();
  for (const rs of realRows.values()) for (const t of realTexts(rs)) allTexts.add(t);
  for (const byC of rows.values()) for (const rs of byC.values()) for (const t of genTexts(rs)) allTexts.add(t);
  const cache = new EmbeddingCache(opts.embedder);
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
  // Jaccard documents: per cluster, one vectorizer fitted over all clusters × models (the reference's tf_idf_jaccard).
  // The population documents (each source's texts pooled over clusters) are scored with that same vectorizer: a
  // vectorizer of its own would see only 1 + models documents (with one model min_df=2 > max_df=0.95·2).
  const clusterDocs = new Map<string, Map<string, readonly string[]>>();
  for (const c of clusters) {
    const byName = new Map<string, readonly string[]>([[REAL, realTexts(realRows.get(c)!)]]);
    for (const m of models) byName.set(m.id, genTexts(rows.get(m.id)!.get(c)!));
    clusterDocs.set(String(c), byName);
  }
  const jc = tfidfJaccard(clusterDocs, REAL);
  const popDocs = new Map([[POP, new Map<string, readonly string[]>([[REAL, clusters.flatMap((c) => realTexts(realRows.get(c)!))], ...models.map((m) => [m.id, clusters.flatMap((c) => genTexts(rows.get(m.id)!.get(c)!))] as [string, string[]])])]]);
  const jp = tfidfJaccard(popDocs, REAL, 100, jaccardDocuments(clusterDocs));
  if (jc.error) notes.push(`TF-IDF Jaccard: ${jc.error} (the vectorizer is fitted on ${clusters.length * (models.length + 1)} cluster × source documents)`);

  const report: EvalReport = {
    mode, embedder: opts.embedder.id, models: models.map((m) => m.id), clusters, perCluster: {}, clusterMean: {}, population: {},
    diagonality: {}, labels, confusion: {}, perClass: {}, distribution: { actions: {}, textLengths: {} }, problems, top5Terms: {},
    inputProblems: summarizeInputIssues(opts.inputIssues ?? []), notes,
  };
  const settings = (opts.embedder as { settings?: unknown }).settings;
  if (settings && typeof settings === 'object') report.embedderSettings = { ...(settings as Record<string, unknown>) };
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
        const tc = labelCodes(truth, labels);
        const pc = labelCodes(pred, labels);
        metrics.ci = {
          accuracy: bootstrapCi(truth.length, (idx) => {
            let k = 0;
            for (const i of idx) if (truth[i] === pred[i]) k++;
            return k / idx.length;
          }, { resamples: B, seed }),
          macroF1: bootstrapCi(truth.length, (idx) => f1OfResample(tc, pc, labels.length, idx).macroF1, { resamples: B, seed }),
          weightedF1: bootstrapCi(truth.length, (idx) => f1OfResample(tc, pc, labels.length, idx).weightedF1, { resamples: B, seed }),
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
  const clusterOf = opts.clusterOfModel ?? modelCluster;
  if (!models.some((m) => { const c = clusterOf(m.id); return c !== undefined && clusters.includes(c); })) {
    report.notes.push('diagonality: no model stands for one of the evaluated clusters (the reference reads the cluster from a model named <name>_<cluster>, e.g. model_3), so every diagonality is 0 by its rule and says nothing here');
  }
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
