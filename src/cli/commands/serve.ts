import { InvalidArgumentError, type Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';
import { globalDb, intArg, isQuiet, printJson } from '../options.ts';

/** A TCP port, 0 (any free port) to 65535, refused before the store or the release is opened. */
function portArg(v: string): number {
  const n = intArg('--port', 0)(v);
  if (n > 65535) throw new InvalidArgumentError('--port must be an integer from 0 to 65535');
  return n;
}

export default function register(program: Command): void {
  program
    .command('serve')
    .description('Web app over a store and a release: dataset explorer and human Turing-test studies (admin token from SIMPACT_ADMIN_TOKEN or printed once)')
    .requiredOption('--release <dir>', 'release folder (release.json, processed_{K}_clusters/, splits/)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', portArg, 8080)
    .option('--reindex', 'rebuild the explorer index of this release')
    .option('--dist <dir>', 'serve this prebuilt front end instead of building web/dist')
    .option('--explorer <mode>', 'open, or token (the explorer needs the admin token); default: token unless --host is a loopback address')
    .option('--public-origin <url...>', 'origin(s) a reverse proxy serves the app under, e.g. https://study.example.org (accepted for state-changing requests)')
    .option('--trust-proxy', 'rate-limit by the last X-Forwarded-For address (only behind a reverse proxy that sets it)')
    .option('--json', 'print {url, admin, explorer, explorerNeedsToken} as JSON once listening')
    .action(async (opts, cmd: Command) => {
      const { runServe, ServeUsageError } = await import('../../web/serve.ts');
      const { ReleaseError } = await import('../../web/release.ts');
      const { stderrLogger } = await import('../../util/log.ts');
      const log = stderrLogger({ quiet: isQuiet(cmd) });
      let started;
      try {
        started = await runServe({
          db: globalDb(cmd),
          release: opts.release,
          host: opts.host,
          port: opts.port,
          reindex: Boolean(opts.reindex),
          dist: opts.dist,
          explorer: opts.explorer,
          publicOrigins: opts.publicOrigin,
          trustProxy: Boolean(opts.trustProxy),
          log,
        });
      } catch (err) {
        if (err instanceof CliError) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        if (err instanceof ReleaseError || err instanceof ServeUsageError) throw new CliError(err.message, EXIT.USAGE);
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new CliError(`cannot listen on ${opts.host}:${opts.port} (${code === 'EADDRINUSE' ? 'the port is in use' : code})`, EXIT.USAGE);
        throw new CliError((err as Error).message, EXIT.FAILURE);
      }
      const { running, store, generatedToken, settings } = started;
      if (generatedToken) process.stderr.write(`admin token (shown once; set SIMPACT_ADMIN_TOKEN to choose one): ${generatedToken}\n`);
      const base = settings.publicOrigins[0] ?? running.url;
      if (opts.json) printJson({ url: running.url, ...(settings.publicOrigins.length ? { publicUrl: base } : {}), admin: `${base}/admin`, explorer: `${base}/explore`, explorerNeedsToken: running.explorerNeedsToken });
      else process.stdout.write(`serving ${running.url}${base !== running.url ? ` as ${base}` : ''}  (explorer ${base}/explore${running.explorerNeedsToken ? ', admin token required' : ''}, admin ${base}/admin)\n`);
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await running.close();
      store.close();
    });
}
