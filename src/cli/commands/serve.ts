import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { globalDb, intArg, isQuiet, printJson } from '../options.ts';

export default function register(program: Command): void {
  program
    .command('serve')
    .description('Web app over a store and a release: dataset explorer and human Turing-test studies (admin token from SIMPACT_ADMIN_TOKEN or printed once)')
    .requiredOption('--release <dir>', 'release folder (release.json, processed_{K}_clusters/, splits/)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', intArg('--port', 0), 8080)
    .option('--reindex', 'rebuild the explorer index of this release')
    .option('--dist <dir>', 'serve this prebuilt front end instead of building web/dist')
    .option('--json', 'print {url} as JSON once listening')
    .action(async (opts, cmd: Command) => {
      const { runServe, ServeUsageError } = await import('../../web/serve.ts');
      const { ReleaseError } = await import('../../web/release.ts');
      const { stderrLogger } = await import('../../util/log.ts');
      const log = stderrLogger({ quiet: isQuiet(cmd) });
      let started;
      try {
        started = await runServe({ db: globalDb(cmd), release: opts.release, host: opts.host, port: opts.port, reindex: Boolean(opts.reindex), dist: opts.dist, log });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (err instanceof ReleaseError || err instanceof ServeUsageError) throw new CliError(err.message, EXIT.USAGE);
        if (code === 'EADDRINUSE' || code === 'EACCES') throw new CliError(`cannot listen on ${opts.host}:${opts.port} (${code})`, EXIT.USAGE);
        throw new CliError((err as Error).message, EXIT.FAILURE);
      }
      const { running, store, generatedToken } = started;
      if (generatedToken) process.stderr.write(`admin token (shown once; set SIMPACT_ADMIN_TOKEN to choose one): ${generatedToken}\n`);
      if (opts.json) printJson({ url: running.url, admin: `${running.url}/admin`, explorer: `${running.url}/explore` });
      else process.stdout.write(`serving ${running.url}  (explorer ${running.url}/explore, admin ${running.url}/admin)\n`);
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await running.close();
      store.close();
    });
}
