// What every route handler gets: the store (writes and rater reads behind one queue), a second read-only connection
// for the explorer (its own queue, so a slow search never delays an answer), the release, limits and the request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReadConnection } from '../store/explorer.ts';
import type { Store } from '../store/store.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { OpenRelease } from './release.ts';
import type { Serial } from './serial.ts';

export interface WebContext {
  store: Store;
  /** Everything on the store's own connection: rater and admin reads and writes, in turn. */
  serial: Serial;
  /** The explorer's connection and queue. */
  reader: ReadConnection;
  readSerial: Serial;
  release: OpenRelease;
  adminTokenHash: string;
  /** The explorer needs the admin token too. */
  explorerNeedsToken: boolean;
  /** Origins (scheme://host[:port]) besides http(s)://<Host> that state-changing requests may come from. */
  publicOrigins: readonly string[];
  /** Take the client address from X-Forwarded-For (set only behind a reverse proxy that overwrites it). */
  trustProxy: boolean;
  raterLimiter: RateLimiter;
  clientLimiter: RateLimiter;
  explorerLimiter: RateLimiter;
}

export interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path segments after the route prefix. */
  parts: string[];
}

export const LIMITS = {
  raterBody: 4 * 1024,
  adminBody: 32 * 1024 * 1024,
  pageSize: 100,
};

/**
 * The client's address for rate limits: the socket's peer, or behind a trusted reverse proxy the last address in
 * X-Forwarded-For (the one the proxy itself appended; earlier entries come from the client and can be forged).
 */
export function clientAddress(ctx: Pick<WebContext, 'trustProxy'>, req: IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? '?';
  if (!ctx.trustProxy) return peer;
  const fwd = req.headers['x-forwarded-for'];
  const last = (Array.isArray(fwd) ? fwd.join(',') : fwd ?? '').split(',').map((s) => s.trim()).filter(Boolean).pop();
  return last && /^[0-9A-Fa-f:.]{2,45}$/.test(last) ? last : peer;
}
