// `simpact personas generate | judge | score | align | revise | export | report`: population-aligned personas (wiring only).
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { floatArg, globalDb, intArg, printJson } from '../options.ts';

const INSTRUMENTS = ['ipip-ffm-50', 'ipip-neo-120'] as const;

function instrumentArg(v: string): (typeof INSTRUMENTS)[number] {
  if (!(INSTRUMENTS as readonly string[]).includes(v)) throw new InvalidArgumentError(`use one of ${INSTRUMENTS.join(', ')}`);
  return v as (typeof INSTRUMENTS)[number];
}

function genderArg(v: string): 'male' | 'female' | 'other' {
  if (v !== 'male' && v !== 'female' && v !== 'other') throw new InvalidArgumentError('use male, female or other');
  return v;
}

/** Runs a stage; known input problems become user-facing errors (no stack). */
async function stage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError((err as Error).message, EXIT.USAGE);
    throw err;
  }
}

function out(cmd: Command, value: unknown, text: string): void {
  if ((cmd.opts() as { json?: boolean }).json) printJson(value);
  else process.stdout.write(`${text}\n`);
}

function retriesOption(c: Command): Command {
  return c.option('--retries <n>', 'ask again (new seed) this many times when a reply cannot be parsed', intArg('--retries', 0), 2);
}

/** Which verdicts count as a pass for score / align (defaults: the store's only judge and its recorded thresholds). */
function gateOptions(c: Command): Command {
  return c
    .option('--judge-model <spec>', 'use the verdicts of this judge (model spec or id; default: the only judge in the store)')
    .option('--min-each <n>', 'gate: every criterion at least (default: the thresholds the verdicts were decided under)', floatArg('--min-each'))
    .option('--min-mean <x>', 'gate: mean of the criteria at least (default: as recorded)', floatArg('--min-mean'));
}

function modelOptions(c: Command): Command {
  return c
    .requiredOption('--model <spec>', 'chat model: openai:<model>[@<baseURL>], ollama:<model> or gguf:<path>')
    .option('--threads <n>', 'CPU threads for a gguf model', intArg('--threads', 1), 2)
    .option('--concurrency <n>', 'LLM requests in flight', intArg('--concurrency', 1), 4);
}

