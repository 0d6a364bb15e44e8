import type { Command } from 'commander';
import { Option } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';

export default function register(program: Command): void {
  program
    .command('pii')
    .description('Detect and redact PII in JSONL read from stdin ({"text": ...} per line); writes {"text","redacted","entities"} per line, or {"error","line"} for a blank or bad line')
    .option('--entities <list>', 'comma-separated entity types (default: the default set; PERSON, LOCATION and DATE_TIME are opt-in; see docs/privacy.md)')
    .addOption(new Option('--operator <op>', 'how a hit is replaced').choices(['replace', 'mask', 'hash']).default('replace'))
    .addOption(new Option('--compat <name>', "the reference's entity set, every detection kept").choices(['blueprint']))
    .option('--threshold <type=score>', 'per-type score threshold, e.g. PHONE_NUMBER=0.3 (repeatable)', collect, [])
    .option('--secret-file <path>', 'key file for --operator hash (default: $SIMPACT_SECRET or the default key file)')
    .action(async (opts: { entities?: string; operator: 'replace' | 'mask' | 'hash'; compat?: string; threshold: string[]; secretFile?: string }) => {
      const { runPiiCommand } = await import('../../privacy/pii-command.ts');
      try {
        const bad = await runPiiCommand(process.stdin, process.stdout, {
          entities: opts.entities?.split(',').filter(Boolean),
          operator: opts.operator,
          compatBlueprint: opts.compat === 'blueprint',
          thresholds: opts.threshold,
          secretFile: opts.secretFile,
        });
        if (bad > 0) {
          process.stderr.write(`simpact pii: ${bad} input line(s) were blank or not {"text": string} objects (reported in place)\n`);
          process.exitCode = EXIT.FAILURE;
        }
      } catch (err) {
        throw new CliError((err as Error).message, EXIT.USAGE);
      }
    });
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}
