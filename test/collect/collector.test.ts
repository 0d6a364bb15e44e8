// The collector against a real WebSocket server on 127.0.0.1 replaying the Jetstream capture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Collector, type CollectOptions } from '../../src/collect/collector.ts';
import { storeSink } from '../../src/collect/store-sink.ts';
import { countEvents, getCursor } from '../../src/store/events.ts';
import { Store } from '../../src/store/store.ts';
import { ReplayServer } from './replay-server.ts';
import { CAPTURE, MemorySink, storedRaw, tempDir, timeUs, waitFor } from './helpers.ts';

const FAST = { seed: 1, backoff: { baseMs: 5, capMs: 40 }, flushMs: 30, heartbeatMs: 0, healthyMs: 60_000 } as const;
const NO_FILTER = { wantedCollections: [], wantedDids: [] };

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const { dir, cleanup } = tempDir();
  const store = await Store.open(join(dir, 'c.duckdb'));
  try {
    return await fn(store);
  } finally {
    store.close();
    cleanup();
  }
}

/** Runs a collector until the store holds `until` events and the server has nothing left to send, then stops it. */
async function collectUntil(server: ReplayServer, store: Store, until: number, opts: Partial<CollectOptions> = {}) {
  const batches: Array<{ connections: number; cursor: number }> = [];
  const collector = new Collector({
    ...FAST,
    endpoints: [server.url],
    filter: NO_FILTER,
    sink: storeSink(store),
    batchSize: 25,
    onBatch: (b) => batches.push({ connections: server.connections.length, cursor: b.cursor }),
    ...opts,
  });
  const done = collector.run();
  await waitFor(`${until} stored events`, async () => (await countEvents(store)) >= until && server.connections.at(-1)?.remaining === 0);
  await new Promise((r) => setTimeout(r, 100)); // anything doubled would arrive now
  collector.stop();
  return { summary: await done, batches };
}

test('a dropped connection resumes from the stored cursor minus the rewind: exactly the captured events', async () => {
  const gap = 10;
  const server = await ReplayServer.start(CAPTURE, {
    scripts: [
      async (c) => {
        await c.send(60);
        server.occur(gap); // events that happen while the client is away are only reachable by replay
        c.drop();
      },
    ],
  });
  try {
    await withStore(async (store) => {
      const { summary, batches } = await collectUntil(server, store, CAPTURE.length);
      assert.deepEqual(await storedRaw(store), [...CAPTURE].sort(), 'the store holds each captured event once');
      assert.equal(server.connections.length, 2);
      assert.equal(summary.reconnects, 1);
      const committedBeforeDrop = batches.filter((b) => b.connections === 1).at(-1)!.cursor;
      assert.equal(committedBeforeDrop, Math.max(...CAPTURE.slice(0, 60).map(timeUs)));
      assert.equal(server.connections[1].cursor, committedBeforeDrop - 5_000_000, 'resumed at the cursor minus the 5 s rewind');
      assert.equal(summary.duplicates, 60, 'the replayed overlap was dropped as duplicates');
      assert.equal(summary.stored, CAPTURE.length);
      const maxTime = Math.max(...CAPTURE.map(timeUs));
      assert.equal(summary.cursor, maxTime);
      assert.equal(await getCursor(store, summary.cursorName), maxTime);
    });
  } finally {
    await server.close();
  }
});

test('without a rewind the same drop loses the out-of-order events (why the rewind exists)', async () => {
  const server = await ReplayServer.start(CAPTURE, {
    scripts: [
      async (c) => {
        await c.send(60);
        server.occur(10);
        c.drop();
      },
    ],
  });
  try {
    await withStore(async (store) => {
      const cursor = Math.max(...CAPTURE.slice(0, 60).map(timeUs));
      const late = CAPTURE.slice(60, 70).filter((l) => timeUs(l) < cursor);
      assert.ok(late.length > 0, 'the capture is out of time order around the drop');
      await collectUntil(server, store, CAPTURE.length - late.length, { rewindUs: 0 });
      const stored = new Set(await storedRaw(store));
      assert.equal(stored.size, CAPTURE.length - late.length);
      for (const l of late) assert.ok(!stored.has(l));
    });
  } finally {
    await server.close();
  }
});

