// Summary counts of the event store (`simpact stats`).
import { num, type Store } from './store.ts';

export interface StoreStats {
  events: number;
  byKind: Record<string, number>;
  byCollection: Record<string, number>;
  /** Commit classes: the action keys, plus profile_update, other (known unused app.bsky/chat.bsky) and unknown. */
  byAction: Record<string, number>;
  /** Distinct DIDs with any event. */
  users: number;
  /** Post creates (posts, replies and quotes). */
  posts: number;
  /** Bad lines (ingest) and bad messages (collect) skipped by all runs so far. */
  malformed: number;
  /** Files that `simpact ingest` could not read to the end (truncated or corrupt archives, unreadable paths). */
  fileProblems: number;
  /** Events of lexicons outside app.bsky/chat.bsky (kept raw). */
  unknownCollections: { events: number; collections: number; byCollection: Record<string, number> };
  timeRange: { firstTimeUs: number; lastTimeUs: number; first: string; last: string } | null;
  ingestRuns: number;
}

function toRecord(rows: Record<string, unknown>[], key: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[String(r[key])] = num(r.n);
  return out;
}

export async function storeStats(store: Store): Promise<StoreStats> {
  const [head] = await store.all(`SELECT count(*) AS events, count(DISTINCT did) AS users, min(time_us) AS first, max(time_us) AS last FROM raw_events`);
  const byKind = toRecord(await store.all('SELECT kind, count(*) AS n FROM raw_events GROUP BY kind ORDER BY n DESC, kind'), 'kind');
  const byCollection = toRecord(
    await store.all(`SELECT collection, count(*) AS n FROM raw_events WHERE collection IS NOT NULL GROUP BY collection ORDER BY n DESC, collection`),
    'collection',
  );
  const byAction = toRecord(await store.all(`SELECT cls, count(*) AS n FROM raw_events WHERE cls IS NOT NULL GROUP BY cls ORDER BY n DESC, cls`), 'cls');
  const unknown = toRecord(
    await store.all(`SELECT collection, count(*) AS n FROM raw_events WHERE cls = 'unknown' GROUP BY collection ORDER BY n DESC, collection`),
    'collection',
  );
  const [posts] = await store.all('SELECT count(*) AS n FROM posts');
  const [runs] = await store.all('SELECT count(*) AS runs, coalesce(sum(malformed), 0) AS malformed, coalesce(sum(file_problems), 0) AS fp FROM ingest_runs');
  const events = num(head.events);
  const first = num(head.first);
  const last = num(head.last);
  return {
    events,
    byKind,
    byCollection,
    byAction,
    users: num(head.users),
    posts: num(posts.n),
    malformed: num(runs.malformed),
    fileProblems: num(runs.fp),
    unknownCollections: {
      events: Object.values(unknown).reduce((a, b) => a + b, 0),
      collections: Object.keys(unknown).length,
      byCollection: unknown,
    },
    timeRange: events
      ? { firstTimeUs: first, lastTimeUs: last, first: new Date(first / 1000).toISOString(), last: new Date(last / 1000).toISOString() }
      : null,
    ingestRuns: num(runs.runs),
  };
}
