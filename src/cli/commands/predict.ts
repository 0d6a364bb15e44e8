import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { floatArg, intArg, isQuiet, printJson } from '../options.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

export default function register(program: Command): void {
  program
    .command('predict')
    .description('Predict next actions for tasks with an LLM (OpenAI-compatible or local GGUF) or a baseline; resumable')
    .requiredOption('--tasks <file>', 'tasks JSONL from `simpact tasks`')
    .option('--out <file>', 'predictions JSONL (appended; finished tasks are skipped on a re-run)', 'predictions.jsonl')
    .option('--model <spec>', 'openai:<model>[@<baseURL>] | ollama:<model> | gguf:<path> | baseline:majority|cluster-prior|learned (repeatable)', collect, [])
    .option('--release <dir>', 'release the baselines train on (train split)')
    .option('--k <K>', 'partition of --release', intArg('--k', 1))
    .option('--concurrency <n>', 'requests in flight', intArg('--concurrency', 1), 4)
    .option('--temperature <t>', 'sampling temperature', floatArg('--temperature'))
    .option('--max-tokens <n>', 'answer token cap (sent as max_tokens)', intArg('--max-tokens', 1))
    .option('--max-completion-tokens <n>', 'answer token cap sent as max_completion_tokens (OpenAI o-series models reject max_tokens)', intArg('--max-completion-tokens', 1))
    .option('--seed <n>', 'seed (sampling, baselines)', intArg('--seed', 0), 42)
    .option('--timeout-ms <n>', 'per-request timeout', intArg('--timeout-ms', 1))
    .option('--retries <n>', 'retries on 429/5xx/network errors', intArg('--retries', 0))
    .option('--threads <n>', 'CPU threads for gguf models', intArg('--threads', 1))
    .option('--batch-input <file>', 'write an OpenAI Batch API input file instead of calling the model')
    .option('--batch-output <file>', 'read an OpenAI Batch API output file into --out (model id from --model, default "batch")')
    .option('--json', 'machine-readable summary on stdout')
    .action(async (opts, cmd: Command) => {
      const { runPredictCommand, AgentsUsageError } = await import('../../agents/command.ts');
      let report;
      try {
        report = await runPredictCommand({ ...opts, quiet: isQuiet(cmd) || opts.json });
      } catch (err) {
        throw new CliError((err as Error).message, err instanceof AgentsUsageError ? EXIT.USAGE : EXIT.FAILURE);
      }
      if (opts.json) printJson(report);
      else {
        if (report.batchInput) process.stdout.write(`${report.batchInput.lines} batch requests → ${report.batchInput.file}\n`);
        if (report.batchOutput) {
          const b = report.batchOutput;
          process.stdout.write(`${b.read} batch lines read, ${b.added} added (${b.errors} failed requests, written as status "error" for a retry), ${b.problems.length} lines unusable → ${opts.out}\n`);
          for (const p of b.problems.slice(0, 10)) process.stderr.write(`warning: ${opts.batchOutput}: ${p}\n`);
        }
        for (const b of report.baselines) process.stdout.write(`${b.model}: ${b.added} predicted, ${b.skipped} already done\n`);
        for (const r of report.runs) {
          const st = Object.entries(r.statuses).map(([k, v]) => `${k} ${v}`).join(', ');
          process.stdout.write(`${r.model}: ${r.predicted} predicted (${st || 'none'}), ${r.skipped} already done, ${r.failed} failed; tokens ${r.promptTokens} in / ${r.completionTokens} out\n`);
          for (const [reason, n] of Object.entries(r.failures)) process.stderr.write(`  failed ×${n}: ${reason}\n`);
        }
      }
      for (const r of report.runs) {
        if (r.failed > 0) {
          process.stderr.write(`${r.model}: ${r.aborted ? 'stopped after too many consecutive failures; ' : ''}${r.failed} failed task(s) written as status "error"; every answer so far is kept in ${opts.out}: run the same command again to retry the failed and continue with the rest\n`);
        }
      }
      if (report.runs.some((r) => r.failed > 0)) process.exitCode = EXIT.FAILURE;
    });
}
