// The front end: `web/` built by Vite into `web/dist/` when the build is missing or older than its sources, and
// served as static files (anything else falls back to index.html, the app routes on the client).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECURITY_HEADERS } from './http.ts';

export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const name of readdirSync(path)) m = Math.max(m, newestMtime(join(path, name)));
  return m;
}

export function webBuildIsFresh(root = WEB_ROOT): boolean {
  const index = join(root, 'dist', 'index.html');
  if (!existsSync(index)) return false;
  const sources = Math.max(newestMtime(join(root, 'index.html')), newestMtime(join(root, 'src')));
  return statSync(index).mtimeMs >= sources;
}

/** Builds `web/dist` with Vite when needed. Builds into a fresh folder and renames it, so readers never see half a build. */
export async function ensureWebBuild(root = WEB_ROOT, log: (msg: string) => void = () => undefined): Promise<string> {
  const dist = join(root, 'dist');
  if (webBuildIsFresh(root)) return dist;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error('web/dist is missing or stale and Vite is not installed (npm install -D vite, or npm run build:web elsewhere)');
  }
  log('building the web front end (vite)…');
  // Under .simpact/ (git-ignored) so an interrupted build leaves nothing to commit.
  const tmp = join(root, '.simpact', `dist-${randomBytes(4).toString('hex')}`);
  await vite.build({ root, configFile: false, logLevel: 'error', base: '/', build: { outDir: tmp, emptyOutDir: true, assetsInlineLimit: 0 } });
  if (webBuildIsFresh(root)) rmSync(tmp, { recursive: true, force: true }); // another process finished first
  else {
    rmSync(dist, { recursive: true, force: true });
    try {
      renameSync(tmp, dist);
    } catch {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  mkdirSync(dist, { recursive: true });
  return dist;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Serves a file from `dist` (never outside it); unknown paths get the app's index.html. */
export function serveStatic(dist: string, urlPath: string, res: ServerResponse): void {
  const rel = normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, '');
  let file = join(dist, rel);
  if (!file.startsWith(dist + sep) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end('the web front end is not built');
    return;
  }
  const body = readFileSync(file);
  const immutable = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(body);
}
