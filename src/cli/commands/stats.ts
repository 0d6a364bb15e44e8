import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { CliError, EXIT } from '../exit-codes.ts';
import { globalDb, printJson } from '../options.ts';

export default function register(program: Command): void {
  program
    .command('stats')
    .description('Summary counts of the event store (events by kind, collection and action; users; posts; bad lines; time range)')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const db = globalDb(cmd);
      if (db !== ':memory:' && !existsSync(db)) throw new CliError(`no store at ${db} (run simpact ingest first, or pass --db)`, EXIT.USAGE);
      const { openStoreForCommand } = await import('../store-open.ts');
      const { storeStats } = await import('../../store/stats.ts');
      const store = await openStoreForCommand(db, 'stats');
      try {
        const s = await storeStats(store);
        if (opts.json) printJson(s);
        else {
          const lines = [
            `events      ${s.events}`,
            `users       ${s.users}`,
            `posts       ${s.posts}`,
            `malformed   ${s.malformed} bad lines or messages, ${s.fileProblems} files not read to the end`,
            `unknown     ${s.unknownCollections.events} events in ${s.unknownCollections.collections} collections`,
            `time range  ${s.timeRange ? `${s.timeRange.first} .. ${s.timeRange.last}` : '-'}`,
            `by kind     ${Object.entries(s.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`,
            `by action   ${Object.entries(s.byAction).map(([k, n]) => `${k} ${n}`).join(', ')}`,
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
      } finally {
        store.close();
      }
    });
}
