import { InvalidArgumentError, type Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import {
  addOptions,
  compatOption,
  embedderOption,
  filterOptions,
  floatArg,
  globalDb,
  intArg,
  intListArg,
  isQuiet,
  printJson,
  EMBEDDER_HELP,
  type FilterCliOptions,
} from '../options.ts';

/** The options that choose the store's users and their vectors; they mean nothing with --vectors. */
const STORE_ONLY = ['embedder', 'minPosts', 'languages', 'keywords', 'compat'] as const;

interface ClusterOpts extends FilterCliOptions {
  embedder?: string;
  vectors?: string;
  k: number[];
  minSize: number;
  maxSize?: number;
  nInit: number;
  maxIter: number;
  tol: number;
  seed: number;
  seedSample?: number | 'all' | 'auto';
  out?: string;
  allowZeroVectors?: boolean;
  json?: boolean;
}

export default function register(program: Command): void {
  const command = program
    .command('cluster')
    .description(
      'Size-constrained k-means (k-means++ seeding, exact minimum/maximum cluster sizes) for each K, over the user vectors ' +
        'of the store (embedded with --embedder after the filters, as `simpact embed` and `simpact build` do; stored ones are ' +
        'reused) or a float32 .npy. A K the data cannot satisfy (n < K × min-size) is refused (exit 2); `simpact build` ' +
        'instead leaves such a K out of the release with a recorded reason.',
    )
    .option('--vectors <file.npy>', 'cluster a float32 .npy (n × d) instead of the user vectors in the store')
    .option('--k <list>', 'comma-separated numbers of clusters', intListArg('--k', 1), [2, 25, 100, 1000])
    .option('--min-size <n>', 'smallest allowed cluster', intArg('--min-size', 0), 10)
    .option('--max-size <n>', 'largest allowed cluster (default: none)', intArg('--max-size', 1))
    .option('--n-init <n>', 'k-means++ seedings per K (best inertia wins)', intArg('--n-init', 1), 10)
    .option('--max-iter <n>', 'Lloyd iterations per seeding', intArg('--max-iter', 1), 300)
    .option('--tol <x>', 'convergence tolerance on the centre shift, relative to the mean feature variance', floatArg('--tol'), 1e-4)
    .option('--seed <n>', 'random seed', intArg('--seed', 0), 42)
    .option('--seed-sample <n|all|auto>', "points k-means++ seeds from: all (sklearn), a seeded sample of n, or auto (a 40·K sample when n·K > 2^26; the default, 'all' under --compat blueprint)", seedSampleArg)
    .option('--out <dir>', 'output folder for labels_k{K}.npy (int32; store input: row i is the i-th kept user in sorted-DID order, as the user vectors are stored) and, for store input, the diagnostics (default with --vectors: cluster-out)')
    .option('--allow-zero-vectors', 'keep all-zero rows of --vectors instead of refusing them');
  command.addOption(embedderOption(`store input: the embedder of the user vectors (default lsa): ${EMBEDDER_HELP}`));
  addOptions(command, filterOptions().map((o) => ((o.description = `store input: ${o.description}`), o)));
  command.addOption(compatOption());
  command
    .option('--json', 'machine-readable report on stdout')
    .action(async (opts: ClusterOpts, cmd: Command) => {
      if (opts.vectors) {
        const given = STORE_ONLY.filter((name) => cmd.getOptionValueSource(name) === 'cli');
        if (given.length) throw new CliError(`${given.map(flag).join(', ')}: only for store input, not with --vectors`, EXIT.USAGE);
      }
      const { clusterNpy, clusterStore, formatClusterReport, ClusterUsageError } = await import('../../cluster/command.ts');
      const settings = {
        ks: opts.k,
        embedder: opts.embedder,
        filter: { minPosts: opts.minPosts, languages: opts.languages, keywords: opts.keywords },
        compatBlueprint: opts.compat === 'blueprint',
        minSize: opts.minSize,
        maxSize: opts.maxSize,
        nInit: opts.nInit,
        maxIter: opts.maxIter,
        tol: opts.tol,
        seed: opts.seed,
        seedSample: opts.seedSample,
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

function seedSampleArg(value: string): number | 'all' | 'auto' {
  if (value === 'all' || value === 'auto') return value;
  if (/^\d+$/.test(value) && Number(value) >= 1) return Number(value);
  throw new InvalidArgumentError(`--seed-sample: expected all, auto or a positive integer`);
}

function flag(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
