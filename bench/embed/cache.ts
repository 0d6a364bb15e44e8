// Embedding cache + OpenAI-compatible client throughput: N texts through a local /v1/embeddings server (1024-d
// vectors; the server answers a pre-serialised body, so the figure is the client + cache cost) into an on-disk
// store, then the same N again (all served from the cache).
//   node --import tsx bench/embed/cache.ts [n=20000] [dim=1024]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embedCached } from '../../src/embed/cache.ts';
import { OpenAIEmbedder } from '../../src/embed/openai.ts';
import { Store } from '../../src/store/store.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const n = Number(process.argv[2] ?? 20000);
const dim = Number(process.argv[3] ?? 1024);
const bodies = new Map<number, string>();
const body = (count: number) => {
  if (!bodies.has(count)) {
    const data = Array.from({ length: count }, (_, i) => ({ object: 'embedding', index: i, embedding: Array.from({ length: dim }, (_, d) => ((i * 31 + d) % 97) / 97) }));
    bodies.set(count, JSON.stringify({ object: 'list', data }));
  }
  return bodies.get(count)!;
};
let requests = 0;
const http = createServer((req, res) => {
  let raw = '';
  req.on('data', (c: Buffer) => (raw += c));
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body((JSON.parse(raw) as { input: string[] }).input.length));
  });
});
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
const server = {
  url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`,
  close: () => new Promise<void>((r) => { http.closeAllConnections(); http.close(() => r()); }),
};
const dir = mkdtempSync(join(tmpdir(), 'simpact-bench-cache-'));
try {
  const store = await Store.open(join(dir, 'b.duckdb'));
  const texts = Array.from({ length: n }, (_, i) => `benchmark post number ${i} with some words`);
  const mk = () => new OpenAIEmbedder({ kind: 'openai', model: 'bench', baseURL: server.url, batchSize: 64, concurrency: 4 });
  let t = performance.now();
  let c = process.cpuUsage();
  const first = await embedCached(store, mk(), texts);
  const s1 = (performance.now() - t) / 1000;
  const c1 = process.cpuUsage(c);
  t = performance.now();
  c = process.cpuUsage();
  const second = await embedCached(store, mk(), texts);
  const s2 = (performance.now() - t) / 1000;
  const c2 = process.cpuUsage(c);
  const cpu = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(1);
  console.log(`n=${n} dim=${dim}: first run ${s1.toFixed(2)} s wall / ${cpu(c1)} s cpu incl. the local server (${Math.round(n / s1)} texts/s, ${first.embedded} embedded, ${requests} requests); ` +
    `re-run ${s2.toFixed(2)} s wall / ${cpu(c2)} s cpu (${second.fromCache} from cache)`);
  store.close();
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
