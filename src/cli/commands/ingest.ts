import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { globalDb, intArg, isQuiet, printJson } from '../options.ts';

export default function register(program: Command): void {
  program
    .command('ingest')
    .description('Ingest Jetstream JSONL (plain, .gz, .zst; directories recursively; the grouped example format) into the store')
    .argument('<paths...>', 'files or directories')
    .option('--json', 'print a machine-readable summary on stdout')
    .option('--max-errors <n>', 'bad lines reported in full (the rest are counted)', intArg('--max-errors', 0), 10)
    .option('--batch-size <n>', 'events per bulk load (default: one DuckDB row group, 122,880)', intArg('--batch-size', 1))
    .action(async (paths: string[], opts: { json?: boolean; maxErrors: number; batchSize?: number }, cmd: Command) => {
      const { runIngest } = await import('../../ingest/run.ts');
      const summary = await runIngest({ db: globalDb(cmd), paths, quiet: isQuiet(cmd), maxErrors: opts.maxErrors, batchSize: opts.batchSize });
      if (opts.json) printJson(summary);
      if (summary.events === 0) {
        const why = summary.files === 0
          ? 'no file to read'
          : `${summary.files} file${summary.files === 1 ? '' : 's'} read, no valid Jetstream event in ${summary.files === 1 ? 'it' : 'them'} (${summary.malformed} bad lines, ${summary.fileProblems} files not read to the end)`;
        throw new CliError(`nothing could be ingested: ${why}`, EXIT.FAILURE);
      }
    });
}
