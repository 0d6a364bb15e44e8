// Writes the clustering diagnostics into a folder (the build report or the release): one JSON summary and, per K,
// a JSON file and a PCA scatter plot (SVG + PNG). Nothing written here names a user: no DIDs, no handles; the
// medoid posts and top terms go through the PII engine's redaction, and terms equal to a kept user's DID id are dropped.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPiiEngine } from '../privacy/pii/engine.ts';
import { scatterSpec } from '../report/plots.ts';
import { writeChart } from '../report/svg-png.ts';
import type { ClusterDiagnostics } from './diagnostics.ts';
import type { ClusteringResult } from './stage.ts';

export interface WriteDiagnosticsOptions {
  /** Text redaction (default: the PII engine's default entity set). */
  redact?: (text: string) => string;
  /** Skip the PNG/SVG plots (e.g. for quick runs). */
  plots?: boolean;
}

export interface WrittenDiagnostics {
  summary: string;
  files: string[];
}

export async function writeClusterDiagnostics(result: ClusteringResult, dir: string, opts: WriteDiagnosticsOptions = {}): Promise<WrittenDiagnostics> {
  mkdirSync(dir, { recursive: true });
  const redact = opts.redact ?? defaultRedactor();
  const didIds = new Set<string>();
  for (const k of result.perK) for (const did of k.assignments.keys()) didIds.add(did.split(':').pop()!.toLowerCase());
  const files: string[] = [];
  const summary = {
    embedder: { id: result.embedder.id, spec: result.embedder.spec, settings: result.embedder.settings, dim: result.embedder.dim },
    users: result.nUsers,
    settings: result.settings,
    seeds: result.seeds,
    deviations: result.deviations,
    ks: result.perK.map((k) => ({
      k: k.k,
      status: k.status,
      ...(k.reason ? { reason: k.reason } : {}),
      ...(k.diagnostics
        ? { inertia: k.diagnostics.inertia, silhouette: k.diagnostics.silhouette.value, sizes: { min: Math.min(...k.diagnostics.sizes), max: Math.max(...k.diagnostics.sizes) } }
        : {}),
    })),
  };
  for (const k of result.perK) {
    if (!k.diagnostics) continue;
    const d = releaseSafe(k.diagnostics, redact, didIds);
    const base = join(dir, `clusters-k${k.k}`);
    writeFileSync(`${base}.json`, `${JSON.stringify(d, null, 2)}\n`);
    files.push(`${base}.json`);
    if (opts.plots ?? true) {
      const spec = scatterSpec(
        d.pca.points.map((p) => ({ x: p.x, y: p.y, group: p.cluster })),
        {
          title: `User vectors, PCA (K=${k.k}, ${d.pca.sampled} of ${d.nUsers} users)`,
          xTitle: `PC1 (${(d.pca.explainedVariance[0] * 100).toFixed(1)}% of variance)`,
          yTitle: `PC2 (${(d.pca.explainedVariance[1] * 100).toFixed(1)}% of variance)`,
          groupTitle: 'cluster',
        },
      );
      const out = await writeChart(spec, `${base}-pca`);
      files.push(out.svg, out.png);
    }
  }
  const summaryPath = join(dir, 'clustering.json');
  writeFileSync(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  return { summary: summaryPath, files: [summaryPath, ...files] };
}

function releaseSafe(d: ClusterDiagnostics, redact: (t: string) => string, didIds: ReadonlySet<string>): ClusterDiagnostics {
  return {
    ...d,
    clusters: d.clusters.map((c) => ({
      ...c,
      topTerms: c.topTerms.filter((t) => !didIds.has(t)).map(redact),
      medoidPosts: c.medoidPosts.map(redact),
    })),
  };
}

function defaultRedactor(): (text: string) => string {
  const engine = createPiiEngine();
  return (text) => engine.redact(text).redacted;
}
