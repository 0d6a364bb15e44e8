import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
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
      const { Store } = await import('../../store/store.ts');
      const { openRelease, ensureIndexed, ReleaseError } = await import('../../web/release.ts');
      const { createStudy, StudyInputError } = await import('../../web/study/create.ts');
      let predictions;
      let tasks;
      try {
        predictions = (opts.predictions as string[]).map((p) => ({ name: basename(p), text: readFileSync(p, 'utf8') }));
        if (opts.tasks) tasks = { name: basename(opts.tasks), text: readFileSync(opts.tasks, 'utf8') };
      } catch (err) {
        throw new CliError(`cannot read a prediction file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT.USAGE);
      }
      let rel;
      try {
        rel = openRelease(opts.release);
      } catch (err) {
        if (err instanceof ReleaseError) throw new CliError(err.message, EXIT.USAGE);
        throw err;
      }
      let store;
      try {
        store = await Store.open(globalDb(cmd));
      } catch (err) {
        if (err instanceof CliError && /in use by another simpact process/.test(err.message)) {
          throw new CliError(`${err.message}. While simpact serve runs on this store, create the study in its web admin (/admin) instead`, err.exitCode);
        }
        throw err;
      }
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
        if (opts.json) printJson({ id: created.id, items: created.items, models: created.models, skipped: created.skipped, raterLinks: links });
        else {
          process.stdout.write(`study ${created.id}: ${created.items} items, models ${created.models.join(', ')}\nrater links (shown once):\n${links.join('\n')}\n`);
        }
        const skipped = Object.entries(created.skipped);
        if (skipped.length && !isQuiet(cmd)) process.stderr.write(`prediction lines not used: ${skipped.map(([k, n]) => `${k.replaceAll('_', ' ')} ${n}`).join(', ')}\n`);
      } catch (err) {
        if (err instanceof StudyInputError) throw new CliError(err.message, EXIT.USAGE);
        throw err;
      } finally {
        store.close();
      }
    });
}
