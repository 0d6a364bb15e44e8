// The alignment report: every compared set (unaligned pool, random subset, IS only, IS + OT) against the reference,
// as JSON-ready data, Markdown and a self-contained HTML page with per-trait density plots.
import { compareToReference, errorReduction, type MetricOptions, type SetMetrics } from './metrics.ts';
import { densitySvg, type DensitySeries } from './svg-density.ts';
import { column, TRAIT_NAMES, TRAITS, type Points } from './types.ts';

export interface NamedSet {
  name: string;
  points: Points;
}

export interface AlignmentReport {
  title: string;
  reference: { label: string; n: number };
  sets: Array<{ name: string; metrics: SetMetrics }>;
  /** Error reduction of each set against the first set (the unaligned pool), per metric. */
  reductions: Array<{ name: string; meanW1: number; slicedW1: number; mmd2: number; perTrait: Record<string, number> }>;
  notes: Record<string, unknown>;
}

export function buildAlignmentReport(title: string, reference: NamedSet, sets: readonly NamedSet[], notes: Record<string, unknown> = {}, opts: MetricOptions = {}): AlignmentReport {
  const metrics = sets.map((s) => ({ name: s.name, metrics: compareToReference(s.points, reference.points, opts) }));
  const base = metrics[0]?.metrics;
  return {
    title,
    reference: { label: reference.name, n: reference.points.n },
    sets: metrics,
    reductions: base
      ? metrics.slice(1).map(({ name, metrics: m }) => ({
          name,
          meanW1: errorReduction(base.meanW1, m.meanW1),
          slicedW1: errorReduction(base.slicedW1, m.slicedW1),
          mmd2: errorReduction(base.mmd2, m.mmd2),
          perTrait: Object.fromEntries(TRAITS.map((t) => [t, errorReduction(base.perTrait[t].w1, m.perTrait[t].w1)])),
        }))
      : [],
    notes,
  };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : 'n/a');

export function reportMarkdown(r: AlignmentReport): string {
  const lines = [`# ${r.title}`, '', `Reference: ${r.reference.label} (n = ${r.reference.n}).`, ''];
  lines.push('| set | n | ' + TRAITS.map((t) => `W1 ${t}`).join(' | ') + ' | mean W1 | sliced W1 | MMD² | corr. dist. |');
  lines.push('|---|---:|' + TRAITS.map(() => '---:').join('|') + '|---:|---:|---:|---:|');
  for (const { name, metrics: m } of r.sets) {
    lines.push(`| ${name} | ${m.n} | ${TRAITS.map((t) => f3(m.perTrait[t].w1)).join(' | ')} | ${f3(m.meanW1)} | ${f3(m.slicedW1)} | ${m.mmd2.toFixed(4)} | ${f3(m.correlationDistance)} |`);
  }
  lines.push('', '| set | ' + TRAITS.map((t) => `KS ${t}`).join(' | ') + ' | ' + TRAITS.map((t) => `Δmean ${t}`).join(' | ') + ' | ' + TRAITS.map((t) => `ΔSD ${t}`).join(' | ') + ' |');
  lines.push('|---|' + Array(15).fill('---:').join('|') + '|');
  for (const { name, metrics: m } of r.sets) {
    lines.push(
      `| ${name} | ${TRAITS.map((t) => f3(m.perTrait[t].ks)).join(' | ')} | ${TRAITS.map((t) => f3(m.perTrait[t].meanGap)).join(' | ')} | ${TRAITS.map((t) => f3(m.perTrait[t].sdGap)).join(' | ')} |`,
    );
  }
  if (r.reductions.length) {
    lines.push('', `Error reduction against "${r.sets[0].name}":`, '', '| set | ' + TRAITS.map((t) => `W1 ${t}`).join(' | ') + ' | mean W1 | sliced W1 | MMD² |');
    lines.push('|---|' + Array(8).fill('---:').join('|') + '|');
    for (const x of r.reductions) lines.push(`| ${x.name} | ${TRAITS.map((t) => pct(x.perTrait[t])).join(' | ')} | ${pct(x.meanW1)} | ${pct(x.slicedW1)} | ${pct(x.mmd2)} |`);
  }
  if (Object.keys(r.notes).length) lines.push('', '```json', JSON.stringify(r.notes, null, 2), '```');
  return `${lines.join('\n')}\n`;
}

const COLORS = ['#d62728', '#7f7f7f', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd'];

export function reportHtml(r: AlignmentReport, reference: NamedSet, sets: readonly NamedSet[]): string {
  const plots = TRAITS.map((t, k) => {
    const series: DensitySeries[] = [
      { label: reference.name, values: column(reference.points, k), color: '#000', dashed: true },
      ...sets.map((s, i) => ({ label: s.name, values: column(s.points, k), color: COLORS[i % COLORS.length] })),
    ];
    return densitySvg(t, series);
  }).join('\n');
  const md = reportMarkdown(r).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${r.title.replace(/</g, '&lt;')}</title>
<style>body{font-family:sans-serif;margin:2em}svg{margin:4px;border:1px solid #eee}pre{background:#f7f7f7;padding:1em;overflow:auto}</style></head>
<body><h1>${r.title.replace(/</g, '&lt;')}</h1><h2>Trait densities</h2><div>${plots}</div>
<h2>Metrics</h2><pre>${md}</pre><p>Traits: ${TRAITS.map((t) => `${t} = ${TRAIT_NAMES[t]}`).join(', ')}; scores are mean item scores on 1–5.</p></body></html>
`;
}