test('malformed frames are skipped and counted with connection and message number; good events around them kept', async () => {
  const warnings: string[] = [];
  const server = await ReplayServer.start(CAPTURE, {
    defaultScript: async (c) => {
      await c.send(3);
      await c.sendRaw('not json {');
      await c.sendRaw(JSON.stringify({ did: 'did:plc:x', time_us: 5, kind: 'commit', commit: { operation: 'create', collection: 'app.bsky.feed.like', rkey: 'r', rev: 'v' } }));
      await c.send();
    },
  });
  try {
    const sink = new MemorySink();
    const collector = new Collector({ ...FAST, endpoints: [server.url], filter: NO_FILTER, sink, maxEvents: CAPTURE.length, logger: { info() {}, warn: (m) => warnings.push(m), error() {} } });
    const summary = await collector.run();
    assert.equal(summary.stopReason, 'max-events');
    assert.equal(sink.records.length, CAPTURE.length);
    assert.equal(summary.malformed, 2);
    assert.deepEqual(summary.malformedReasons, { 'not JSON': 1, 'create commit without "record"': 1 });
    assert.deepEqual(warnings, [
      'jetstream connection 1, message 4: skipped, not JSON',
      'jetstream connection 1, message 5: skipped, create commit without "record"',
    ]);
  } finally {
    await server.close();
  }
});

test('--max-events stores exactly that many new events, and the next run continues without loss', async () => {
  const server = await ReplayServer.start(CAPTURE);
  try {
    const sink = new MemorySink();
    const first = await new Collector({ ...FAST, endpoints: [server.url], filter: NO_FILTER, sink, batchSize: 30, maxEvents: 100 }).run();
    assert.equal(first.stopReason, 'max-events');
    assert.equal(first.stored, 100);
    assert.equal(sink.records.length, 100);
    const second = await new Collector({ ...FAST, endpoints: [server.url], filter: NO_FILTER, sink, batchSize: 30, maxEvents: 52 }).run();
    assert.equal(second.stored, 52);
    assert.equal(server.connections[1].cursor, first.cursor! - 5_000_000);
    assert.deepEqual(sink.records.map((r) => r.raw).sort(), [...CAPTURE].sort());
  } finally {
    await server.close();
  }
});

test('wantedCollections and wantedDids reach the subscribe URL; the cursor is kept per filter', async () => {
  const did = (JSON.parse(CAPTURE[0]) as { did: string }).did;
  const filter = { wantedCollections: ['app.bsky.feed.*', 'app.bsky.graph.follow'], wantedDids: [did, 'did:plc:nobody'] };
  const server = await ReplayServer.start(CAPTURE);
  try {
    const sink = new MemorySink();
    const expected = CAPTURE.filter((l) => {
      const e = JSON.parse(l) as { did: string; kind: string; commit?: { collection: string } };
      return e.did === did && (e.kind !== 'commit' || e.commit!.collection.startsWith('app.bsky.feed.') || e.commit!.collection === 'app.bsky.graph.follow');
    });
    const summary = await new Collector({ ...FAST, endpoints: [server.url], filter, sink, maxEvents: expected.length }).run();
    const conn = server.connections[0];
    assert.deepEqual(conn.wantedCollections, filter.wantedCollections);
    assert.deepEqual(conn.wantedDids, filter.wantedDids);
    assert.equal(conn.cursor, null, 'the first run starts live');
    assert.deepEqual(sink.records.map((r) => r.raw), expected);
    assert.notEqual(summary.cursorName, new Collector({ ...FAST, endpoints: [server.url], filter: NO_FILTER, sink }).cursorName);
  } finally {
    await server.close();
  }
});

test('a slow store pauses the socket instead of buffering the stream', async () => {
  // 6,000 distinct small events sent as fast as the server can; the sink takes 15 ms per batch of 100.
  const base = JSON.parse(CAPTURE.find((l) => l.includes('"app.bsky.feed.like"'))!) as { commit: { rkey: string }; time_us: number };
  const lines = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ ...base, time_us: base.time_us + i, commit: { ...base.commit, rkey: `k${i}` } }));
  const server = await ReplayServer.start(lines);
  try {
    const sink = new MemorySink(15);
    let maxPending = 0;
    const collector = new Collector({ ...FAST, endpoints: [server.url], filter: NO_FILTER, sink, batchSize: 100, maxPendingBatches: 2, maxEvents: 2000 });
    const watch = setInterval(() => (maxPending = Math.max(maxPending, collector.stats().pending)), 1);
    const summary = await collector.run();
    clearInterval(watch);
    assert.equal(summary.stored, 2000);
    assert.ok(maxPending < 1500, `pending peaked at ${maxPending}`);
  } finally {
    await server.close();
  }
});

