import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../src/collect/backoff.ts';
import { parseDuration } from '../../src/collect/duration.ts';
import { cursorName, endpointLabel, filterError, normaliseEndpoint, PUBLIC_JETSTREAMS, subscribeUrl } from '../../src/collect/endpoints.ts';
import { statusLine } from '../../src/collect/status.ts';
import type { CollectStats } from '../../src/collect/collector.ts';
import { Rng } from '../../src/util/rng.ts';

test('subscribe URL carries repeated wantedCollections/wantedDids and the cursor', () => {
  const url = new URL(subscribeUrl('wss://example.test', { wantedCollections: ['app.bsky.feed.post', 'app.bsky.graph.*'], wantedDids: ['did:plc:a', 'did:web:b.example'] }, 1234));
  assert.equal(url.pathname, '/subscribe');
  assert.deepEqual(url.searchParams.getAll('wantedCollections'), ['app.bsky.feed.post', 'app.bsky.graph.*']);
  assert.deepEqual(url.searchParams.getAll('wantedDids'), ['did:plc:a', 'did:web:b.example']);
  assert.equal(url.searchParams.get('cursor'), '1234');
  assert.equal(subscribeUrl('ws://127.0.0.1:9', { wantedCollections: [], wantedDids: [] }, null), 'ws://127.0.0.1:9/subscribe');
  assert.equal(endpointLabel('ws://h/subscribe?wantedDids=did:plc:a'), 'ws://h/subscribe');
});

test('endpoints are normalised to ws(s) URLs without /subscribe; bad ones are refused with the reason', () => {
  assert.equal(normaliseEndpoint('jetstream1.us-east.bsky.network'), 'wss://jetstream1.us-east.bsky.network');
  assert.equal(normaliseEndpoint('wss://jetstream2.us-west.bsky.network/subscribe'), 'wss://jetstream2.us-west.bsky.network');
  assert.equal(normaliseEndpoint('http://127.0.0.1:8080/'), 'ws://127.0.0.1:8080');
  assert.equal(normaliseEndpoint('https://host.example/js/subscribe/'), 'wss://host.example/js');
  assert.throws(() => normaliseEndpoint('ftp://x'), /must be a ws:\/\/ or wss:\/\//);
  assert.throws(() => normaliseEndpoint('wss://x/subscribe?cursor=1'), /query/);
  assert.equal(PUBLIC_JETSTREAMS.length, 4);
});

test('filters are validated without echoing DIDs', () => {
  assert.equal(filterError({ wantedCollections: ['app.bsky.feed.*', 'fm.teal.alpha.feed.play'], wantedDids: ['did:plc:abc'] }), null);
  assert.match(filterError({ wantedCollections: ['not a nsid'], wantedDids: [] })!, /not a collection NSID/);
  const e = filterError({ wantedCollections: [], wantedDids: ['did:plc:ok', 'bob.bsky.social'] })!;
  assert.match(e, /#2 is not a DID/);
  assert.doesNotMatch(e, /bob/);
});

test('cursor names separate filters and endpoint sets, ignoring order and repetition', () => {
  const f = { wantedCollections: ['a.b.c', 'a.b.d'], wantedDids: [] };
  const n = cursorName(['wss://x', 'wss://y'], f);
  assert.match(n, /^jetstream:[0-9a-f]{16}$/);
  assert.equal(cursorName(['wss://y', 'wss://x', 'wss://x'], { wantedCollections: ['a.b.d', 'a.b.c'], wantedDids: [] }), n);
  assert.notEqual(cursorName(['wss://x', 'wss://y'], { wantedCollections: ['a.b.c'], wantedDids: [] }), n);
  assert.notEqual(cursorName(['wss://x'], f), n);
  assert.notEqual(cursorName(['wss://x', 'wss://y'], { ...f, wantedDids: ['did:plc:a'] }), n);
});

test('backoff: full jitter under a doubling ceiling, capped, reset, reproducible by seed', () => {
  const b = new Backoff(new Rng(7), { baseMs: 100, capMs: 1000 });
  const delays = Array.from({ length: 12 }, () => b.next());
  delays.forEach((d, i) => {
    assert.ok(d >= 0 && d < Math.min(1000, 100 * 2 ** i), `delay ${i} = ${d}`);
  });
  assert.ok(delays.slice(6).some((d) => d > 200), 'late delays use the wide window');
  b.reset();
  assert.equal(b.attempts, 0);
  assert.ok(b.next() < 100);
  const again = new Backoff(new Rng(7), { baseMs: 100, capMs: 1000 });
  assert.deepEqual(Array.from({ length: 12 }, () => again.next()), delays);
});

test('durations', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('2'), 2000);
  assert.equal(parseDuration('5 minutes'), null);
  assert.equal(parseDuration('-1s'), null);
});

test('status line shows rate and lag', () => {
  const base: CollectStats = { stored: 0, duplicates: 0, received: 0, pending: 0, batches: 0, malformed: 0, connections: 1, reconnects: 0, gaps: 0, cursor: null, lastTimeUs: null, elapsedMs: 1000 };
  const now = { ...base, stored: 1500, received: 2000, duplicates: 3, reconnects: 1, elapsedMs: 3000, lastTimeUs: 1_000_000_000_000 };
  const line = statusLine(now, base, 1_000_000_000 + 2500);
  assert.equal(line, 'stored 1,500  1,000/s  lag 2.5 s  dup 3  reconnects 1');
  assert.match(statusLine(base, null, 0), /lag –/);
  assert.match(statusLine({ ...now, lastTimeUs: 0 }, base, 3 * 86_400_000), /lag 3\.0 d/);
  assert.match(statusLine({ ...now, lastTimeUs: 0 }, base, 600_000), /lag 10\.0 min/);
});
