// Study statistics (pure): the reference's accuracy with unsure counted as half right (spec §10.2), its normal
// interval, a Wilson interval, and agreement between raters (Krippendorff's alpha, nominal, plus the mean pairwise
// agreement), per model arm.
import type { Answer, ItemKind } from '../../store/studies.ts';

/** The reference's z (spec §10.2: `acc ± 1.96·sqrt(acc(1−acc)/n)`, the literal 1.96 of its notebook). */
export const Z_REFERENCE = 1.96;
/** The exact 97.5 % normal quantile, for the Wilson interval (which the reference does not compute). */
export const Z95 = 1.959963984540054;

export interface Tally {
  n: number;
  correct: number;
  incorrect: number;
  unsure: number;
}

export interface AccuracySummary extends Tally {
  /** (correct + unsure/2) / n; null when n = 0. */
  accuracy: number | null;
  /** The reference interval acc ± 1.96·sqrt(acc(1−acc)/n) with z exactly 1.96, not clipped (as the reference reports it). */
  referenceCi: [number, number] | null;
  /** Wilson score interval for the same proportion. */
  wilsonCi: [number, number] | null;
}

export function tally(pairs: Iterable<{ expected: Answer; answer: Answer }>): Tally {
  const t: Tally = { n: 0, correct: 0, incorrect: 0, unsure: 0 };
  for (const p of pairs) {
    t.n++;
    if (p.answer === 'unsure') t.unsure++;
    else if (p.answer === p.expected) t.correct++;
    else t.incorrect++;
  }
  return t;
}

export function accuracySummary(t: Tally): AccuracySummary {
  if (t.n === 0) return { ...t, accuracy: null, referenceCi: null, wilsonCi: null };
  const acc = (t.correct + t.unsure / 2) / t.n;
  const half = Z_REFERENCE * Math.sqrt((acc * (1 - acc)) / t.n);
  return { ...t, accuracy: acc, referenceCi: [acc - half, acc + half], wilsonCi: wilson(acc, t.n, Z95) };
}

export function wilson(p: number, n: number, z = Z95): [number, number] {
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const den = 1 + z2 / n;
  return [Math.max(0, (centre - spread) / den), Math.min(1, (centre + spread) / den)];
}

/**
 * Krippendorff's alpha for nominal data. `units` holds, per item, the answers of the raters who rated it; items
 * with fewer than two answers carry no pairing information and are ignored. Null when undefined (fewer than two
 * pairable answers, or every answer in one category).
 */
export function krippendorffAlpha(units: ReadonlyArray<readonly string[]>): number | null {
  const o = new Map<string, number>();
  const nc = new Map<string, number>();
  let n = 0;
  for (const u of units) {
    const m = u.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        const key = `${u[i]}\u0000${u[j]}`;
        o.set(key, (o.get(key) ?? 0) + 1 / (m - 1));
      }
      nc.set(u[i], (nc.get(u[i]) ?? 0) + 1);
      n++;
    }
  }
  if (n < 2) return null;
  let disagree = 0;
  for (const [key, v] of o) {
    const [a, b] = key.split('\u0000');
    if (a !== b) disagree += v;
  }
  let expected = 0;
  const counts = [...nc.values()];
  for (let i = 0; i < counts.length; i++) for (let j = 0; j < counts.length; j++) if (i !== j) expected += counts[i] * counts[j];
  if (expected === 0) return null;
  return 1 - ((n - 1) * disagree) / expected;
}

/** Share of agreeing rater pairs over every item rated by at least two raters; null when there is no pair. */
export function pairwiseAgreement(units: ReadonlyArray<readonly string[]>): number | null {
  let pairs = 0;
  let agree = 0;
  for (const u of units) {
    for (let i = 0; i < u.length; i++) {
      for (let j = i + 1; j < u.length; j++) {
        pairs++;
        if (u[i] === u[j]) agree++;
      }
    }
  }
  return pairs ? agree / pairs : null;
}

export interface ResponseFact {
  raterNo: number;
  itemNo: number;
  kind: ItemKind;
  model: string | null;
  expected: Answer;
  answer: Answer;
  elapsedMs: number;
}

export interface ModelResult extends AccuracySummary {
  model: string;
  /** Accuracy on the real posts shown and on the model posts shown. */
  byShown: { real: AccuracySummary; model: AccuracySummary };
  agreement: { alpha: number | null; pairwise: number | null; itemsWithTwoOrMore: number };
  medianElapsedMs: number | null;
}

export interface AttentionResult {
  raterNo: number;
  passed: number;
  total: number;
}

export interface StudyResults {
  models: ModelResult[];
  attention: AttentionResult[];
  raters: number;
  responses: number;
  /** Raters left out because they failed an attention check (when asked to). */
  excludedRaters: number[];
}

/** Per-model results; with `excludeInattentive`, raters who failed any attention check are left out. */
export function studyResults(facts: readonly ResponseFact[], excludeInattentive = false): StudyResults {
  const attention = new Map<number, AttentionResult>();
  for (const f of facts) {
    if (f.kind !== 'attention') continue;
    const a = attention.get(f.raterNo) ?? { raterNo: f.raterNo, passed: 0, total: 0 };
    a.total++;
    if (f.answer === f.expected) a.passed++;
    attention.set(f.raterNo, a);
  }
  const excluded = excludeInattentive ? [...attention.values()].filter((a) => a.passed < a.total).map((a) => a.raterNo).sort((a, b) => a - b) : [];
  const drop = new Set(excluded);
  const kept = facts.filter((f) => f.kind !== 'attention' && f.model !== null && !drop.has(f.raterNo));
  const byModel = new Map<string, ResponseFact[]>();
  for (const f of kept) (byModel.get(f.model!) ?? byModel.set(f.model!, []).get(f.model!)!).push(f);
  const models = [...byModel.keys()].sort().map((model) => {
    const rows = byModel.get(model)!;
    const units = new Map<number, string[]>();
    for (const r of rows) (units.get(r.itemNo) ?? units.set(r.itemNo, []).get(r.itemNo)!).push(r.answer);
    const multi = [...units.values()].filter((u) => u.length >= 2);
    return {
      model,
      ...accuracySummary(tally(rows)),
      byShown: { real: accuracySummary(tally(rows.filter((r) => r.kind === 'real'))), model: accuracySummary(tally(rows.filter((r) => r.kind === 'model'))) },
      agreement: { alpha: krippendorffAlpha(multi), pairwise: pairwiseAgreement(multi), itemsWithTwoOrMore: multi.length },
      medianElapsedMs: median(rows.map((r) => r.elapsedMs)),
    };
  });
  return {
    models,
    attention: [...attention.values()].sort((a, b) => a.raterNo - b.raterNo),
    raters: new Set(facts.map((f) => f.raterNo)).size,
    responses: facts.length,
    excludedRaters: excluded,
  };
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
