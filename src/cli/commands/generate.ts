import type { Command } from 'commander';
import { intArg, isQuiet, printJson } from '../options.ts';

export default function register(program: Command): void {
  program
    .command('generate')
    .description('Write deterministic SYNTHETIC Jetstream JSONL (for benchmarks and scale tests only)')
    .requiredOption('--out <file>', 'output JSONL file')
    .option('--users <n>', 'number of synthetic accounts', intArg('--users', 1), 1000)
    .option('--events <n>', 'number of events', intArg('--events', 0), 10_000)
    .option('--seed <n>', 'random seed', intArg('--seed', 0), 42)
    .option('--json', 'print a machine-readable summary on stdout')
    .action(async (opts: { out: string; users: number; events: number; seed: number; json?: boolean }, cmd: Command) => {
      const { generateFile, SYNTHETIC_NOTICE } = await import('../../generate/write.ts');
      process.stderr.write(`simpact generate: ${SYNTHETIC_NOTICE}\n`);
      const summary = generateFile({ out: opts.out, users: opts.users, events: opts.events, seed: opts.seed });
      if (opts.json) printJson({ ...summary, notice: SYNTHETIC_NOTICE });
      else if (!isQuiet(cmd)) process.stderr.write(`wrote ${summary.events} synthetic events (${(summary.bytes / 1e6).toFixed(1)} MB) to ${summary.out} in ${summary.seconds.toFixed(1)} s\n`);
    });
}
