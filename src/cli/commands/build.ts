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
  time: string;
  piiThreshold: string[];
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
    .addOption(
      new Option('--scope <scope>', 'which users a conversation tree may link: same-cluster (the reference: users of one cluster of --chain-k) or all (every retained user, i.e. every user that passes the filters)')
        .choices(['same-cluster', 'all'])
        .default('same-cluster'),
    )
    .option('--time <spec>', 'what relative_integer_time holds: "rank" (the global time rank, as the reference) or "bucket:<n><unit>" (index of the UTC bucket counted from the earliest; units m, h, d, w, mo, e.g. bucket:1h, bucket:1d; not with --compat)', 'rank')
    .option('--pii-threshold <type=score>', 'score threshold of the PII scrubber for one entity type, e.g. PHONE_NUMBER=0.3 (repeatable; default 0.5; not with --compat)', collect, [])
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
      const [{ runBuild, BuildError }, { Store }, { parseSplitFractions }, { stderrLogger }, { parseTimeOption }, { parseThresholds }] = await Promise.all([
        import('../../dataset/build-stage.ts'),
        import('../../store/store.ts'),
        import('../../dataset/splits.ts'),
        import('../../util/log.ts'),
        import('../../privacy/time.ts'),
        import('../../privacy/pii-command.ts'),
      ]);
      let time;
      let piiThresholds;
      try {
        time = parseTimeOption(opts.time);
        piiThresholds = parseThresholds(opts.piiThreshold);
      } catch (err) {
        throw new CliError((err as Error).message.replace(/^--threshold/, '--pii-threshold'), EXIT.USAGE);
      }
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
          time,
          piiThresholds: Object.keys(piiThresholds).length ? piiThresholds : undefined,
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

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}
