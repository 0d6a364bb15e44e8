import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { compatOption, embedderOption, globalDb, intArg, intListArg, isQuiet, keywordsOption, languagesOption, minPostsOption, printJson } from '../options.ts';

interface BuildCliOptions {
  out: string;
  k: number[];
  chainK: number;
  compat?: string;
  scope: 'same-cluster' | 'all';
  seed: number;
  secretFile?: string;
  optOut?: string;
  minPosts: number;
  languages: string;
  keywords: string;
  split: string;
  parquet: boolean;
  json?: boolean;
  embedder?: string;
}

export default function register(program: Command): void {
  program
    .command('build')
    .description('Build the persona dataset release: filters, clusters, threads, privacy, BluePrint JSONL + Parquet + card, audit')
    .argument('[inputs...]', 'Jetstream files or folders to ingest first (optional: the store may already hold the events)')
    .requiredOption('--out <dir>', 'release folder (written atomically; an existing release is replaced)')
    .addOption(new Option('--k <list>', 'cluster counts to release, comma-separated (1 = one cluster, no clustering)').argParser(intListArg('--k', 1)).default([2, 25, 100, 1000], '2,25,100,1000'))
    .option('--chain-k <n>', 'the K whose clusters group conversation trees in same-cluster scope (the reference: 25)', intArg('--chain-k', 1), 25)
    .addOption(compatOption())
    .addOption(new Option('--scope <scope>', 'which users a conversation tree may link').choices(['same-cluster', 'all']).default('same-cluster'))
    .addOption(embedderOption('embedder of the clustering stage (see `simpact embed --help`; default: its default)'))
    .option('--seed <n>', 'seed of the splits (and of clustering)', intArg('--seed', 0), 42)
    .option('--secret-file <path>', 'pseudonym key file (default: $SIMPACT_SECRET, else the default key file; created if absent, except with --compat)')
    .option('--opt-out <file>', 'DIDs (one per line) whose threads are removed')
    .addOption(minPostsOption())
    .addOption(languagesOption())
    .addOption(keywordsOption())
    .option('--split <t/v/t>', 'train/validation/test proportions', '80/10/10')
    .option('--no-parquet', 'skip the Parquet copies')
    .option('--json', 'print a machine-readable summary on stdout')
    .action(async (inputs: string[], opts: BuildCliOptions, cmd: Command) => {
      const [{ runBuild, BuildError }, { Store }, { parseSplitFractions }, { stderrLogger }] = await Promise.all([
        import('../../dataset/build-stage.ts'),
        import('../../store/store.ts'),
        import('../../dataset/splits.ts'),
        import('../../util/log.ts'),
      ]);
      let split;
      try {
        split = parseSplitFractions(opts.split);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
      const languages = opts.languages === 'blueprint' ? 'blueprint' : opts.languages.split(',').map((l) => l.trim()).filter(Boolean);
      const store = await Store.open(globalDb(cmd));
      try {
        const report = await runBuild(store, {
          out: opts.out,
          inputs,
          ks: [...new Set(opts.k)].sort((a, b) => a - b),
          chainK: opts.chainK,
          compat: opts.compat === 'blueprint',
          scope: opts.scope,
          seed: opts.seed,
          secretFile: opts.secretFile,
          optOutFile: opts.optOut,
          minPosts: opts.minPosts,
          languages,
          keywords: opts.keywords,
          split,
          parquet: opts.parquet,
          embedder: opts.embedder,
          log: stderrLogger({ quiet: isQuiet(cmd) }),
        });
        if (opts.json) printJson(report);
        else {
          const perK = Object.entries(report.perK).map(([k, s]) => `K=${k}: ${s.clusters} clusters, ${s.threads} threads`).join('; ');
          process.stdout.write(`release written to ${report.out}: ${report.users} users, ${report.threads} threads (${perK}); audit clean\n`);
        }
      } catch (err) {
        if (err instanceof BuildError) throw new CliError(err.message, err.kind === 'leak' ? EXIT.LEAK : err.kind === 'usage' ? EXIT.USAGE : EXIT.FAILURE);
        throw err;
      } finally {
        store.close();
      }
    });
}
