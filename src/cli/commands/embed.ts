import type { Command } from 'commander';
import { Option } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { addOptions, compatOption, embedderOption, filterOptions, globalDb, isQuiet, printJson, type FilterCliOptions } from '../options.ts';

interface EmbedCliOptions extends FilterCliOptions {
  embedder: string;
  compatBlueprint?: boolean;
  json?: boolean;
}

export default function register(program: Command): void {
  const cmd = program
    .command('embed')
    .description("Embed the kept users' posts and replies (cached by text) and store their user vectors; `simpact cluster` and `simpact build` with the same --embedder and filters reuse them");
  cmd.addOption(embedderOption().default('lsa'));
  addOptions(cmd, filterOptions());
  cmd.addOption(compatOption());
  cmd.addOption(new Option('--compat-blueprint', 'same as --compat blueprint').hideHelp());
  cmd
    .option('--json', 'machine-readable report on stdout')
    .action(async (opts: EmbedCliOptions, c: Command) => {
      const { runEmbedCommand, formatEmbedReport, EmbedUsageError } = await import('../../embed/command.ts');
      let report: Awaited<ReturnType<typeof runEmbedCommand>>;
      try {
        report = await runEmbedCommand(globalDb(c), {
          embedder: opts.embedder,
          filter: { minPosts: opts.minPosts, languages: opts.languages, keywords: opts.keywords },
          compatBlueprint: opts.compat === 'blueprint' || opts.compatBlueprint,
          quiet: isQuiet(c) || opts.json,
        });
      } catch (err) {
        throw new CliError((err as Error).message, err instanceof EmbedUsageError ? EXIT.USAGE : EXIT.FAILURE);
      }
      if (opts.json) printJson(report);
      else process.stdout.write(formatEmbedReport(report));
    });
}
