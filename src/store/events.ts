// The event store: raw Jetstream events (append-only, deduplicated) and the normalised tables derived from them.
// Event identity: commits by (did, collection, rkey, rev, operation); identity/account events by (did, kind, seq).
// Every load is one transaction (raw rows + normalised rows + cursor), so a crash never leaves a batch half stored
// or a cursor ahead of its data.
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamShapeError, type JetstreamEvent } from '../bluesky/jetstream-event.ts';
import { KEY_COLUMNS, POST_COLUMNS, RARE_ACCOUNT, RARE_COLUMNS, RARE_IDENTITY, RARE_POST_UPDATE, RARE_PROFILE, StagingFile, stageEvent } from './event-staging.ts';
import type { SchemaModule } from './schema-module.ts';
import { sqlLiteral as sqlString, toNumber as num } from './event-values.ts';
import type { Store } from './store.ts';

/** Deletes resolved to the record they delete (NULL original_seq: the original was never seen). */
const RESOLVED_DELETES = `CREATE VIEW resolved_deletes AS
       SELECT d.seq, d.did, d.collection, d.rkey, d.time_us, o.seq AS original_seq, o.subject_uri, o.subject_did
       FROM deletes d LEFT JOIN (
         SELECT 'app.bsky.feed.like' AS collection, did, rkey, seq, subject_uri, NULL AS subject_did FROM likes
         UNION ALL SELECT 'app.bsky.feed.repost', did, rkey, seq, subject_uri, NULL FROM reposts
         UNION ALL SELECT 'app.bsky.graph.follow', did, rkey, seq, NULL, subject_did FROM follows
         UNION ALL SELECT 'app.bsky.graph.block', did, rkey, seq, NULL, subject_did FROM blocks
         UNION ALL SELECT 'app.bsky.feed.post', did, rkey, seq, 'at://' || did || '/app.bsky.feed.post/' || rkey, NULL FROM posts
       ) o ON o.collection = d.collection AND o.did = d.did AND o.rkey = d.rkey;`;

/** The create tables of the subject-bearing collections and the deletes, as views over raw_events. */
const SUBJECT_VIEWS = [
  ['likes', 'app.bsky.feed.like', 'subject_uri'], ['reposts', 'app.bsky.feed.repost', 'subject_uri'],
  ['follows', 'app.bsky.graph.follow', 'subject_did'], ['blocks', 'app.bsky.graph.block', 'subject_did'],
].map(([view, collection, subject]) => `CREATE VIEW ${view} AS SELECT seq, did, rkey, time_us, subject AS ${subject}
       FROM raw_events WHERE kind = 'commit' AND collection = '${collection}' AND operation = 'create';`).join('\n     ') + `
     CREATE VIEW deletes AS SELECT seq, did, collection, rkey, time_us FROM raw_events WHERE kind = 'commit' AND operation = 'delete';`;

