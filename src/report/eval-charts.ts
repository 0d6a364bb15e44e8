// Vega-lite specs for the evaluation report (rendered to inline SVG by svg-png.ts).
import type { VegaLiteSpec } from './svg-png.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One value per (cluster, model): grouped bars. */
export function metricByClusterSpec(rows: readonly { cluster: string; model: string; value: number }[], title: string): VegaLiteSpec {
  return {
    $schema: SCHEMA, title, width: { step: 14 }, height: 200, background: 'white',
    data: { values: rows.filter((r) => Number.isFinite(r.value)) },
    mark: 'bar',
    encoding: {
      x: { field: 'cluster', type: 'ordinal', title: 'cluster', sort: null },
      xOffset: { field: 'model', type: 'nominal' },
      y: { field: 'value', type: 'quantitative', title },
      color: { field: 'model', type: 'nominal', title: 'model', legend: { labelLimit: 320 } },
    },
  };
}

/** Confusion matrix heatmap (true on y, predicted on x), with counts. */
export function confusionSpec(labels: readonly string[], matrix: readonly (readonly number[])[], title: string): VegaLiteSpec {
  const used = labels.map((_, i) => matrix[i].some((v) => v > 0) || matrix.some((row) => row[i] > 0));
  const keep = labels.filter((_, i) => used[i]);
  const values: { truth: string; pred: string; n: number }[] = [];
  labels.forEach((t, i) => labels.forEach((p, j) => {
    if (used[i] && used[j]) values.push({ truth: t, pred: p, n: matrix[i][j] });
  }));
  return {
    $schema: SCHEMA, title, background: 'white', width: Math.max(120, keep.length * 36), height: Math.max(120, keep.length * 30),
    data: { values },
    encoding: {
      x: { field: 'pred', type: 'ordinal', title: 'predicted', sort: keep },
      y: { field: 'truth', type: 'ordinal', title: 'true', sort: keep },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'n', type: 'quantitative', title: 'tasks', scale: { scheme: 'blues' } } } },
      { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: 'n', type: 'quantitative' } } },
    ],
  };
}

/** Share of each action label per source (real and each model). */
export function actionDistributionSpec(dist: Record<string, Record<string, number>>): VegaLiteSpec {
  const values: { source: string; action: string; share: number }[] = [];
  for (const [source, counts] of Object.entries(dist)) {
    const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
    for (const [action, n] of Object.entries(counts)) values.push({ source, action, share: n / total });
  }
  return {
    $schema: SCHEMA, title: 'Action distribution: real vs generated', width: { step: 12 }, height: 200, background: 'white',
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'action', type: 'nominal', title: 'action' },
      xOffset: { field: 'source', type: 'nominal' },
      y: { field: 'share', type: 'quantitative', title: 'share of tasks', axis: { format: '%' } },
      color: { field: 'source', type: 'nominal', title: 'source', legend: { labelLimit: 320 } },
    },
  };
}

/** Text length histograms (characters, log-spaced bins) as lines, one per source. */
export function textLengthSpec(lengths: Record<string, readonly number[]>): VegaLiteSpec {
  const edges = [0, 10, 20, 40, 80, 120, 160, 200, 250, 300, 400, 600, 1000, Infinity];
  const values: { source: string; bin: string; order: number; share: number }[] = [];
  for (const [source, ls] of Object.entries(lengths)) {
    const counts = new Array<number>(edges.length - 1).fill(0);
    for (const l of ls) counts[edges.findIndex((e, i) => l >= e && l < edges[i + 1])]++;
    counts.forEach((n, i) => values.push({ source, order: i, bin: i === counts.length - 1 ? `${edges[i]}+` : `${edges[i]}–${edges[i + 1] - 1}`, share: ls.length ? n / ls.length : 0 }));
  }
  return {
    $schema: SCHEMA, title: 'Text length (characters)', width: 480, height: 200, background: 'white',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'bin', type: 'ordinal', sort: { field: 'order' }, title: 'characters' },
      y: { field: 'share', type: 'quantitative', title: 'share of texts', axis: { format: '%' } },
      color: { field: 'source', type: 'nominal', title: 'source', legend: { labelLimit: 320 } },
    },
  };
}
