// `simpact serve`: one node:http server for the explorer, the study kit's admin and rater APIs, and the built
// front end. Errors the client can act on are JSON `{error}` with a status; anything else is a 500 without details.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReadConnection } from '../store/explorer.ts';
import type { Store } from '../store/store.ts';
import { adminRoute } from './api-admin.ts';
import { explorerRoute } from './api-explorer.ts';
import { raterRoute } from './api-rater.ts';
import { serveStatic } from './assets.ts';
import type { Request, WebContext } from './context.ts';
import { HttpError, sendJson } from './http.ts';
import { RateLimiter } from './rate-limit.ts';
import type { OpenRelease } from './release.ts';
import { Serial } from './serial.ts';
import { hashToken } from './tokens.ts';

export interface WebServerOptions {
  store: Store;
  release: OpenRelease;
  adminToken: string;
  /** Built front end; API only when absent. */
  dist?: string;
  host?: string;
  port?: number;
  /** Per rater link: burst and refill per second (default 30, 5). */
  raterRate?: { burst: number; perSecond: number };
  /** Per client address on the explorer API (default 30, 5). */
  explorerRate?: { burst: number; perSecond: number };
  /** Per client address for failed admin attempts and invalid rater links (default 20, 1). */
  clientRate?: { burst: number; perSecond: number };
  /** Require the admin token for the explorer too (default: when `host` is not a loopback address). */
  explorerToken?: boolean;
  /** Origins a reverse proxy serves this app under (`--public-origin`), accepted for state-changing requests. */
  publicOrigins?: string[];
  /** Rate-limit by X-Forwarded-For's last address (only behind a proxy that sets it). */
  trustProxy?: boolean;
  /** Called with unexpected errors (never with request data). */
  onError?: (err: Error) => void;
}

export interface RunningServer {
  server: Server;
  url: string;
  /** Whether the explorer asks for the admin token. */
  explorerNeedsToken: boolean;
  /** The two store queues (for diagnostics and tests): the store's own connection, and the explorer's. */
  queues: { store: Serial; explorer: Serial };
  close(): Promise<void>;
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export async function startWebServer(o: WebServerOptions): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  const reader = await ReadConnection.open(o.store);
  const ctx: WebContext = {
    store: o.store,
    serial: new Serial(),
    reader,
    readSerial: new Serial(),
    release: o.release,
    adminTokenHash: hashToken(o.adminToken),
    explorerNeedsToken: o.explorerToken ?? !isLoopbackHost(host),
    publicOrigins: o.publicOrigins ?? [],
    trustProxy: o.trustProxy ?? false,
    raterLimiter: new RateLimiter(o.raterRate?.burst ?? 30, o.raterRate?.perSecond ?? 5),
    clientLimiter: new RateLimiter(o.clientRate?.burst ?? 20, o.clientRate?.perSecond ?? 1),
    explorerLimiter: new RateLimiter(o.explorerRate?.burst ?? 30, o.explorerRate?.perSecond ?? 5),
  };
  const server = createServer((req, res) => {
    handle(ctx, o, req, res).catch((err: Error) => {
      if (err instanceof HttpError) {
        if (!res.headersSent) sendJson(res, err.status, { error: err.message }, err.headers);
        else res.destroy();
        // The body of a refused upload is not read further.
        if (err.status === 413) req.resume().on('end', () => undefined);
        return;
      }
      o.onError?.(err);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 15_000;
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(o.port ?? 0, host, () => resolveListen());
    });
  } catch (err) {
    reader.close();
    throw err;
  }
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${shown}:${addr.port}`,
    explorerNeedsToken: ctx.explorerNeedsToken,
    queues: { store: ctx.serial, explorer: ctx.readSerial },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => {
          // Queued explorer work finishes on the connection before it is closed.
          void ctx.readSerial.run(async () => reader.close()).finally(done);
        });
      }),
  };
}

async function handle(ctx: WebContext, o: WebServerOptions, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    throw new HttpError(400, 'bad URL');
  }
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments[0] === 'api') {
    const r: Request = { req, res, url, parts: segments.slice(2) };
    if (segments[1] === 'explorer') return explorerRoute(ctx, r);
    if (segments[1] === 'admin') return adminRoute(ctx, r);
    if (segments[1] === 'rater') return raterRoute(ctx, r);
    throw new HttpError(404, 'no such API');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'use GET');
  if (!o.dist) throw new HttpError(404, 'this server has no front end');
  try {
    serveStatic(o.dist, url.pathname, res);
  } catch (err) {
    if (err instanceof URIError) throw new HttpError(400, 'bad URL');
    throw err;
  }
}