test('an unreachable endpoint: gives up after max retries naming it and the last error', async () => {
  const server = await ReplayServer.start(CAPTURE);
  const url = server.url;
  await server.close(); // a port that was just free: nothing listens there now
  const warnings: string[] = [];
  const summary = await new Collector({
    ...FAST,
    endpoints: [url],
    filter: NO_FILTER,
    sink: new MemorySink(),
    maxRetries: 3,
    logger: { info() {}, warn: (m) => warnings.push(m), error() {} },
  }).run();
  assert.equal(summary.stopReason, 'gave-up');
  assert.equal(summary.connections, 4);
  assert.equal(summary.reconnects, 3);
  assert.equal(summary.stored, 0);
  assert.match(summary.lastError!, new RegExp(`^${url}/subscribe: .*ECONNREFUSED`));
  assert.equal(warnings.length, 3);
});

test('endpoints rotate on failure', async () => {
  const server = await ReplayServer.start(CAPTURE);
  try {
    const dead = await ReplayServer.start(CAPTURE);
    const deadUrl = dead.url;
    await dead.close();
    const sink = new MemorySink();
    const summary = await new Collector({ ...FAST, endpoints: [deadUrl, server.url], filter: NO_FILTER, sink, maxEvents: CAPTURE.length }).run();
    assert.equal(summary.connections, 2);
    assert.equal(sink.records.length, CAPTURE.length);
  } finally {
    await server.close();
  }
});

test('a silent connection (no frame, no pong) is ended after two heartbeats and resumed', async () => {
  const server = await ReplayServer.start(CAPTURE, {
    answerPings: false,
    scripts: [
      async (c) => {
        await c.send(20);
        await c.closed; // then silence: a half-open connection
      },
    ],
  });
  try {
    const sink = new MemorySink();
    const warnings: string[] = [];
    const summary = await new Collector({
      ...FAST,
      heartbeatMs: 100,
      endpoints: [server.url],
      filter: NO_FILTER,
      sink,
      maxEvents: CAPTURE.length,
      logger: { info() {}, warn: (m) => warnings.push(m), error() {} },
    }).run();
    assert.equal(summary.reconnects, 1);
    assert.match(warnings[0], /no data or pong for two heartbeats; reconnecting/);
    assert.deepEqual(sink.records.map((r) => r.raw).sort(), [...CAPTURE].sort());
  } finally {
    await server.close();
  }
});

test('a 4xx answer to the handshake is final: no retries', async () => {
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (_info, cb) => cb(false, 400, 'bad filter') });
  await once(wss, 'listening');
  try {
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const summary = await new Collector({ ...FAST, endpoints: [url], filter: NO_FILTER, sink: new MemorySink() }).run();
    assert.equal(summary.stopReason, 'gave-up');
    assert.equal(summary.connections, 1);
    assert.equal(summary.lastError, `${url}/subscribe: Unexpected server response: 400`);
  } finally {
    await new Promise((r) => wss.close(r));
  }
});

test('resuming far past the stored cursor is reported as a possible gap', async () => {
  const server = await ReplayServer.start(CAPTURE);
  try {
    const sink = new MemorySink();
    const warnings: string[] = [];
    const opts = { ...FAST, endpoints: [server.url], filter: NO_FILTER, sink, logger: { info() {}, warn: (m: string) => warnings.push(m), error() {} } };
    const name = new Collector(opts).cursorName;
    sink.cursors.set(name, Math.min(...CAPTURE.map(timeUs)) - 10 * 60_000_000); // stored 10 min before the stream has anything
    server.occur(CAPTURE.length);
    const summary = await new Collector({ ...opts, maxEvents: CAPTURE.length }).run();
    assert.equal(summary.gaps, 1);
    assert.deepEqual(warnings.filter((w) => /resumed 10\.0 min after the stored cursor/.test(w)).length, 1);
    assert.equal(sink.records.length, CAPTURE.length);
  } finally {
    await server.close();
  }
});
