// The evaluation report as one self-contained HTML file: tables plus inline SVG charts (metric per cluster and
// model, confusion matrices, real vs generated action distribution, text lengths) and the bad-answer listing.
import type { EvalReport } from '../evaluate/evaluate.ts';
import { actionDistributionSpec, confusionSpec, metricByClusterSpec, textLengthSpec } from './eval-charts.ts';
import { CLUSTER_MEAN_KEYS, INPUT_PROBLEM_HEAD, embedderNote, PROBLEM_HEAD, fmt, inputProblemRows, populationHead, populationRows, problemRows } from './eval-markdown.ts';
import { escapeHtml, htmlPage, htmlTable } from './html.ts';
import { vegaLiteToSvg, type VegaLiteSpec } from './svg-png.ts';

async function chart(spec: VegaLiteSpec): Promise<string> {
  const svg = await vegaLiteToSvg(spec);
  // Vega writes plain SVG with its own escaping; drop any XML prolog so it can sit inline.
  return `<figure>${svg.replace(/^<\?xml[^>]*>\s*/, '')}</figure>`;
}

export async function evalHtml(r: EvalReport): Promise<string> {
  const parts: string[] = [];
  const title = `Next-action evaluation (${r.mode === 'blueprint' ? 'reference-compatible' : 'corrected'})`;
  parts.push(`<h1>${escapeHtml(title)}</h1>`);
  parts.push(`<p class="note">Embedder <code>${escapeHtml(r.embedder)}</code>${escapeHtml(embedderNote(r))}; ${r.clusters.length} clusters; ${r.models.length} models.</p>`);
  parts.push('<h2>Population level</h2>', htmlTable(populationHead(r), populationRows(r)));
  parts.push('<h2>Cluster level (mean over clusters)</h2>', htmlTable(['model', ...CLUSTER_MEAN_KEYS], r.models.map((m) => [m, ...CLUSTER_MEAN_KEYS.map((k) => fmt(r.clusterMean[m][k]))])));
  parts.push('<h2>Diagonality</h2>', htmlTable(['metric', 'diagonality'], Object.entries(r.diagonality).map(([k, v]) => [k, fmt(v)])));

  const perCluster = (f: (m: string, c: string) => number) => r.clusters.flatMap((c) => r.models.map((m) => ({ cluster: String(c), model: m, value: f(m, String(c)) })));
  const charts: VegaLiteSpec[] = [
    metricByClusterSpec(perCluster((m, c) => (r.mode === 'blueprint' ? r.perCluster[c][m].compatF1 : r.perCluster[c][m].macroF1)), r.mode === 'blueprint' ? 'F1 (reference rule)' : 'macro-F1'),
    metricByClusterSpec(perCluster((m, c) => r.perCluster[c][m].jaccard), 'TF-IDF top-100 Jaccard'),
    metricByClusterSpec(perCluster((m, c) => (r.mode === 'blueprint' ? r.perCluster[c][m].text.maxCosine : r.perCluster[c][m].text.meanMaxCosine)), r.mode === 'blueprint' ? 'max cosine' : 'mean max cosine'),
    metricByClusterSpec(perCluster((m, c) => r.perCluster[c][m].text.jsDivergence), 'JS divergence'),
  ];
  parts.push('<h2>Per cluster and model</h2>', `<div class="charts">${(await Promise.all(charts.map(chart))).join('\n')}</div>`);
  parts.push('<h2>Confusion matrices (population)</h2>', `<div class="charts">${(await Promise.all(r.models.map((m) => chart(confusionSpec(r.labels, r.confusion[m], m))))).join('\n')}</div>`);
  parts.push('<h2>Real vs generated</h2>', `<div class="charts">${(await Promise.all([chart(actionDistributionSpec(r.distribution.actions)), chart(textLengthSpec(r.distribution.textLengths))])).join('\n')}</div>`);
  if (r.mode === 'corrected') {
    for (const m of r.models) {
      const rows = r.labels.filter((l) => r.perClass[m][l].support || r.perClass[m][l].predicted).map((l) => {
        const c = r.perClass[m][l];
        return [l, fmt(c.precision), fmt(c.recall), fmt(c.f1), String(c.support), String(c.predicted)];
      });
      parts.push(`<h3>Per class: ${escapeHtml(m)}</h3>`, htmlTable(['action', 'precision', 'recall', 'F1', 'support', 'predicted'], rows));
    }
  }
  parts.push('<h2>Problems in the answers</h2>', '<p class="note">Scored as the reference scores them: an unusable answer counts as a post with empty text.</p>');
  parts.push(htmlTable(PROBLEM_HEAD, problemRows(r)));
  for (const m of r.models) {
    const ex = Object.entries(r.problems[m].examples);
    if (!ex.length) continue;
    parts.push(`<h3>${escapeHtml(m)}</h3><ul>${ex.map(([k, ids]) => `<li>${escapeHtml(k)}: ${escapeHtml((ids ?? []).join(', '))}</li>`).join('')}</ul>`);
  }
  const ipRows = inputProblemRows(r);
  parts.push('<h2>Unusable input lines</h2>', ipRows.length ? htmlTable(INPUT_PROBLEM_HEAD, ipRows) : '<p class="note">None.</p>');
  const top = Object.entries(r.top5Terms);
  if (top.length) {
    parts.push('<h2>Top TF-IDF terms</h2>', htmlTable(['group', 'source', 'top 5 terms'], top.flatMap(([g, byName]) => Object.entries(byName).map(([n, terms]) => [g, n, terms.join(', ')]))));
  }
  if (r.notes.length) parts.push('<h2>Notes</h2>', `<ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  return htmlPage(title, parts.join('\n'));
}
