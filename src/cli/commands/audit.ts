import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { printJson } from '../options.ts';

export default function register(program: Command): void {
  program
    .command('audit')
    .description('Scan a release folder for leaks (DIDs, handles, at:// URIs, raw timestamps, e-mails, URLs, phones, the secret); exits 3 on any')
    .argument('<dir>', 'release folder')
    .option('--json', 'machine-readable report on stdout')
    .option('--secret-file <path>', 'key file whose secret is searched for (default: $SIMPACT_SECRET or the default key file, if present)')
    .option('--allow <regex...>', 'matches that are allowed (e.g. a licence URL in the dataset card)')
    .action(async (dir: string, opts: { json?: boolean; secretFile?: string; allow?: string[] }) => {
      const { runAudit } = await import('../../privacy/audit-command.ts');
      let result: Awaited<ReturnType<typeof runAudit>>;
      try {
        result = await runAudit(dir, opts);
      } catch (err) {
        throw new CliError((err as Error).message, EXIT.USAGE);
      }
      if (opts.json) printJson(result.report);
      else process.stdout.write(result.text);
      if (result.report.leaks.length > 0) process.exitCode = EXIT.LEAK;
    });
}
