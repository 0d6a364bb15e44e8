import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { intArg, floatArg, printJson } from '../options.ts';

export default function register(program: Command): void {
  program
    .command('tasks')
    .description('Next-action tasks (reference prompt + answer schema) from a release split, and fine-tuning chat JSONL')
    .requiredOption('--release <dir>', 'release folder (processed_{K}_clusters/ and splits/)')
    .option('--k <K>', 'which partition (default: the smallest K in the release)', intArg('--k', 1))
    .option('--split <name>', 'validation | test | train', 'validation')
    .option('--out <file>', 'tasks JSONL to write')
    .option('--per-cluster <n>', 'sample n tasks per cluster, at least half with a text answer (reference: 200)', intArg('--per-cluster', 1))
    .option('--seed <n>', 'sampling and mixing seed', intArg('--seed', 0), 42)
    .option('--compat <name>', 'blueprint: the reference sampling rule (exactly ⌈n/2⌉ tasks whose truth has text, "" included, the rest without)')
    .option('--actions <set>', 'answer schema actions: blueprint (like, follow, repost, ignore) | full (every action key)', 'blueprint')
    .option('--solutions <file>', 'also write the reference solutions file (task-<cluster>-<chain> → ground truth)')
    .option('--sft <file>', 'write supervised fine-tuning chat JSONL (from --sft-split)')
    .option('--sft-split <name>', 'split the fine-tuning file is made from', 'train')
    .option('--sft-target <kind>', 'schema (answer in the task schema) | raw (the released message JSON)', 'schema')
    .option('--instructions <file>', 'instruction JSONL to mix into --sft (Dolly {instruction, context, response} or {messages})')
    .option('--instruction-fraction <f>', 'share of instruction items in the mix', floatArg('--instruction-fraction'), 0.2)
    .option('--json', 'machine-readable summary on stdout')
    .action(async (opts, _cmd: Command) => {
      const { runTasksCommand, AgentsUsageError } = await import('../../agents/command.ts');
      if (!['validation', 'test', 'train'].includes(opts.split)) throw new CliError('--split must be validation, test or train', EXIT.USAGE);
      if (!['blueprint', 'full'].includes(opts.actions)) throw new CliError('--actions must be blueprint or full', EXIT.USAGE);
      if (!['validation', 'test', 'train'].includes(opts.sftSplit)) throw new CliError('--sft-split must be train, validation or test', EXIT.USAGE);
      if (!['schema', 'raw'].includes(opts.sftTarget)) throw new CliError('--sft-target must be schema or raw', EXIT.USAGE);
      if (!opts.out && !opts.sft) throw new CliError('nothing to do: give --out and/or --sft', EXIT.USAGE);
      let report;
      try {
        report = runTasksCommand(opts);
      } catch (err) {
        throw new CliError((err as Error).message, err instanceof AgentsUsageError ? EXIT.USAGE : EXIT.FAILURE);
      }
      if (opts.json) printJson(report);
      else {
        if (opts.out) process.stdout.write(`${report.tasks} ${report.split} tasks (K=${report.k}; ${Object.entries(report.kinds).map(([k, v]) => `${k} ${v}`).join(', ')}) → ${opts.out}\n`);
        if (report.sft) process.stdout.write(`${report.sft.lines} fine-tuning lines (${report.sft.threads} threads, ${report.sft.instructions} instruction items) → ${opts.sft}\n`);
        if (report.skippedLines) process.stderr.write(`warning: ${report.skippedLines} release lines skipped, e.g. ${report.problems[0]}\n`);
      }
      if (report.sft?.instructionsBad) {
        process.stderr.write(`warning: ${report.sft.instructionsBad} of ${report.sft.instructionsRead} instruction line(s) skipped, e.g. ${report.sft.instructionProblems[0]}\n`);
      }
      if (report.sft && report.sft.instructions < report.sft.instructionsWanted) {
        process.stderr.write(`warning: only ${report.sft.instructions} usable instruction items for the ${report.sft.instructionsWanted} that --instruction-fraction ${opts.instructionFraction} asks for\n`);
      }
    });
}
