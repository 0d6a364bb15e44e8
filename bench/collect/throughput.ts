// End-to-end collection throughput: a server process streams N synthetic events; the collector stores them in a
// fresh DuckDB store (batches of 1000, one transaction each) or, for the client alone, in a sink that drops them.
// node --import tsx bench/collect/throughput.ts [N] [batchSize]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Store } from '../../src/store/store.ts';
import { Collector } from '../../src/collect/collector.ts';
import { storeSink } from '../../src/collect/store-sink.ts';
import type { EventSink } from '../../src/collect/sink.ts';

const n = Number(process.argv[2] ?? 100_000);
const batchSize = Number(process.argv[3] ?? 1000);

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./serve.ts', import.meta.url).pathname, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { url, stop: () => child.kill() };
}

async function measure(label: string, sink: EventSink): Promise<void> {
  const server = await startServer();
  try {
    const start = process.hrtime.bigint();
    let peakRss = 0;
    const rss = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const summary = await new Collector({ endpoints: [server.url], filter: { wantedCollections: [], wantedDids: [] }, sink, seed: 1, maxEvents: n, batchSize, heartbeatMs: 0 }).run();
    clearInterval(rss);
    const s = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`${label}, batch ${batchSize}: ${summary.stored} events in ${s.toFixed(2)} s = ${Math.round(summary.stored / s).toLocaleString('en-US')} events/s, ${summary.batches} batches, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    server.stop();
  }
}

await measure('client only (parse + batch, no store)', {
  append: async (batch) => ({ inserted: batch.length, duplicates: 0 }),
  cursor: async () => null,
});
const dir = mkdtempSync(join(tmpdir(), 'simpact-bench-collect-'));
const store = await Store.open(join(dir, 'bench.duckdb'));
try {
  await measure('client + DuckDB store', storeSink(store));
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
