import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';

export default function register(program: Command): void {
  program
    .command('report')
    .description('Render an evaluation JSON (from `simpact eval`) as a self-contained HTML report and a Markdown summary')
    .requiredOption('--eval <file>', 'evaluation JSON')
    .option('--html <file>', 'HTML report to write', 'report.html')
    .option('--markdown <file>', 'Markdown summary to write')
    .action(async (opts: { eval: string; html: string; markdown?: string }) => {
      const { writeEvalReports, ReportUsageError } = await import('../../report/eval-report.ts');
      try {
        await writeEvalReports(opts.eval, opts.html, opts.markdown);
      } catch (err) {
        throw new CliError((err as Error).message, err instanceof ReportUsageError ? EXIT.USAGE : EXIT.FAILURE);
      }
      process.stdout.write(`report → ${opts.html}${opts.markdown ? `, ${opts.markdown}` : ''}\n`);
    });
}
