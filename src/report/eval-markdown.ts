// The Markdown summary of an evaluation: population and cluster-mean tables, diagonality, problems per model.
import type { EvalReport, GroupMetrics } from '../evaluate/evaluate.ts';

export function fmt(v: number | undefined, digits = 3): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

export function fmtCi(g: GroupMetrics, key: 'accuracy' | 'macroF1' | 'weightedF1' | 'meanMaxCosine' | 'pairedCosine'): string {
  const ci = g.ci?.[key];
  return ci ? ` [${fmt(ci.low)}, ${fmt(ci.high)}]` : '';
}

/** Rows of the population table: one per model. */
export function populationRows(r: EvalReport): string[][] {
  return r.models.map((m) => {
    const g = r.population[m];
    const common = [m, String(g.n)];
    if (r.mode === 'blueprint') {
      return [...common, fmt(g.compatF1), fmt(g.jaccard), fmt(g.text.centroidCosine), fmt(g.text.maxCosine), fmt(g.text.jsDivergence)];
    }
    return [
      ...common, fmt(g.macroF1) + fmtCi(g, 'macroF1'), fmt(g.weightedF1), fmt(g.accuracy) + fmtCi(g, 'accuracy'), fmt(g.compatF1),
      fmt(g.text.meanMaxCosine) + fmtCi(g, 'meanMaxCosine'), fmt(g.pairedCosine), fmt(g.text.centroidCosine), fmt(g.jaccard), fmt(g.text.jsDivergence),
    ];
  });
}

export function populationHead(r: EvalReport): string[] {
  return r.mode === 'blueprint'
    ? ['model', 'tasks', 'F1 (reference rule)', 'TF-IDF Jaccard', 'centroid cos', 'max cos', 'JS div']
    : ['model', 'tasks', 'macro-F1 [95% CI]', 'weighted-F1', 'accuracy [95% CI]', 'reference F1', 'mean max cos [95% CI]', 'paired cos', 'centroid cos', 'TF-IDF Jaccard', 'JS div'];
}

export const CLUSTER_MEAN_KEYS = ['f1_scores', 'macro_f1', 'jaccard_similarity', 'avg_embed_cosine_similarity', 'max_cosine_similarity', 'mean_max_cosine', 'embedding_js_divergence'];

/** Column heads of `problemRows`. */
export const PROBLEM_HEAD = ['model', 'by reason', 'unknown task ids', 'duplicates', 'instruction items dropped (reference rows ≥ 1000)'];

/** Rows of the input-problem table: one per reason, with count and examples. */
export function inputProblemRows(r: EvalReport): string[][] {
  const ip = r.inputProblems;
  if (!ip) return [];
  return Object.entries(ip.counts).map(([reason, n]) => [reason, String(n), (ip.examples[reason as keyof typeof ip.examples] ?? []).join('; ')]);
}

export const INPUT_PROBLEM_HEAD = ['reason', 'lines', 'examples (file:line)'];

export function problemRows(r: EvalReport): string[][] {
  return r.models.map((m) => {
    const p = r.problems[m];
    const counts = Object.entries(p.counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    return [m, counts, String(p.unknownTaskIds), String(p.duplicateTaskIds), String(p.droppedChainIndex)];
  });
}

/** ` (mode blueprint-eval, pooling mean, maxLength 512, …)` from the embedder settings, or ''. */
export function embedderNote(r: EvalReport): string {
  const s = r.embedderSettings;
  if (!s) return '';
  const keys = ['mode', 'pooling', 'maxLength', 'normalize', 'prefix'].filter((k) => s[k] !== undefined && s[k] !== '');
  return keys.length ? ` (${keys.map((k) => `${k} ${String(s[k])}`).join(', ')})` : '';
}

function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function evalMarkdown(r: EvalReport): string {
  const out: string[] = [];
  out.push(`# Next-action evaluation (${r.mode === 'blueprint' ? 'reference-compatible, --compat blueprint' : 'corrected'})`, '');
  out.push(`Embedder: \`${r.embedder}\`${embedderNote(r)}. Clusters: ${r.clusters.length}. Models: ${r.models.length}.`, '');
  out.push('## Population level (all tasks pooled)', '', mdTable(populationHead(r), populationRows(r)), '');
  out.push('## Cluster level (mean over clusters, as the reference reports)', '');
  out.push(mdTable(['model', ...CLUSTER_MEAN_KEYS], r.models.map((m) => [m, ...CLUSTER_MEAN_KEYS.map((k) => fmt(r.clusterMean[m][k]))])), '');
  out.push('## Diagonality', '', mdTable(['metric', 'diagonality'], Object.entries(r.diagonality).map(([k, v]) => [k, fmt(v)])), '');
  out.push('## Problems in the answers', '', 'Scored as the reference scores them: an unusable answer counts as a post with empty text.', '', mdTable(PROBLEM_HEAD, problemRows(r)), '');
  const ipRows = inputProblemRows(r);
  out.push('## Unusable input lines', '');
  out.push(ipRows.length ? mdTable(INPUT_PROBLEM_HEAD, ipRows) : 'None.', '');
  if (r.notes.length) out.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}
