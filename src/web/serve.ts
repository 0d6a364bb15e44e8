// The `simpact serve` stage: store + release + index + front end → a listening server. The admin token comes from
// SIMPACT_ADMIN_TOKEN or is generated and printed once, to stderr.
import { Store } from '../store/store.ts';
import type { Logger } from '../util/log.ts';
import { ensureWebBuild } from './assets.ts';
import { ensureIndexed, openRelease } from './release.ts';
import { startWebServer, type RunningServer } from './server.ts';
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
  log: Logger;
}

export async function runServe(o: ServeOptions): Promise<{ running: RunningServer; store: Store; generatedToken: string | null }> {
  const envToken = process.env.SIMPACT_ADMIN_TOKEN;
  if (envToken !== undefined && !/^[A-Za-z0-9_-]{20,200}$/.test(envToken)) throw new ServeUsageError('SIMPACT_ADMIN_TOKEN must be 20 to 200 characters of A-Z, a-z, 0-9, _ or -');
  const rel = openRelease(o.release);
  const store = await Store.open(o.db);
  try {
    const t0 = performance.now();
    const { index, built } = await ensureIndexed(store, rel, o.reindex);
    if (built) o.log.info(`indexed ${index.threads} threads (K = ${index.ks.join(', ')}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const dist = o.dist ?? (await ensureWebBuild(undefined, (m) => o.log.info(m)));
    const generatedToken = envToken ? null : newToken();
    const running = await startWebServer({
      store,
      release: rel,
      adminToken: envToken ?? generatedToken!,
      dist,
      host: o.host,
      port: o.port,
      onError: (err) => o.log.error(`request failed: ${err.name}`),
    });
    return { running, store, generatedToken };
  } catch (err) {
    store.close();
    throw err;
  }
}