export const eventsSchema: SchemaModule = {
  name: 'events',
  migrations: [
    `CREATE TABLE raw_events (
       seq BIGINT NOT NULL,          -- stable ingest order (ties on time_us are broken by it)
       kind VARCHAR NOT NULL,        -- commit | identity | account
       did VARCHAR NOT NULL,
       time_us BIGINT NOT NULL,
       collection VARCHAR,           -- commits only
       operation VARCHAR,
       rkey VARCHAR,
       rev VARCHAR,
       event_seq BIGINT,             -- identity/account only
       cls VARCHAR,                  -- classifyCommit (non-compat): an action key, profile_update, other or unknown
       source VARCHAR,               -- where it was read from (file path or stream name)
       raw VARCHAR NOT NULL          -- the event's JSON text
     );
     CREATE TABLE posts (
       seq BIGINT NOT NULL, did VARCHAR NOT NULL, rkey VARCHAR NOT NULL, time_us BIGINT NOT NULL,
       is_reply BOOLEAN NOT NULL,
       quote_uri VARCHAR,            -- quoted post, embed.record.uri or (recordWithMedia) embed.record.record.uri
       quote_compat BOOLEAN NOT NULL, -- embed.record.uri is a string: the only quotes the reference recognises
       text VARCHAR, langs VARCHAR[], reply_parent VARCHAR, reply_root VARCHAR, facets JSON, created_at VARCHAR
     );
     CREATE TABLE post_updates (
       seq BIGINT NOT NULL, did VARCHAR NOT NULL, rkey VARCHAR NOT NULL, time_us BIGINT NOT NULL,
       text VARCHAR, langs VARCHAR[]
     );
     CREATE TABLE likes (seq BIGINT NOT NULL, did VARCHAR NOT NULL, rkey VARCHAR NOT NULL, time_us BIGINT NOT NULL, subject_uri VARCHAR);
     CREATE TABLE reposts (seq BIGINT NOT NULL, did VARCHAR NOT NULL, rkey VARCHAR NOT NULL, time_us BIGINT NOT NULL, subject_uri VARCHAR);
     CREATE TABLE follows (seq BIGINT NOT NULL, did VARCHAR NOT NULL, rkey VARCHAR NOT NULL, time_us BIGINT NOT NULL, subject_did VARCHAR);
     CREATE TABLE blocks (seq BIGINT NOT NULL, did VARCHAR NOT NULL, rkey VARCHAR NOT NULL, time_us BIGINT NOT NULL, subject_did VARCHAR);
     CREATE TABLE deletes (seq BIGINT NOT NULL, did VARCHAR NOT NULL, collection VARCHAR NOT NULL, rkey VARCHAR NOT NULL, time_us BIGINT NOT NULL);
     CREATE TABLE profile_changes (
       seq BIGINT NOT NULL, did VARCHAR NOT NULL, time_us BIGINT NOT NULL, operation VARCHAR NOT NULL,
       display_name VARCHAR, description VARCHAR
     );
     CREATE TABLE identity_events (seq BIGINT NOT NULL, did VARCHAR NOT NULL, time_us BIGINT NOT NULL, event_seq BIGINT, handle VARCHAR, time VARCHAR);
     CREATE TABLE account_events (seq BIGINT NOT NULL, did VARCHAR NOT NULL, time_us BIGINT NOT NULL, event_seq BIGINT, active BOOLEAN, status VARCHAR, time VARCHAR);
     CREATE TABLE cursors (name VARCHAR PRIMARY KEY, time_us BIGINT NOT NULL);
     CREATE TABLE ingest_runs (
       run INTEGER NOT NULL, finished_at TIMESTAMP NOT NULL, sources INTEGER NOT NULL, lines BIGINT NOT NULL,
       inserted BIGINT NOT NULL, duplicates BIGINT NOT NULL, malformed BIGINT NOT NULL
     );`,
    // A 64-bit hash of the event identity: the duplicate check scans this one column, not seven strings.
    `ALTER TABLE raw_events ADD COLUMN ident UBIGINT;
     UPDATE raw_events SET ident = hash(did, kind, collection, rkey, rev, operation, event_seq);`,
    // Deletes and post updates resolved to the record they change (NULL original_seq: the original was never seen).
    `${RESOLVED_DELETES}
     CREATE VIEW resolved_post_updates AS
       SELECT u.*, p.seq AS original_seq, p.text AS original_text
       FROM post_updates u LEFT JOIN posts p ON p.did = u.did AND p.rkey = u.rkey;`,
    // The reference's quote test (`record.embed.record` truthy), which recordWithMedia quotes pass as well although
    // their URI sits one level deeper: in compat mode they are quotes whose target cannot be found.
    `ALTER TABLE posts ADD COLUMN embed_record BOOLEAN;
     UPDATE posts SET embed_record = quote_compat OR coalesce((
       SELECT json_type(r.raw, '$.commit.record.embed.record') = 'OBJECT'
              AND json_extract(r.raw, '$.commit.record.embed.record')::VARCHAR <> '{}'
       FROM raw_events r WHERE r.seq = posts.seq), false);`,
    // Runs of `simpact collect` are recorded too, and files that could not be read to the end are counted.
    `ALTER TABLE ingest_runs ADD COLUMN file_problems BIGINT DEFAULT 0;
     ALTER TABLE ingest_runs ADD COLUMN origin VARCHAR DEFAULT 'ingest';`,
    // Likes, reposts, follows, blocks and deletes become views over raw_events (which gains the subject column):
    // they held nothing but raw_events' own columns, and writing them cost about a tenth of the ingest's CPU.
    `ALTER TABLE raw_events ADD COLUMN subject VARCHAR;
     UPDATE raw_events SET subject = t.subject FROM (
       SELECT seq, subject_uri AS subject FROM likes UNION ALL SELECT seq, subject_uri FROM reposts
       UNION ALL SELECT seq, subject_did FROM follows UNION ALL SELECT seq, subject_did FROM blocks
     ) t WHERE raw_events.seq = t.seq;
     DROP VIEW resolved_deletes;
     DROP TABLE likes; DROP TABLE reposts; DROP TABLE follows; DROP TABLE blocks; DROP TABLE deletes;
     ${SUBJECT_VIEWS}
     ${RESOLVED_DELETES}`,
    // The raw text and the high-cardinality key strings are stored uncompressed. DuckDB's analysis and FSST
    // compression of them took about 2.7 of the 10 s that a 1M-event load spent in DuckDB (its critical path); the
    // price is about 1.75x the store's size (bench/ingest/README.md). An older store is rebuilt once, at its first
    // open (measured 6 s for 1M events). The views read the table by name, so they survive.
    `CREATE TABLE raw_events_v2 (
       seq BIGINT NOT NULL, kind VARCHAR NOT NULL, did VARCHAR NOT NULL USING COMPRESSION uncompressed,
       time_us BIGINT NOT NULL, collection VARCHAR, operation VARCHAR, rkey VARCHAR USING COMPRESSION uncompressed,
       rev VARCHAR USING COMPRESSION uncompressed, event_seq BIGINT, cls VARCHAR, source VARCHAR,
       raw VARCHAR NOT NULL USING COMPRESSION uncompressed, ident UBIGINT, subject VARCHAR USING COMPRESSION uncompressed
     );
     -- rows were always appended in seq order, which a plain INSERT ... SELECT keeps (no sort of the whole table)
     INSERT INTO raw_events_v2 SELECT seq, kind, did, time_us, collection, operation, rkey, rev, event_seq, cls, source, raw, ident, subject
       FROM raw_events;
     DROP TABLE raw_events;
     ALTER TABLE raw_events_v2 RENAME TO raw_events;`,
  ],
};

