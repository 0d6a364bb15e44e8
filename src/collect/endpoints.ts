// Where and what to subscribe: the public Jetstream instances, the subscribe URL, and the name of the cursor a
// given endpoint set and filter store their progress under.
import { createHash } from 'node:crypto';

/**
 * The four public Jetstream instances run by Bluesky; the collector rotates through them on failure. Each stamps
 * time_us with its own receive time, so a cursor moves between them only approximately: the rewind covers the skew,
 * and the store's event identity (did, collection, rkey, rev, operation) does not involve time_us.
 */
export const PUBLIC_JETSTREAMS = [
  'wss://jetstream1.us-east.bsky.network',
  'wss://jetstream2.us-east.bsky.network',
  'wss://jetstream1.us-west.bsky.network',
  'wss://jetstream2.us-west.bsky.network',
] as const;

export interface SubscribeFilter {
  /** NSIDs, optionally ending in `.*` (Jetstream's prefix wildcard). Empty: every collection. */
  wantedCollections: string[];
  /** Repository DIDs. Empty: every account. */
  wantedDids: string[];
}

const NSID_OR_PREFIX = /^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)+(\.\*)?$/;

/** Why a filter cannot be sent to Jetstream; null when it can. */
export function filterError(f: SubscribeFilter): string | null {
  for (const c of f.wantedCollections) if (!NSID_OR_PREFIX.test(c)) return `"${c}" is not a collection NSID (e.g. app.bsky.feed.post or app.bsky.feed.*)`;
  // A DID is named only by position: the value itself must not reach a log line.
  for (const [i, d] of f.wantedDids.entries()) if (!/^did:[a-z]+:[a-zA-Z0-9._:%-]+$/.test(d)) return `wanted DID #${i + 1} is not a DID`;
  if (f.wantedCollections.length > 100) return 'Jetstream accepts at most 100 wanted collections';
  if (f.wantedDids.length > 10_000) return 'Jetstream accepts at most 10,000 wanted DIDs';
  return null;
}

/** Normalises a user-given endpoint to a ws(s) URL without the `/subscribe` path; throws with the reason. */
export function normaliseEndpoint(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.includes('://') ? raw : `wss://${raw}`);
  } catch {
    throw new Error(`endpoint "${raw}" is not a URL`);
  }
  if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol === 'http:') u.protocol = 'ws:';
  if (u.protocol !== 'wss:' && u.protocol !== 'ws:') throw new Error(`endpoint "${raw}" must be a ws:// or wss:// URL`);
  if (u.search || u.hash) throw new Error(`endpoint "${raw}" must not carry a query or fragment`);
  const path = u.pathname.replace(/\/+$/, '').replace(/\/subscribe$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

/** `<endpoint>/subscribe?wantedCollections=..&wantedDids=..&cursor=..` (repeated parameters, as Jetstream expects). */
export function subscribeUrl(endpoint: string, filter: SubscribeFilter, cursor: number | null): string {
  const params = new URLSearchParams();
  for (const c of filter.wantedCollections) params.append('wantedCollections', c);
  for (const d of filter.wantedDids) params.append('wantedDids', d);
  if (cursor !== null) params.set('cursor', String(cursor));
  const q = params.toString();
  return `${endpoint}/subscribe${q ? `?${q}` : ''}`;
}

/** The URL without its query, for messages: the query can hold wanted DIDs. */
export function endpointLabel(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}

/**
 * The store cursor name for an endpoint set and filter: runs with another filter or other endpoints keep their own
 * progress. Order and repetition of the inputs do not matter.
 */
export function cursorName(endpoints: readonly string[], filter: SubscribeFilter): string {
  const canon = (xs: readonly string[]) => [...new Set(xs)].sort().join(',');
  const key = `e=${canon(endpoints)};c=${canon(filter.wantedCollections)};d=${canon(filter.wantedDids)}`;
  return `jetstream:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