export default function register(program: Command): void {
  const personas = program.command('personas').description('population-aligned personas: generate, judge, score, align to a human Big Five reference, report');

  modelOptions(personas.command('generate').description('write a narrative persona per user with enough history (LLM), then redact PII'))
    .option('--min-posts <n>', 'users need at least this many posts', intArg('--min-posts', 1), 10)
    .option('--min-words <n>', 'users need at least this many words', intArg('--min-words', 0), 2000)
    .option('--max-prompt-chars <n>', 'cap on post characters per prompt (posts sampled evenly over time beyond it)', intArg('--max-prompt-chars', 500), 24000)
    .option('--limit <n>', 'only the first n users', intArg('--limit', 1))
    .option('--json', 'print the summary as JSON')
    .action(async (o, cmd: Command) => {
      const { runGenerate, endpointFailed } = await import('../../personas/cli-run.ts');
      const s = await stage(() => runGenerate(globalDb(cmd), o));
      out(cmd, s, `personas: ${s.generated} new, ${s.existing} existing, ${s.eligible}/${s.users} users eligible; failed ${JSON.stringify(s.failed)}; LLM calls ${s.llm.calls} (${s.llm.cached} cached)`);
      if (endpointFailed(s.generated, s.failed)) throw new CliError('no persona could be written: every model call failed', EXIT.FAILURE);
    });

  retriesOption(modelOptions(personas.command('judge').description('quality gate: an LLM judge scores each persona (revised ones included) against its posts')))
    .option('--min-each <n>', 'every criterion at least', floatArg('--min-each'), 3)
    .option('--min-mean <x>', 'mean of the criteria at least', floatArg('--min-mean'), 4)
    .option('--rejudge', 'judge again personas that already have a verdict from this judge (otherwise stored scores are re-gated without new calls)')
    .option('--json', 'print the summary as JSON')
    .action(async (o, cmd: Command) => {
      const { runJudge, endpointFailed } = await import('../../personas/cli-run.ts');
      const s = await stage(() => runJudge(globalDb(cmd), o));
      const pc = (x: number) => `${(100 * x).toFixed(1)} %`;
      out(
        cmd,
        s,
        `judged ${s.judged} (+${s.alreadyJudged} before): ${s.passed} passed, ${s.rejected} rejected, pass rate ${pc(s.passRate)} this run; ` +
          `all verdicts: ${s.total.passed} of ${s.total.judged} passed, pass rate ${pc(s.total.passRate)}${s.regated ? ` (${s.regated} changed by the new thresholds)` : ''}; ` +
          `rejections ${JSON.stringify(s.rejections)}${s.retries ? `; ${s.retries} retries` : ''}`,
      );
      if (endpointFailed(s.judged, s.errors)) throw new CliError('no persona could be judged: every model call failed', EXIT.FAILURE);
    });

  gateOptions(retriesOption(modelOptions(personas.command('score').description('administer a Big Five questionnaire to each gated persona through the LLM'))))
    .option('--instrument <id>', INSTRUMENTS.join(' | '), instrumentArg, 'ipip-ffm-50')
    .option('--repeats <n>', 'administrations per persona (fresh random item order each)', intArg('--repeats', 1), 3)
    .option('--temperature <x>', 'sampling temperature', floatArg('--temperature'), 0.7)
    .option('--seed <n>', 'seed for item orders and requests', intArg('--seed', 0), 1)
    .option('--items-per-call <n>', 'statements per LLM call (default: all)', intArg('--items-per-call', 1))
    .option('--all', 'score every persona, not only those that passed the gate')
    .option('--json', 'print the summary as JSON')
    .action(async (o, cmd: Command) => {
      const { runScore, endpointFailed } = await import('../../personas/cli-run.ts');
      const { gateLine } = await import('../../personas/judge.ts');
      const s = await stage(() => runScore(globalDb(cmd), o));
      const gate = s.all ? 'gate: not applied (--all)' : `${gateLine(s.gateReport)}; only those that passed are scored`;
      out(cmd, s, `${gate}\nscored ${s.scored}/${s.personas}; unscored ${JSON.stringify(s.unscored)}; answers ${JSON.stringify(s.answers)}; ${s.retries} retries; LLM calls ${s.llm.calls} (${s.llm.cached} cached)`);
      if (endpointFailed(s.scored, s.unscored)) throw new CliError('no persona could be scored: every model call failed', EXIT.FAILURE);
    });

  gateOptions(personas
    .command('align'))
    .description('align the scored persona pool to a human reference (KDE importance sampling + entropic OT)')
    .requiredOption('--size <n>', 'size of the aligned set', intArg('--size', 1))
    .requiredOption('--set <id>', 'name of the persona set to write')
    .option('--reference <file>', 'Open-Source Psychometrics BIG5 data.csv (read in place)')
    .option('--norms <n>', 'instead: n draws from the Johnson IPIP-NEO-120 norms', intArg('--norms', 2))
    .option('--country <codes>', 'subgroup: ISO country codes, comma-separated', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--min-age <n>', 'subgroup: minimum age', intArg('--min-age', 0))
    .option('--max-age <n>', 'subgroup: maximum age', intArg('--max-age', 0))
    .option('--gender <g>', 'subgroup: male | female | other', genderArg)
    .option('--instrument <id>', INSTRUMENTS.join(' | '), instrumentArg, 'ipip-ffm-50')
    .option('--scorer <modelId>', 'use scores from this model only')
    .option('--include-unjudged', 'also use personas without a verdict')
    .option('--group-label <label>', 'subgroup alignment: use the personas revised for this group (personas revise --group-label) instead of their originals')
    .option('--candidate-factor <x>', 'IS candidates kept per output persona', floatArg('--candidate-factor'), 3)
    .option('--epsilon-scale <x>', 'Sinkhorn ε as a multiple of the median cost', floatArg('--epsilon-scale'), 0.05)
    .option('--no-refine', 'stop after OT (no energy-distance swap refinement)')
    .option('--no-ot', 'importance sampling only')
    .option('--seed <n>', 'seed', intArg('--seed', 0), 1)
    .option('--json', 'print the summary as JSON')
    .action(async (o, cmd: Command) => {
      const { runAlign } = await import('../../personas/cli-run.ts');
      const { gateLine } = await import('../../personas/judge.ts');
      const s = await stage(() => runAlign(globalDb(cmd), { ...o, countries: o.country }));
      out(cmd, s, `${gateLine(s.gateReport)}${o.includeUnjudged ? ' (unjudged personas included)' : ''}\nset ${s.setId}: ${o.size} of ${s.poolSize} personas; excluded ${JSON.stringify(s.excludedPersonas)}; reference n=${s.referenceN}; ESS ${s.ess.toFixed(1)} (before clipping ${s.essBeforeClip.toFixed(1)}, ${s.clipped} clipped)${s.poorCoverage ? ' — poor coverage: consider personas revise' : ''}${s.notes.map((n) => `\nnote: ${n}`).join('')}`);
    });

  retriesOption(modelOptions(personas.command('revise').description('subgroup adaptation: revise the personas behind poorly matched reference draws, then re-judge and re-score them')))
    .option('--min-each <n>', 'gate for the revised personas: every criterion at least', floatArg('--min-each'), 3)
    .option('--min-mean <x>', 'gate for the revised personas: mean of the criteria at least', floatArg('--min-mean'), 4)
    .requiredOption('--set <id>', 'a set aligned to the subgroup')
    .requiredOption('--group <text>', 'the group in words, e.g. "adults living in Japan"')
    .requiredOption('--group-label <label>', 'short label stored with the revised personas')
    .option('--k <n>', 'personas to revise', intArg('--k', 1), 10)
    .option('--min-cost <x>', 'only matches costlier than this (squared reference SDs)', floatArg('--min-cost'), 0.5)
    .option('--embedder <spec>', 'retrieve, among poorly matched personas, those nearest to --group (lsa | transformers:<dir> | openai:<model>@<url>)')
    .option('--judge-model <spec>', 'gate the revised personas with this judge (without it they wait for personas judge, and are not scored)')
    .option('--scorer-model <spec>', 'score the revised personas that passed the gate with this model')
    .option('--instrument <id>', INSTRUMENTS.join(' | '), instrumentArg, 'ipip-ffm-50')
    .option('--repeats <n>', 'questionnaire administrations', intArg('--repeats', 1), 3)
    .option('--temperature <x>', 'questionnaire sampling temperature (as personas score)', floatArg('--temperature'), 0.7)
    .option('--items-per-call <n>', 'statements per questionnaire call (default: all)', intArg('--items-per-call', 1))
    .option('--seed <n>', 'seed', intArg('--seed', 0), 1)
    .option('--json', 'print the summary as JSON')
    .action(async (o, cmd: Command) => {
      const { runRevise } = await import('../../personas/cli-run.ts');
      const { gateLine } = await import('../../personas/judge.ts');
      const s = await stage(() => runRevise(globalDb(cmd), o));
      const wait = s.awaitingGate ? `; ${String(s.awaitingGate)} await the quality gate (run personas judge, then personas score)` : '';
      const gate = s.gateReport ? `\nrevised personas: ${gateLine(s.gateReport as Parameters<typeof gateLine>[0])}` : '';
      const scored = s.score ? `\nscored ${String((s.score as { scored: number }).scored)} of the revised personas that passed` : '';
      out(cmd, s, `revised ${String(s.revised)} of ${String(s.poorlyCovered)} poorly covered personas; failed ${JSON.stringify(s.failed)}${wait}${gate}${scored}`);
    });

  personas
    .command('export')
    .description('write an aligned set as JSONL (narrative, Big Five scores, model, prompt version; no source users)')
    .requiredOption('--set <id>', 'persona set')
    .option('--out <file>', 'output file (default: stdout)')
    .action(async (o, cmd: Command) => {
      const { runExport } = await import('../../personas/cli-run.ts');
      const r = await stage(() => runExport(globalDb(cmd), o));
      if (o.out) process.stderr.write(`wrote ${r.rows} personas to ${o.out}\n`);
      else process.stdout.write(r.text);
    });

  personas
    .command('report')
    .description('metrics (W1, KS, mean/SD gaps, sliced W, MMD, correlation distance) and density plots for a set')
    .requiredOption('--set <id>', 'persona set')
    .option('--out <dir>', 'write report.json, report.md and report.html here')
    .option('--seed <n>', 'seed for the random-subset baseline and the metrics', intArg('--seed', 0), 7)
    .option('--json', 'print the report as JSON')
    .action(async (o, cmd: Command) => {
      const { runReport } = await import('../../personas/cli-run.ts');
      const r = await stage(() => runReport(globalDb(cmd), o));
      out(cmd, { ...r.report, failures: r.failures }, r.markdown);
    });
}