/** The identity columns of an event (commits: did, collection, rkey, rev, operation; others: did, kind, seq). */
const IDENTITY = 'did, kind, collection, rkey, rev, operation, event_seq';

export interface IngestRecord {
  event: JetstreamEvent;
  /** The event's JSON text as received. */
  raw: string;
  /** Where it came from (a file path, a stream name). */
  source: string;
}

export interface AppendResult {
  inserted: number;
  duplicates: number;
  /** Events not stored because they are not valid Jetstream events or cannot be stored faithfully (a control
   *  character in a key field). */
  rejected?: number;
}

export interface AppendOptions {
  /** Stored in the same transaction as the batch (the live collector's resume point). */
  cursor?: { name: string; timeUs: number };
}

/** Appends a batch in one transaction; events already stored (or repeated in the batch) are dropped and counted. */
export async function appendEvents(store: Store, batch: IngestRecord[], opts: AppendOptions = {}): Promise<AppendResult> {
  const stager = new EventStager();
  try {
    let rejected = 0;
    for (const r of batch) {
      if (jetstreamShapeError(r.event) !== null || stager.add(r.event, r.raw, r.source) !== null) rejected++;
    }
    const res = await stager.load(store, opts);
    return { ...res, rejected };
  } finally {
    stager.dispose();
  }
}

/** One batch being staged: its three staging files and the sources it names. */
class Batch {
  readonly keys: StagingFile;
  readonly raw: StagingFile;
  readonly posts: StagingFile;
  readonly rare: StagingFile;
  readonly sources: string[] = [];
  private readonly sourceIndex = new Map<string, number>();

  constructor(dir: string, n: number) {
    this.keys = new StagingFile(join(dir, `keys-${n}.txt`));
    this.raw = new StagingFile(join(dir, `raw-${n}.txt`));
    this.posts = new StagingFile(join(dir, `posts-${n}.txt`));
    this.rare = new StagingFile(join(dir, `rare-${n}.txt`));
  }

  source(name: string): number {
    let i = this.sourceIndex.get(name);
    if (i === undefined) {
      i = this.sources.length;
      this.sources.push(name);
      this.sourceIndex.set(name, i);
    }
    return i;
  }

  close(): void {
    for (const f of [this.keys, this.raw, this.posts, this.rare]) f.close();
  }

  /** Closes and deletes the files. The deletion runs in the background: unlinking some 150 MB of staging per batch
   *  cost the parsing thread a fifth of a second per million events. */
  remove(): void {
    this.close();
    for (const f of [this.keys, this.raw, this.posts, this.rare]) void rm(f.path, { force: true }).catch(() => undefined);
  }
}

/**
 * Collects validated events in staging files and loads them with one bulk statement per table. Used by
 * `appendEvents` and, with large batches, by the file ingester (which then never holds events in memory).
 * A load may run while the next batch is being staged.
 */
