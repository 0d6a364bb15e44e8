// `simpact cluster`: size-constrained k-means for a list of K, on a float32 .npy file (benchmarks, comparisons) or on
// the user vectors in the store (through the clustering stage). The CLI file only parses options and calls these.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FilterFlags } from '../embed/command.ts';
import { Progress } from '../util/log.ts';
import { constrainedKMeans, defaultSeedSample, type SeedSample } from './constrained-kmeans.ts';
import { readNpy, writeNpy } from './npy.ts';
import { validateBounds } from './validate.ts';

export interface ClusterCommandOptions {
  ks: number[];
  /** Store input: the embedder spec (default: the default embedder); stored user vectors of the same spec and filter are reused. */
  embedder?: string;
  /** Store input: the user/post filters, as `simpact embed` and `simpact build` take them. */
  filter?: FilterFlags;
  /** Store input: read activity as the reference did. */
  compatBlueprint?: boolean;
  minSize: number;
  maxSize?: number;
  nInit: number;
  maxIter: number;
  tol: number;
  seed: number;
  seedSample?: SeedSample;
  allowZeroVectors?: boolean;
  quiet?: boolean;
}

export interface ClusterKReport {
  k: number;
  status: 'ok' | 'skipped';
  reason?: string;
  labelsFile?: string;
  sizes?: number[];
  inertia?: number;
  iterations?: number;
  seconds?: number;
  reused?: boolean;
}

export interface ClusterReport {
  input: 'npy' | 'store';
  n: number;
  d: number;
  /** Store input: the embedder of the user vectors and whether they were read back rather than embedded now. */
  embedder?: { id: string; dim: number; settingsHash: string };
  embedKey?: string;
  embedding?: { reusedUserVectors: boolean; embedded: number; fromCache: number };
  perK: ClusterKReport[];
}

/** A problem with the request itself (bad file, infeasible K): the CLI maps it to the usage exit code. */
export class ClusterUsageError extends Error {}

export async function clusterNpy(path: string, outDir: string, opts: ClusterCommandOptions): Promise<ClusterReport> {
  let arr;
  try {
    arr = readNpy(path);
  } catch (err) {
    throw new ClusterUsageError((err as Error).message.replace(/^ENOENT: [^,]*, open /, 'no such file: '));
  }
  if (arr.dtype !== 'float32' || arr.shape.length !== 2) {
    throw new ClusterUsageError(`${path}: expected a 2-D float32 array (n × d), got ${arr.dtype} of shape (${arr.shape.join(', ')})`);
  }
  const [n, d] = arr.shape;
  const maxSize = opts.maxSize ?? Infinity;
  for (const k of opts.ks) {
    try {
      validateBounds({ k, minSize: opts.minSize, maxSize }, n);
    } catch (err) {
      throw new ClusterUsageError((err as Error).message);
    }
  }
  mkdirSync(outDir, { recursive: true });
  const perK: ClusterKReport[] = [];
  for (const k of opts.ks) {
    const progress = new Progress(`cluster K=${k}`, { enabled: opts.quiet ? false : undefined });
    let res;
    try {
      res = await constrainedKMeans(arr.data as Float32Array, n, d, {
        k,
        minSize: opts.minSize,
        maxSize,
        nInit: opts.nInit,
        maxIter: opts.maxIter,
        tol: opts.tol,
        seed: opts.seed,
        seedSample: opts.seedSample ?? defaultSeedSample(opts.compatBlueprint ?? false),
        allowZeroRows: opts.allowZeroVectors,
        onIteration: (i) => progress.update(() => `init ${i.init + 1}/${opts.nInit}, iteration ${i.iteration}, ${i.seconds.toFixed(1)} s`),
      });
    } catch (err) {
      progress.done();
      const message = (err as Error).message;
      // Input problems (bad values, zero rows) are the user's to fix; anything else is a failure of the run.
      if (message.startsWith('constrained k-means:')) throw new ClusterUsageError(`${path}: ${message}`);
      throw err;
    }
    progress.done(`${res.iterations} iterations, ${res.seconds.toFixed(1)} s`);
    const labelsFile = join(outDir, `labels_k${k}.npy`);
    writeNpy(labelsFile, res.labels, [n]);
    perK.push({
      k,
      status: 'ok',
      labelsFile,
      sizes: Array.from(res.sizes),
      inertia: res.inertia,
      iterations: res.iterations,
      seconds: res.seconds,
    });
  }
  return { input: 'npy', n, d, perK };
}

/**
 * Clusters the store's user vectors through the clustering stage, with the embedder and filters given (the user
 * vectors `simpact embed` stored for the same ones are reused, nothing is re-embedded). A K the kept users cannot
 * satisfy is refused before anything runs. With `outDir`: labels_k{K}.npy (int32, row i = the i-th kept user in
 * sorted-DID order, the row order of the stored user vectors; the file names no user) and the diagnostics.
 */
