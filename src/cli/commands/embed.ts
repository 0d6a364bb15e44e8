import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { globalDb, intArg, isQuiet, printJson } from '../options.ts';

export default function register(program: Command): void {
  program
    .command('embed')
    .description("Embed the kept users' English posts and replies (cached by text) and store their user vectors")
    .option('--embedder <spec>', 'lsa[:dim=256,…] | transformers:<folder-or-id>[,mode=blueprint|model-card] | openai:<model>@<baseURL>', 'lsa')
    .option('--min-posts <n>', 'minimum English posts+replies per kept user', intArg('--min-posts', 1), 2)
    .option('--compat-blueprint', 'read activity exactly as the reference did')
    .option('--json', 'machine-readable report on stdout')
    .action(async (opts: { embedder: string; minPosts: number; compatBlueprint?: boolean; json?: boolean }, cmd: Command) => {
      const { runEmbedCommand, formatEmbedReport, EmbedUsageError } = await import('../../embed/command.ts');
      let report: Awaited<ReturnType<typeof runEmbedCommand>>;
      try {
        report = await runEmbedCommand(globalDb(cmd), { ...opts, quiet: isQuiet(cmd) || opts.json });
      } catch (err) {
        throw new CliError((err as Error).message, err instanceof EmbedUsageError ? EXIT.USAGE : EXIT.FAILURE);
      }
      if (opts.json) printJson(report);
      else process.stdout.write(formatEmbedReport(report));
    });
}