export class EventStager {
  private readonly dir = mkdtempSync(join(tmpdir(), 'simpact-stage-'));
  private batch: Batch | null = null;
  /** Batches closed at exactly `sealAt` events, waiting to be loaded (oldest first). */
  private readonly sealed: Batch[] = [];
  private batchNo = 0;
  /** The largest seq handed out so far (read from the store before the first load). Seqs only need to grow, so a
   *  batch whose last events were duplicates leaves a gap rather than costing a max() query per batch. */
  private lastSeq: number | null = null;

  /** `sealAt`: close a batch when it holds that many events (the file ingester's batch size), so every load but the
   *  last is the same size whatever the read chunks hold. */
  constructor(private readonly opts: { sealAt?: number } = {}) {}

  /** Events staged in the open batch. */
  get count(): number {
    return this.batch?.keys.count ?? 0;
  }

  /** Batches sealed and waiting for `load`. */
  get sealedCount(): number {
    return this.sealed.length;
  }

  /**
   * Stages one event; returns a reason (and stages nothing) when the event cannot be stored faithfully.
   * `buf[start, end)`, when given, are the UTF-8 bytes of `raw` as read (written as they are, saving a re-encoding).
   */
  add(event: JetstreamEvent, raw: string, source: string, buf?: Buffer, start = 0, end = 0): string | null {
    const b = (this.batch ??= new Batch(this.dir, this.batchNo++));
    const staged = stageEvent(b.keys.count, event, raw, b.source(source));
    if ('error' in staged) return staged.error;
    b.keys.add(staged.keys);
    if (buf && !staged.rawChanged) b.raw.addRange(buf, start, end);
    else b.raw.add(staged.raw);
    if (staged.post) b.posts.add(staged.post);
    if (staged.rare) b.rare.add(staged.rare);
    if (this.opts.sealAt !== undefined && b.keys.count >= this.opts.sealAt) {
      b.close();
      this.sealed.push(b);
      this.batch = null;
    }
    return null;
  }

  /** Loads the oldest sealed batch or, when none is waiting, the open one (one transaction). */
  async load(store: Store, opts: AppendOptions = {}): Promise<AppendResult> {
    let b = this.sealed.shift();
    if (!b) {
      b = this.batch ?? undefined;
      this.batch = null;
    }
    if (!b) {
      if (opts.cursor) await store.transaction(() => store.run(cursorUpsert(opts.cursor!)));
      return { inserted: 0, duplicates: 0 };
    }
    b.close();
    try {
      this.lastSeq ??= num((await store.all('SELECT coalesce(max(seq), 0) AS m FROM raw_events'))[0].m);
      const res = await loadBatch(store, b, this.lastSeq, opts);
      this.lastSeq += b.keys.count;
      return res;
    } catch (err) {
      this.lastSeq = null; // read again: the failed transaction stored nothing
      throw err;
    } finally {
      b.remove();
    }
  }

