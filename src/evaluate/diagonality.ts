// The reference diagonality: for a metric matrix M[cluster][model], with models named `<x>_<k>` standing for
// cluster k (`int(model_id.split('_')[1])`), 1 − Σ off-diagonal / Σ all, over the models that parse; 0 when Σ = 0.

/** Python's `int(model_id.split('_')[1])`, or undefined where that raises. */
export function modelCluster(modelId: string): number | undefined {
  const part = modelId.split('_')[1];
  if (part === undefined) return undefined;
  const s = part.trim();
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

export function diagonality(matrix: ReadonlyMap<number, ReadonlyMap<string, number>>, clusterOfModel: (modelId: string) => number | undefined = modelCluster): number {
  let total = 0;
  let diag = 0;
  for (const [cluster, row] of matrix) {
    for (const [model, value] of row) {
      if (model === 'validation') continue;
      const k = clusterOfModel(model);
      if (k === undefined || !Number.isFinite(value)) continue;
      total += value;
      if (k === cluster) diag += value;
    }
  }
  return total === 0 ? 0 : 1 - (total - diag) / total;
}
