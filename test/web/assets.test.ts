// The front end on a fresh clone: web/dist is git-ignored, so `simpact serve` builds it with Vite (a dev dependency)
// when it is missing or older than web/src, serves a present build without Vite (with a warning when it looks stale),
// and says what to do when there is neither. Static files never come from outside the build folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWebBuild, serveStatic, WebBuildError, webBuildIsFresh } from '../../src/web/assets.ts';

function webRoot(withDist: boolean, distOlder = false): string {
  const root = mkdtempSync(join(tmpdir(), 'simpact-webroot-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="/src/main.ts"></script>');
  writeFileSync(join(root, 'src', 'main.ts'), 'document.title = "built";\n');
  if (withDist) {
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'index.html'), 'prebuilt');
    const t = distOlder ? new Date(Date.now() - 3600_000) : new Date(Date.now() + 3600_000);
    utimesSync(join(root, 'dist', 'index.html'), t, t);
  }
  return root;
}

const noVite = () => Promise.reject(new Error("Cannot find package 'vite'"));

test('a fresh build is served as is; without Vite a stale one is served with a warning, a missing one is a clear error', async () => {
  const fresh = webRoot(true);
  const stale = webRoot(true, true);
  const none = webRoot(false);
  try {
    assert.equal(webBuildIsFresh(fresh), true);
    assert.equal(await ensureWebBuild(fresh, undefined, () => assert.fail('Vite is not needed for a fresh build')), join(fresh, 'dist'));
    assert.equal(webBuildIsFresh(stale), false);
    const warnings: string[] = [];
    assert.equal(await ensureWebBuild(stale, (m, level) => level === 'warn' && warnings.push(m), noVite), join(stale, 'dist'));
    assert.match(warnings.join(), /older than web\/src and Vite .* is not installed/);
    await assert.rejects(ensureWebBuild(none, undefined, noVite), (err: Error) => err instanceof WebBuildError && /npm run build:web/.test(err.message) && /--dist/.test(err.message));
  } finally {
    for (const r of [fresh, stale, none]) rmSync(r, { recursive: true, force: true });
  }
});

test('a missing build is built with Vite into web/dist (as on a fresh clone)', { timeout: 120_000 }, async () => {
  const root = webRoot(false);
  try {
    const dist = await ensureWebBuild(root);
    assert.equal(dist, join(root, 'dist'));
    assert.equal(webBuildIsFresh(root), true);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('static files come only from the build folder; unknown paths get the app', async () => {
  const root = webRoot(true);
  writeFileSync(join(root, 'secret.txt'), 'outside dist');
  mkdirSync(join(root, 'dist', 'assets'));
  writeFileSync(join(root, 'dist', 'assets', 'app.js'), 'console.log(1)');
  const server = createServer((req, res) => serveStatic(join(root, 'dist'), new URL(req.url!, 'http://x').pathname, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const js = await fetch(`${base}/assets/app.js`);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(js.headers.get('cache-control')!, /immutable/);
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/rate', '/admin/study/s0123']) {
      const r = await fetch(`${base}${p}`);
      assert.equal(await r.text(), 'prebuilt', p);
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
    }
  } finally {
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
