// Action classification metrics. Corrected: per-class precision/recall/F1, macro and weighted F1 as scikit-learn
// computes them with labels = union of true and predicted labels (zero_division = 0), accuracy, confusion counts.
// Compat: the reference's "F1" (tp = matches, fp = fn = mismatches, so it equals accuracy).

export interface ClassReport {
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

export interface ClassificationReport {
  n: number;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  /** Labels averaged over (present in truth or prediction), in `labels` order. */
  averagedLabels: string[];
  perClass: Record<string, ClassReport>;
  /** confusion[true][pred] counts over `labels`. */
  confusion: number[][];
  labels: string[];
}

export function classificationReport(truth: readonly string[], pred: readonly string[], labels: readonly string[]): ClassificationReport {
  const n = truth.length;
  const at = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => new Array<number>(labels.length).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = at.get(truth[i]);
    const p = at.get(pred[i]);
    if (t !== undefined && p !== undefined) confusion[t][p]++;
    if (truth[i] === pred[i]) correct++;
  }
  const perClass: Record<string, ClassReport> = {};
  const averaged: string[] = [];
  let macro = 0;
  let weighted = 0;
  labels.forEach((l, k) => {
    const tp = confusion[k][k];
    const support = confusion[k].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[k], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[l] = { precision, recall, f1, support, predicted };
    if (support || predicted) {
      averaged.push(l);
      macro += f1;
      weighted += f1 * support;
    }
  });
  return {
    n,
    accuracy: n ? correct / n : NaN,
    macroF1: averaged.length ? macro / averaged.length : NaN,
    weightedF1: n ? weighted / n : NaN,
    averagedLabels: averaged,
    perClass,
    confusion,
    labels: [...labels],
  };
}

/** The reference get_f1: 2PR/(P+R) with P = R = matches / n. NaN (the reference divides by zero) when n = 0. */
export function compatF1(truth: readonly string[], pred: readonly string[]): number {
  const n = Math.min(truth.length, pred.length);
  if (n === 0) return NaN;
  let tp = 0;
  for (let i = 0; i < n; i++) if (truth[i] === pred[i]) tp++;
  const p = tp / n;
  return p === 0 ? NaN : (2 * p * p) / (p + p);
}

/** Labels as codes over `labels` (−1 for a label outside them), for `f1OfResample`. */
export function labelCodes(values: readonly string[], labels: readonly string[]): Int32Array {
  const at = new Map(labels.map((l, i) => [l, i]));
  return Int32Array.from(values, (v) => at.get(v) ?? -1);
}

/**
 * Macro and weighted F1 of the items at `idx` (a bootstrap resample), exactly as `classificationReport` computes them
 * on those items, from label codes and counts alone (no strings, no confusion matrix): cheap enough for thousands
 * of resamples.
 */
export function f1OfResample(truth: Int32Array, pred: Int32Array, nLabels: number, idx: ArrayLike<number>): { macroF1: number; weightedF1: number } {
  const tp = new Float64Array(nLabels);
  const support = new Float64Array(nLabels);
  const predicted = new Float64Array(nLabels);
  const n = idx.length;
  for (let j = 0; j < n; j++) {
    const i = idx[j];
    const t = truth[i];
    const p = pred[i];
    if (t < 0 || p < 0) continue;
    support[t]++;
    predicted[p]++;
    if (t === p) tp[t]++;
  }
  let macro = 0;
  let weighted = 0;
  let averaged = 0;
  for (let k = 0; k < nLabels; k++) {
    if (!support[k] && !predicted[k]) continue;
    averaged++;
    const precision = predicted[k] ? tp[k] / predicted[k] : 0;
    const recall = support[k] ? tp[k] / support[k] : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    macro += f1;
    weighted += f1 * support[k];
  }
  return { macroF1: averaged ? macro / averaged : NaN, weightedF1: n ? weighted / n : NaN };
}
