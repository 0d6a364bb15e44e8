// Rater answers over HTTP: one study with many items, raters posting answers in parallel; reports latency of the
// answer request (a transaction: assignment check, duplicate check, insert) and the throughput.
// Usage: node --import tsx bench/web/answers.ts [items=500] [raters=8]
import { rmSync } from 'node:fs';
import { Store } from '../../src/store/store.ts';
import { ensureIndexed, openRelease } from '../../src/web/release.ts';
import { startWebServer } from '../../src/web/server.ts';
import { predictionsFor, writeReleaseFixture } from '../../test/web/fixture.ts';

const ITEMS = Number(process.argv[2] ?? 500);
const RATERS = Number(process.argv[3] ?? 8);
const ADMIN = 'bench-admin-token-0123456789';
// ~ITEMS/2 test threads with text: 4·ITEMS threads per cluster, a quarter in test, a third of those likes.
const fixture = writeReleaseFixture(Math.ceil((ITEMS * 3) / 2));
const store = await Store.open(':memory:');
const release = openRelease(fixture.dir);
await ensureIndexed(store, release);
const srv = await startWebServer({ store, release, adminToken: ADMIN, raterRate: { burst: 1e9, perSecond: 1e9 } });
const h = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', 'x-simpact-csrf': '1' };
const created = (await (
  await fetch(`${srv.url}/api/admin/studies`, {
    method: 'POST',
    headers: h,
    body: JSON.stringify({ name: 'bench', k: 2, split: 'test', predictions: [{ name: 'p', text: predictionsFor(fixture.threads, 'test', 'm') }], settings: { raters: RATERS, itemsPerRater: ITEMS, attentionChecks: 0 } }),
  })
).json()) as any;
const tokens: string[] = created.raterLinks.map((l: string) => l.split('#t=')[1]);
const lat: number[] = [];
const t0 = performance.now();
await Promise.all(
  tokens.map(async (t) => {
    const rh = { 'x-rater-token': t, 'content-type': 'application/json', 'x-simpact-csrf': '1' };
    await fetch(`${srv.url}/api/rater/consent`, { method: 'POST', headers: rh, body: '{"consent":true}' });
    const s = (await (await fetch(`${srv.url}/api/rater/session`, { headers: rh })).json()) as any;
    for (const it of s.items) {
      const a = performance.now();
      const r = await fetch(`${srv.url}/api/rater/answer`, { method: 'POST', headers: rh, body: JSON.stringify({ item: it.item, answer: 'ai', elapsedMs: 1000 }) });
      if (r.status !== 201) throw new Error(`answer refused: ${r.status}`);
      await r.arrayBuffer();
      lat.push(performance.now() - a);
    }
  }),
);
const secs = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
const stored = (await (await fetch(`${srv.url}/api/admin/studies/${created.id}/results`, { headers: h })).json()) as any;
console.log(`${created.items} items, ${RATERS} raters: ${lat.length} answers in ${secs.toFixed(1)} s (${(lat.length / secs).toFixed(0)}/s); latency p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms; stored ${stored.results.responses}`);
await srv.close();
store.close();
rmSync(fixture.dir, { recursive: true, force: true });
