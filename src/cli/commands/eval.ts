import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { intArg } from '../options.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

export default function register(program: Command): void {
  program
    .command('eval')
    .description('Score predictions: corrected metrics by default, the reference metrics with --compat blueprint (its pairing exactly with --validation)')
    .option('--tasks <file>', 'tasks JSONL (with ground truth) from `simpact tasks`')
    .option('--predictions <file>', 'predictions JSONL (repeatable; models are told apart by their model field)', collect, [])
    .option('--solutions <file>', 'reference solutions file (task-<cluster>-<chain> → ground truth) instead of --tasks')
    .option('--batch-output <file[=name]>', 'OpenAI Batch output file to score against --solutions (repeatable)', collect, [])
    .option('--batch-input <file>', 'the Batch input file, which tells post tasks from reply tasks (needed for reference solutions in corrected mode)')
    .option('--compat <name>', 'blueprint: the reference metrics, label rule and pairing')
    .option('--validation <path>', 'with --compat blueprint: the validation rows the reference pairs answers with (a folder of cluster_<id>/validation.jsonl, or a tasks JSONL of the whole split)')
    .option('--embedder <spec>', 'lsa | transformers:<folder>[,mode=…] (with --compat blueprint default mode=blueprint-eval: mean pooling, 512 tokens) | openai:<model>@<baseURL>', 'lsa')
    .option('--bootstrap <n>', 'bootstrap resamples for confidence intervals (0: none)', intArg('--bootstrap', 0), 1000)
    .option('--seed <n>', 'bootstrap seed', intArg('--seed', 0), 42)
    .option('--out <file>', 'evaluation JSON', 'eval.json')
    .option('--html <file>', 'also write the self-contained HTML report')
    .option('--markdown <file>', 'also write the Markdown summary')
    .option('--json', 'print the evaluation JSON on stdout')
    .action(async (opts, _cmd: Command) => {
      const { runEvalCommand, EvalUsageError } = await import('../../evaluate/command.ts');
      let res;
      try {
        res = await runEvalCommand(opts);
      } catch (err) {
        throw new CliError((err as Error).message, err instanceof EvalUsageError ? EXIT.USAGE : EXIT.FAILURE);
      }
      for (const p of res.inputProblems.slice(0, 20)) process.stderr.write(`warning: ${p}\n`);
      if (res.inputProblems.length > 20) process.stderr.write(`warning: … ${res.inputProblems.length - 20} more input problems\n`);
      if (opts.json) {
        const { jsonReplacer } = await import('../../evaluate/command.ts');
        process.stdout.write(`${JSON.stringify(res.report, jsonReplacer, 2)}\n`);
        return;
      }
      const { evalMarkdown } = await import('../../report/eval-markdown.ts');
      process.stdout.write(evalMarkdown(res.report));
    });
}
