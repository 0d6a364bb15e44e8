// What every route handler gets: the store (behind the serial queue), the release, limits and the request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store/store.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { OpenRelease } from './release.ts';
import type { Serial } from './serial.ts';

export interface WebContext {
  store: Store;
  serial: Serial;
  release: OpenRelease;
  adminTokenHash: string;
  raterLimiter: RateLimiter;
  clientLimiter: RateLimiter;
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
