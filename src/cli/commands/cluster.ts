import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { floatArg, globalDb, intArg, intListArg, isQuiet, printJson } from '../options.ts';

interface ClusterOpts {
  vectors?: string;
  k: number[];
  minSize: number;
  maxSize?: number;
  nInit: number;
  maxIter: number;
  tol: number;
  seed: number;
  out?: string;
  allowZeroVectors?: boolean;
  json?: boolean;
}

export default function register(program: Command): void {
  program
    .command('cluster')
    .description('Size-constrained k-means (k-means++ seeding, exact minimum/maximum cluster sizes) for each K')
    .option('--vectors <file.npy>', 'cluster a float32 .npy (n × d) instead of the user vectors in the store')
    .option('--k <list>', 'comma-separated numbers of clusters', intListArg('--k', 1), [2, 25, 100, 1000])
    .option('--min-size <n>', 'smallest allowed cluster', intArg('--min-size', 0), 10)
    .option('--max-size <n>', 'largest allowed cluster (default: none)', intArg('--max-size', 1))
    .option('--n-init <n>', 'k-means++ seedings per K (best inertia wins)', intArg('--n-init', 1), 10)
    .option('--max-iter <n>', 'Lloyd iterations per seeding', intArg('--max-iter', 1), 300)
    .option('--tol <x>', 'convergence tolerance on the centre shift, relative to the mean feature variance', floatArg('--tol'), 1e-4)
    .option('--seed <n>', 'random seed', intArg('--seed', 0), 42)
    .option('--out <dir>', 'output folder: labels_k{K}.npy with --vectors, diagnostics for store input')
    .option('--allow-zero-vectors', 'keep all-zero rows of --vectors instead of refusing them')
    .option('--json', 'machine-readable report on stdout')
    .action(async (opts: ClusterOpts, cmd: Command) => {
      const { clusterNpy, clusterStore, formatClusterReport, ClusterUsageError } = await import('../../cluster/command.ts');
      const settings = {
        ks: opts.k,
        minSize: opts.minSize,
        maxSize: opts.maxSize,
        nInit: opts.nInit,
        maxIter: opts.maxIter,
        tol: opts.tol,
        seed: opts.seed,
        allowZeroVectors: opts.allowZeroVectors,
        quiet: isQuiet(cmd) || opts.json,
      };
      let report: Awaited<ReturnType<typeof clusterNpy>>;
      try {
        report = opts.vectors
          ? await clusterNpy(opts.vectors, opts.out ?? 'cluster-out', settings)
          : await clusterStore(globalDb(cmd), opts.out, settings);
      } catch (err) {
        throw new CliError((err as Error).message, err instanceof ClusterUsageError ? EXIT.USAGE : EXIT.FAILURE);
      }
      if (opts.json) printJson(report);
      else process.stdout.write(formatClusterReport(report));
    });
}
