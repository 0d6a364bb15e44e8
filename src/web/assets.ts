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
  if (!existsSync(join(root, 'src'))) return true; // a copy of the built app without its sources
  const sources = Math.max(newestMtime(join(root, 'index.html')), newestMtime(join(root, 'src')));
  return statSync(index).mtimeMs >= sources;
}

/** The front end cannot be built or found (shown to the user as is). */
export class WebBuildError extends Error {}

const NO_VITE =
  'the web front end is not built (web/dist/index.html is missing) and Vite, a development dependency, is not installed. ' +
  'Build it once where the dev dependencies are installed (npm ci && npm run build:web) and copy web/dist along, ' +
  'or pass --dist <folder> with a prebuilt front end';

/**
 * Builds `web/dist` with Vite when needed. Builds into a fresh folder and renames it, so readers never see half a
 * build. Without Vite (a production install, `npm ci --omit=dev`) a present build is served even if its sources look
 * newer, with a warning; a missing one is a WebBuildError saying what to do.
 */
export async function ensureWebBuild(
  root = WEB_ROOT,
  log: (msg: string, level?: 'warn') => void = () => undefined,
  loadVite: () => Promise<typeof import('vite')> = () => import('vite'),
): Promise<string> {
  const dist = join(root, 'dist');
  if (webBuildIsFresh(root)) return dist;
  let vite: typeof import('vite');
  try {
    vite = await loadVite();
  } catch {
    if (existsSync(join(dist, 'index.html'))) {
      log('web/dist is older than web/src and Vite (a development dependency) is not installed to rebuild it; serving the existing build', 'warn');
      return dist;
    }
    throw new WebBuildError(NO_VITE);
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