export async function clusterStore(dbPath: string, outDir: string | undefined, opts: ClusterCommandOptions): Promise<ClusterReport> {
  const { Store } = await import('../store/store.ts');
  const { runClustering, InfeasibleKError } = await import('./stage.ts');
  const { stderrLogger } = await import('../util/log.ts');
  const { resolveEmbedderFlag, resolveFilterFlags, EmbedUsageError } = await import('../embed/command.ts');
  let embedder;
  let filter;
  try {
    embedder = resolveEmbedderFlag(opts.embedder);
    filter = resolveFilterFlags(opts.filter);
  } catch (err) {
    if (err instanceof EmbedUsageError) throw new ClusterUsageError(err.message);
    throw err;
  }
  const store = await Store.open(dbPath);
  try {
    let result;
    try {
      result = await runClustering(store, {
        ks: opts.ks,
        minSize: opts.minSize,
        maxSize: opts.maxSize,
        nInit: opts.nInit,
        maxIter: opts.maxIter,
        tol: opts.tol,
        seed: opts.seed,
        seedSample: opts.seedSample,
        embedder,
        filter,
        compatBlueprint: opts.compatBlueprint,
        refuseInfeasible: true,
        logger: stderrLogger({ quiet: opts.quiet }),
      });
    } catch (err) {
      if (err instanceof InfeasibleKError) throw new ClusterUsageError(err.message);
      throw err;
    }
    const labelsFiles = new Map<number, string>();
    if (outDir) {
      mkdirSync(outDir, { recursive: true });
      const row = new Map(result.dids.map((did, i) => [did, i]));
      for (const r of result.perK) {
        if (r.status !== 'ok') continue;
        const labels = new Int32Array(result.dids.length);
        for (const [did, label] of r.assignments) labels[row.get(did)!] = label;
        const file = join(outDir, `labels_k${r.k}.npy`);
        writeNpy(file, labels, [labels.length]);
        labelsFiles.set(r.k, file);
      }
      const { writeClusterDiagnostics } = await import('./diagnostics-write.ts');
      await writeClusterDiagnostics(result, outDir);
    }
    const perK = result.perK.map((r): ClusterKReport => {
      const sizes = new Array<number>(r.k).fill(0);
      for (const label of r.assignments.values()) sizes[label]++;
      return {
        k: r.k,
        status: r.status,
        ...(r.reason ? { reason: r.reason } : {}),
        ...(labelsFiles.has(r.k) ? { labelsFile: labelsFiles.get(r.k) } : {}),
        ...(r.status === 'ok' ? { sizes } : {}),
        inertia: r.inertia,
        ...(r.iterations !== undefined ? { iterations: r.iterations } : {}),
        seconds: r.seconds,
        reused: r.reused,
      };
    });
    const e = result.embedder;
    const s = result.embedStats;
    return {
      input: 'store',
      n: result.nUsers,
      d: e.dim,
      embedder: { id: e.id, dim: e.dim, settingsHash: e.settingsHash },
      embedKey: result.embedKey,
      embedding: { reusedUserVectors: s.reusedUserVectors, embedded: s.embedded, fromCache: s.fromCache },
      perK,
    };
  } finally {
    store.close();
  }
}

export function formatClusterReport(report: ClusterReport): string {
  const lines = [`${report.n} vectors of dimension ${report.d} (${report.input})`];
  if (report.embedder && report.embedding) {
    lines.push(`embedder ${report.embedder.id}: ${report.embedding.reusedUserVectors ? 'stored user vectors reused' : `${report.embedding.embedded} texts embedded now`}`);
  }
  for (const r of report.perK) {
    if (r.status !== 'ok') {
      lines.push(`K=${r.k}: skipped (${r.reason ?? 'no reason given'})`);
      continue;
    }
    const sizes = r.sizes ?? [];
    const min = sizes.length ? Math.min(...sizes) : 0;
    const max = sizes.length ? Math.max(...sizes) : 0;
    const parts = [`K=${r.k}:`, `sizes ${min}..${max}`, `inertia ${r.inertia?.toPrecision(8)}`];
    if (r.iterations !== undefined) parts.push(`${r.iterations} iterations`);
    if (r.seconds !== undefined) parts.push(`${r.seconds.toFixed(2)} s`);
    if (r.reused) parts.push('(reused from the store)');
    if (r.labelsFile) parts.push(`labels ${r.labelsFile}`);
    lines.push(parts.join(' '));
  }
  return `${lines.join('\n')}\n`;
}