  dispose(): void {
    for (const b of this.sealed.splice(0)) b.remove();
    this.batch?.remove();
    this.batch = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function readStaging(path: string, columns: ReadonlyArray<readonly [string, string]>, quotedFields = false): string {
  const cols = `{${columns.map(([n, t]) => `'${n}': '${t}'`).join(', ')}}`;
  const quoting = quotedFields ? `quote='"', escape='"'` : `quote='', escape=''`;
  return `read_csv(${sqlString(path)}, delim='\x01', ${quoting}, header=false, auto_detect=false,
    new_line='\\n', max_line_size=4194304, columns=${cols})`;
}

async function loadBatch(store: Store, b: Batch, base: number, opts: AppendOptions): Promise<AppendResult> {
  const staged = b.keys.count;
  // A load is a few multi-statement calls rather than one call per statement: each call's completion waits for the
  // JavaScript thread, which meanwhile parses the next batch, so round trips cost the database its time.
  try {
    const [c] = await store.all(`DROP TABLE IF EXISTS temp.stage_events;
      CREATE TEMP TABLE stage_events AS SELECT *, hash(${IDENTITY}) AS ident FROM ${readStaging(b.keys.path, KEY_COLUMNS)};
      ${countCandidates(base === 0)}`);
    const dropped = await markDropped(store, num(c.repeats) > 0, num(c.matches) > 0);
    // Staging order is ingest order: seq = base + 1 + ord (gaps where duplicates were dropped).
    const keep = dropped > 0 ? 'WHERE ord NOT IN (SELECT ord FROM dropped_events)' : '';
    const fresh = `(SELECT ${base} + 1 + ord AS seq, * EXCLUDE (ord) FROM stage_events ${keep})`;
    const sources = `[${b.sources.map(sqlString).join(', ')}]`;
    const inserted = staged - dropped;
    const statements = [`INSERT INTO raw_events (seq, kind, did, time_us, collection, operation, rkey, rev, event_seq, cls, source, raw, ident, subject)
        SELECT ${base} + 1 + s.ord, s.kind, s.did, s.time_us, s.collection, s.operation, s.rkey, s.rev, s.event_seq, s.cls,
               ${sources}[s.src + 1], r.raw, s.ident, s.subject
        FROM stage_events s POSITIONAL JOIN ${readStaging(b.raw.path, [['raw', 'VARCHAR']])} r
        ${dropped > 0 ? 'WHERE s.ord NOT IN (SELECT ord FROM dropped_events)' : ''}`];
    if (inserted > 0) {
      const ifAny = (f: StagingFile, cols: ReadonlyArray<readonly [string, string]>) => (f.count > 0 ? readStaging(f.path, cols, true) : null);
      statements.push(...derivedInserts(base, fresh, ifAny(b.posts, POST_COLUMNS), ifAny(b.rare, RARE_COLUMNS), keep));
    }
    if (opts.cursor) statements.push(cursorUpsert(opts.cursor));
    await store.transaction(() => store.run(statements.join(';\n')));
    return { inserted, duplicates: dropped };
  } finally {
    await store.run(['stage_events', 'dropped_events', 'rare_events'].map((t) => `DROP TABLE IF EXISTS temp.${t}`).join('; '));
  }
}

/** How many staged events repeat one another (`repeats`) and how many may already be stored (`matches`, hash equal). */
function countCandidates(storeEmpty: boolean): string {
  // The hash table is built on the batch side; the stored idents are only streamed past it.
  const matches = storeEmpty ? '0' : '(SELECT count(*) FROM raw_events WHERE ident IN (SELECT ident FROM stage_events))';
  return `SELECT count(*) - count(DISTINCT ident) AS repeats, ${matches} AS matches FROM stage_events`;
}

/**
 * Marks the staged events to drop (temp table dropped_events): those already stored and repeats inside the batch
 * (all but the first). Returns how many.
 */
async function markDropped(store: Store, repeats: boolean, matches: boolean): Promise<number> {
  if (!repeats && !matches) return 0;
  // Equal events have equal hashes, so hashes rule out repeats inside the batch and stored events cheaply; only hash
  // matches are compared column by column (a collision costs nothing but that comparison).
  const parts: string[] = [];
  if (repeats) parts.push(`SELECT ord FROM stage_events QUALIFY row_number() OVER (PARTITION BY ${IDENTITY} ORDER BY ord) > 1`);
  if (matches) {
    const same = IDENTITY.split(', ').map((c) => `k.${c} IS NOT DISTINCT FROM s.${c}`).join(' AND ');
    parts.push(`SELECT s.ord FROM stage_events s
      JOIN (SELECT ${IDENTITY}, ident FROM raw_events WHERE ident IN (SELECT ident FROM stage_events)) k
        ON k.ident = s.ident AND ${same}`);
  }
  const [r] = await store.all(`DROP TABLE IF EXISTS temp.dropped_events;
    CREATE TEMP TABLE dropped_events AS ${parts.join(' UNION ')};
    SELECT count(*) AS n FROM dropped_events`);
  return num(r.n);
}

/** The inserts of each normalised table from this batch's fresh rows only (so a re-ingest adds nothing). */
function derivedInserts(base: number, fresh: string, posts: string | null, rare: string | null, keep: string): string[] {
  const out: string[] = [];
  if (posts) {
    out.push(`INSERT INTO posts
      SELECT ${base} + 1 + p.ord, p.did, p.rkey, p.time_us, (p.flags & 1) <> 0, p.subject, (p.flags & 2) <> 0,
             p.text, CASE WHEN p.langs = ':' THEN []::VARCHAR[] ELSE string_split(p.langs[2:], ',') END, p.reply_parent, p.reply_root, TRY_CAST(p.facets AS JSON), p.created_at,
             (p.flags & 4) <> 0
      FROM ${posts} p ${keep}
      ORDER BY p.ord`);
  }
  // likes, reposts, follows, blocks and deletes are views over raw_events: nothing to write.
  if (!rare) return out;
  // Rare kinds: their few fields, staged as JSON text and read with the functions that would read them from the raw
  // event, so the result is the same as extracting them from raw_events.raw.
  const tagged = (tag: string) => `(SELECT * FROM rare_events WHERE tag = '${tag}')`;
  out.push(
    'DROP TABLE IF EXISTS temp.rare_events',
    `CREATE TEMP TABLE rare_events AS
      SELECT f.seq, f.did, f.rkey, f.time_us, f.operation, f.event_seq, r.tag, r.f1, r.f2, r.f3
      FROM (SELECT * FROM ${rare} ${keep}) r JOIN ${fresh} f ON f.seq = ${base} + 1 + r.ord`,
    `INSERT INTO post_updates
      SELECT seq, did, rkey, time_us, json_extract_string(f1, '$'), TRY_CAST(json_extract(f2, '$') AS VARCHAR[])
      FROM ${tagged(RARE_POST_UPDATE)} ORDER BY seq`,
    `INSERT INTO profile_changes
      SELECT seq, did, time_us, operation, json_extract_string(f1, '$'), json_extract_string(f2, '$')
      FROM ${tagged(RARE_PROFILE)} ORDER BY seq`,
    `INSERT INTO identity_events
      SELECT seq, did, time_us, event_seq, json_extract_string(f1, '$'), json_extract_string(f2, '$')
      FROM ${tagged(RARE_IDENTITY)} ORDER BY seq`,
    `INSERT INTO account_events
      SELECT seq, did, time_us, event_seq, TRY_CAST(json_extract(f1, '$') AS BOOLEAN), json_extract_string(f2, '$'), json_extract_string(f3, '$')
      FROM ${tagged(RARE_ACCOUNT)} ORDER BY seq`,
    'DROP TABLE temp.rare_events',
  );
  return out;
}

/** The statement that stores a stream's cursor (literals, so it can join a multi-statement load). */
function cursorUpsert(cursor: { name: string; timeUs: number }): string {
  if (!Number.isSafeInteger(cursor.timeUs)) throw new RangeError(`cursor time_us ${cursor.timeUs} is not an integer`);
  return `INSERT INTO cursors VALUES (${sqlString(cursor.name)}, ${cursor.timeUs}) ON CONFLICT (name) DO UPDATE SET time_us = excluded.time_us`;
}

export async function getCursor(store: Store, name: string): Promise<number | null> {
  const rows = await store.all('SELECT time_us FROM cursors WHERE name = $1', [name]);
  return rows.length ? num(rows[0].time_us) : null;
}

export async function countEvents(store: Store): Promise<number> {
  return num((await store.all('SELECT count(*) AS n FROM raw_events'))[0].n);
}

export interface IngestRunSummary {
  sources: number;
  lines: number;
  inserted: number;
  duplicates: number;
  /** Lines or messages skipped as bad input. */
  malformed: number;
  /** Files that could not be read to the end (truncated archives, unreadable paths). */
  fileProblems: number;
  origin: 'ingest' | 'collect';
}

/** Records the counts of one `simpact ingest` or `simpact collect` run (stats reports the bad-input totals from here). */
export async function recordIngestRun(store: Store, s: IngestRunSummary): Promise<void> {
  const run = num((await store.all('SELECT coalesce(max(run), 0) + 1 AS r FROM ingest_runs'))[0].r);
  await store.run(
    `INSERT INTO ingest_runs (run, finished_at, sources, lines, inserted, duplicates, malformed, file_problems, origin)
     VALUES ($1, now()::TIMESTAMP, $2, $3, $4, $5, $6, $7, $8)`,
    [run, s.sources, BigInt(s.lines), BigInt(s.inserted), BigInt(s.duplicates), BigInt(s.malformed), BigInt(s.fileProblems), s.origin],
  );
}

/**
 * Settings for a process that bulk-loads events (`simpact ingest`): a cap on DuckDB's buffer memory (its pool
 * otherwise keeps caching the blocks it wrote, towards 80 % of RAM) and its thread count. One DuckDB thread measured
 * 20 % less CPU per event than two on the 2-core box, and leaves the other core to the JavaScript parser.
 */
export async function configureBulkLoad(store: Store, opts: { memoryMB?: number; threads?: number } = {}): Promise<void> {
  if (opts.memoryMB !== undefined) await store.run(`SET memory_limit = '${Math.max(64, Math.floor(opts.memoryMB))}MB'`);
  if (opts.threads !== undefined) await store.run(`SET threads = ${Math.max(1, Math.floor(opts.threads))}`);
}
