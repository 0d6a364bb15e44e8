// Small HTTP helpers on node:http: JSON replies with security headers, size-limited JSON bodies, typed errors.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** No inline scripts or styles, nothing from other origins, no framing, no referrer (rater links carry tokens). */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, body: string, contentType: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

/** Reads a JSON body of at most `limit` bytes; a larger body is refused with 413 as soon as it passes the limit. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json(;|$)/i.test(type)) throw new HttpError(415, 'send the body as application/json');
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `body too large (limit ${limit} bytes)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `body too large (limit ${limit} bytes)`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

/**
 * Cross-site request forgery guard for state-changing requests: a custom header (which a cross-site form or a
 * simple cross-origin fetch cannot send without a preflight this server never approves), plus Origin and
 * Sec-Fetch-Site, when the browser sends them, must say same origin. The origin is the server's own
 * (http(s)://<Host>) or one of `publicOrigins` (`--public-origin`: behind a reverse proxy that forwards its upstream
 * Host, the browser's origin is the public one, not what the server sees).
 */
export function checkSameOrigin(req: IncomingMessage, publicOrigins: readonly string[] = []): void {
  if (req.headers['x-simpact-csrf'] !== '1') throw new HttpError(403, 'missing the x-simpact-csrf header (cross-site requests are refused)');
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'cross-site request refused');
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const host = req.headers.host;
  if (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)) return;
  if (publicOrigins.includes(origin.toLowerCase())) return;
  throw new HttpError(403, publicOrigins.length ? 'cross-origin request refused (not the server or a --public-origin)' : 'cross-origin request refused (behind a reverse proxy, start the server with --public-origin <URL>)');
}

/** `--public-origin` values as origins: http or https, a host, an optional port, nothing else; lower case. */
export function parsePublicOrigin(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error(`--public-origin ${JSON.stringify(value)} is not a URL (e.g. https://study.example.org)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--public-origin ${JSON.stringify(value)} must be http:// or https://`);
  if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) throw new Error(`--public-origin ${JSON.stringify(value)} must be only scheme://host[:port], without a path`);
  return u.origin.toLowerCase();
}

export function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(h) : null;
  return m ? m[1] : undefined;
}
