import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Store as StoreType } from '../../store/store.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { floatArg, globalDb, intArg, isQuiet, printJson } from '../options.ts';

export default function register(program: Command): void {
  const study = program.command('study').description('Human Turing-test studies (see also simpact serve)');
  study
    .command('create')
    .description('Create a study from a release split and prediction files; prints one rater link per rater (shown once)')
    .requiredOption('--release <dir>', 'release folder')
    .requiredOption('--predictions <files...>', 'prediction JSONL files (simpact predict)')
    .requiredOption('--name <name>', 'study name shown to raters')
    .option('--tasks <file>', 'the tasks file the predictions answer: checks that they were made from this release and K')
    .option('--k <K>', 'partition (default: the smallest K)', intArg('--k', 1))
    .option('--split <name>', 'split the predictions were made on', 'test')
    .option('--raters <n>', 'number of rater links', intArg('--raters', 1), 2)
    .option('--items-per-rater <n>', 'tasks per rater, each shown once (attention checks come on top)', intArg('--items-per-rater', 1), 20)
    .option('--real-share <p>', "share of a rater's items (per model) that show the real post", floatArg('--real-share'), 0.5)
    .option('--attention-checks <n>', 'attention checks per rater', intArg('--attention-checks', 0), 1)
    .option('--no-context', 'show the candidate post without its thread')
    .option('--seed <n>', 'design seed', intArg('--seed', 0), 42)
    .option('--link-days <n>', 'days until the rater links expire', intArg('--link-days', 1), 30)
    .option('--base-url <url>', 'prefix for the printed links, e.g. http://127.0.0.1:8080', '')
    .option('--json', 'print the created study as JSON')
    .action(async (opts, cmd: Command) => {
      const { openRelease, ensureIndexed, ReleaseError } = await import('../../web/release.ts');
      const { createStudy, StudyInputError } = await import('../../web/study/create.ts');
      const read = (path: string, what: string): string => {
        try {
          return readFileSync(path, 'utf8');
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : code === 'EACCES' ? 'permission denied' : (code ?? (err as Error).message);
          throw new CliError(`cannot read the ${what} ${path}: ${why}`, EXIT.USAGE);
        }
      };
      const predictions = (opts.predictions as string[]).map((p) => ({ name: basename(p), text: read(p, 'prediction file') }));
      const tasks = opts.tasks ? { name: basename(opts.tasks as string), text: read(opts.tasks as string, 'tasks file') } : undefined;
      let rel;
      try {
        rel = openRelease(opts.release);
      } catch (err) {
        if (err instanceof ReleaseError) throw new CliError(err.message, EXIT.USAGE);
        throw err;
      }
      const store = await openStudyStore(cmd, 'create the study in its web admin (/admin)');
      try {
        await ensureIndexed(store, rel);
        const created = await createStudy(store, rel, {
          name: opts.name,
          k: opts.k ?? rel.ks[0],
          split: opts.split,
          predictions,
          tasks,
          settings: { raters: opts.raters, itemsPerRater: opts.itemsPerRater, realShare: opts.realShare, attentionChecks: opts.attentionChecks, showContext: opts.context !== false, seed: opts.seed, linkDays: opts.linkDays },
        });
        const links = created.raterTokens.map((t) => `${opts.baseUrl}/rate#t=${t}`);
        if (opts.json) printJson({ id: created.id, items: created.items, models: created.models, skipped: created.skipped, notes: created.notes, raterLinks: links });
        else {
          process.stdout.write(`study ${created.id}: ${created.items} items, models ${created.models.join(', ')}\nrater links (shown once):\n${links.join('\n')}\n`);
        }
        const skipped = Object.entries(created.skipped);
        if (skipped.length && !isQuiet(cmd)) process.stderr.write(`prediction lines not used: ${skipped.map(([k, n]) => `${k.replaceAll('_', ' ')} ${n}`).join(', ')}\n`);
        if (!isQuiet(cmd)) for (const note of created.notes) process.stderr.write(`${note}\n`);
      } catch (err) {
        if (err instanceof StudyInputError) throw new CliError(err.message, EXIT.USAGE);
        throw err;
      } finally {
        store.close();
      }
    });

  study
    .command('list')
    .description('Studies in the store: id, name, raters, responses, and whether the links are withdrawn')
    .option('--json', 'print the list as JSON')
    .action(async (opts, cmd: Command) => {
      const { listStudies } = await import('../../store/studies.ts');
      const store = await openStudyStore(cmd, 'see the studies in its web admin (/admin)');
      try {
        const studies = await listStudies(store);
        if (opts.json) printJson({ studies: studies.map(({ settings, ...s }) => ({ ...s, settings: JSON.parse(settings) })) });
        else if (!studies.length) process.stdout.write('no studies in this store\n');
        else for (const s of studies) process.stdout.write(`${s.id}  ${s.name}  K=${s.k} ${s.split}  raters ${s.raters}  responses ${s.responses}${s.closedAt ? '  (closed)' : ''}\n`);
      } finally {
        store.close();
      }
    });

  study
    .command('results')
    .description('Per model: n, correct/incorrect/unsure, accuracy = (correct + unsure/2) / n with the reference 95 % interval and a Wilson interval, rater agreement')
    .argument('<id>', 'study id (simpact study list)')
    .option('--exclude-inattentive', 'leave out raters who failed an attention check')
    .option('--json', 'print the results as JSON (as the web admin gets them)')
    .action(async (id: string, opts, cmd: Command) => {
      const { studyReport } = await import('../../web/study/report.ts');
      const store = await openStudyStore(cmd, 'see the results in its web admin (/admin)');
      try {
        const found = await studyReport(store, checkStudyId(id), { excludeInattentive: Boolean(opts.excludeInattentive) });
        if (!found) throw new CliError(`no study ${id} in this store (simpact study list shows them)`, EXIT.USAGE);
        const { report } = found;
        if (opts.json) return printJson(report);
        const f = (x: number | null) => (x === null ? '–' : x.toFixed(3));
        const ci = (c: [number, number] | null) => (c ? `[${f(c[0])}, ${f(c[1])}]` : '–');
        const lines = [`study ${report.study.id}: ${report.study.name} (${report.results.responses} responses from ${report.results.raters} raters${report.results.excludedRaters.length ? `; left out raters ${report.results.excludedRaters.join(', ')}` : ''})`];
        lines.push(['model', 'n', 'correct', 'incorrect', 'unsure', 'accuracy', 'ci95_reference', 'ci95_wilson', 'alpha', 'pairwise'].join('\t'));
        for (const m of report.results.models) lines.push([m.model, m.n, m.correct, m.incorrect, m.unsure, f(m.accuracy), ci(m.referenceCi), ci(m.wilsonCi), f(m.agreement.alpha), f(m.agreement.pairwise)].join('\t'));
        if (!report.results.models.length) lines.push('(no answers yet)');
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        store.close();
      }
    });

  study
    .command('export')
    .description('Every response of a study as CSV (one row per answer) or JSON (study, settings, results, responses)')
    .argument('<id>', 'study id (simpact study list)')
    .option('--format <f>', 'csv or json', 'csv')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (id: string, opts, cmd: Command) => {
      if (opts.format !== 'csv' && opts.format !== 'json') throw new CliError('--format must be csv or json', EXIT.USAGE);
      const { studyReport } = await import('../../web/study/report.ts');
      const { responsesCsv } = await import('../../web/api-admin.ts');
      const store = await openStudyStore(cmd, 'export from its web admin (/admin)');
      try {
        const found = await studyReport(store, checkStudyId(id), { responses: opts.format === 'json' });
        if (!found) throw new CliError(`no study ${id} in this store (simpact study list shows them)`, EXIT.USAGE);
        const text = opts.format === 'csv' ? responsesCsv(id, found.rows) : `${JSON.stringify(found.report, null, 2)}\n`;
        if (opts.out) {
          writeFileSync(opts.out, text);
          if (!isQuiet(cmd)) process.stderr.write(`wrote ${found.rows.length} responses to ${opts.out}\n`);
        } else process.stdout.write(text);
      } finally {
        store.close();
      }
    });
}

function checkStudyId(id: string): string {
  if (!/^s[0-9a-f]{12}$/.test(id)) throw new CliError(`${JSON.stringify(id)} is not a study id (s followed by 12 hex digits; simpact study list shows them)`, EXIT.USAGE);
  return id;
}

/** Opens the store; when a running `simpact serve` holds it, the one-line message says what to do instead. */
async function openStudyStore(cmd: Command, insteadWhileServing: string): Promise<StoreType> {
  const { Store } = await import('../../store/store.ts');
  try {
    return await Store.open(globalDb(cmd));
  } catch (err) {
    if (err instanceof Error && err.name === 'StoreInUseError') {
      throw new CliError(`${err.message}. While simpact serve runs on this store, ${insteadWhileServing} instead`, EXIT.FAILURE);
    }
    throw err;
  }
}
