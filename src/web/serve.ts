// The `simpact serve` stage: store + release + index + front end → a listening server. The admin token comes from
// SIMPACT_ADMIN_TOKEN or is generated and printed once, to stderr.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../store/store.ts';
import type { Logger } from '../util/log.ts';
import { ensureWebBuild, WebBuildError } from './assets.ts';
import { parsePublicOrigin } from './http.ts';
import { ensureIndexed, openRelease } from './release.ts';
import { isLoopbackHost, startWebServer, type RunningServer } from './server.ts';
import { newToken } from './tokens.ts';

/** A setting the user can fix (shown without a stack, exit code 2). */
export class ServeUsageError extends Error {}

export interface ServeOptions {
  db: string;
  release: string;
  host: string;
  port: number;
  reindex: boolean;
  /** Serve this prebuilt front end instead of building web/dist. */
  dist?: string;
  /** `open` or `token`; default: token unless `host` is a loopback address. */
  explorer?: string;
  /** Public origins (`--public-origin`) a reverse proxy serves the app under. */
  publicOrigins?: string[];
  trustProxy?: boolean;
  log: Logger;
}

export interface ServeSettings {
  explorerToken: boolean;
  publicOrigins: string[];
}

/** Checks the options that need no store or release: the admin token, the explorer mode, the public origins. */
export function serveSettings(o: Pick<ServeOptions, 'host' | 'explorer' | 'publicOrigins'>, env: NodeJS.ProcessEnv = process.env): ServeSettings & { envToken: string | undefined } {
  const envToken = env.SIMPACT_ADMIN_TOKEN;
  if (envToken !== undefined && !/^[A-Za-z0-9_-]{20,200}$/.test(envToken)) throw new ServeUsageError('SIMPACT_ADMIN_TOKEN must be 20 to 200 characters of A-Z, a-z, 0-9, _ or -');
  if (o.explorer !== undefined && o.explorer !== 'open' && o.explorer !== 'token') throw new ServeUsageError('--explorer must be open or token');
  let publicOrigins: string[];
  try {
    publicOrigins = (o.publicOrigins ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean).map(parsePublicOrigin);
  } catch (err) {
    throw new ServeUsageError((err as Error).message);
  }
  const explorerToken = o.explorer === undefined ? !isLoopbackHost(o.host) : o.explorer === 'token';
  return { envToken, explorerToken, publicOrigins };
}

export async function runServe(o: ServeOptions): Promise<{ running: RunningServer; store: Store; generatedToken: string | null; settings: ServeSettings }> {
  const { envToken, ...settings } = serveSettings(o);
  const rel = openRelease(o.release);
  const store = await Store.open(o.db);
  try {
    const t0 = performance.now();
    const { index, built } = await ensureIndexed(store, rel, o.reindex);
    if (built) o.log.info(`indexed ${index.threads} threads (K = ${index.ks.join(', ')}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    let dist: string;
    try {
      if (o.dist !== undefined && !existsSync(join(o.dist, 'index.html'))) throw new ServeUsageError(`--dist ${o.dist} holds no index.html (a built front end: npm run build:web writes web/dist)`);
      dist = o.dist ?? (await ensureWebBuild(undefined, (m, level) => (level === 'warn' ? o.log.warn(m) : o.log.info(m))));
    } catch (err) {
      if (err instanceof WebBuildError) throw new ServeUsageError(err.message);
      throw err;
    }
    const generatedToken = envToken ? null : newToken();
    const running = await startWebServer({
      store,
      release: rel,
      adminToken: envToken ?? generatedToken!,
      dist,
      host: o.host,
      port: o.port,
      explorerToken: settings.explorerToken,
      publicOrigins: settings.publicOrigins,
      trustProxy: o.trustProxy ?? false,
      onError: (err) => o.log.error(`request failed: ${err.name}`),
    });
    return { running, store, generatedToken, settings };
  } catch (err) {
    store.close();
    throw err;
  }
}
