// The explorer's index of a release: one row per released thread (K, cluster, line, split, the acting user's action,
// lower-cased text for search, the record as released), filled once by DuckDB straight from the release files and
// paged with keyset pagination on (cluster, line).
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { SchemaModule } from './schema-module.ts';
import { num, sqlString, type Row, type Store } from './store.ts';

export const explorerSchema: SchemaModule = {
  name: 'explorer',
  migrations: [
    `CREATE TABLE explorer_releases (
       release_id VARCHAR PRIMARY KEY, ks VARCHAR NOT NULL, threads BIGINT NOT NULL
     );
     CREATE TABLE explorer_threads (
       release_id VARCHAR NOT NULL, k INTEGER NOT NULL, cluster INTEGER NOT NULL, line INTEGER NOT NULL,
       split VARCHAR, action VARCHAR, n_messages INTEGER NOT NULL, search VARCHAR NOT NULL, record VARCHAR NOT NULL
     );`,
  ],
};

/** What the read-only queries need: a `Store`, or a `ReadConnection` beside it. */
export interface Queryable {
  all(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<Row[]>;
}

/**
 * A second connection to the store's database for read-only queries (the explorer): DuckDB runs queries of different
 * connections side by side (MVCC), so a long scan here never holds up a write on the store's own connection.
 */
export class ReadConnection implements Queryable {
  private constructor(private readonly conn: DuckDBConnection) {}

  static async open(store: Store): Promise<ReadConnection> {
    return new ReadConnection(await store.instance.connect());
  }

  async all(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<Row[]> {
    return (await this.conn.runAndReadAll(sql, params)).getRowObjectsJS() as Row[];
  }

  close(): void {
    this.conn.closeSync();
  }
}

export interface IndexedRelease {
  releaseId: string;
  ks: number[];
  threads: number;
}

export async function indexedRelease(store: Queryable, releaseId: string): Promise<IndexedRelease | null> {
  const rows = await store.all('SELECT ks, threads FROM explorer_releases WHERE release_id = $1', [releaseId]);
  if (!rows.length) return null;
  return { releaseId, ks: JSON.parse(rows[0].ks as string) as number[], threads: num(rows[0].threads) };
}

export interface ReleaseFilesOfK {
  k: number;
  /** Glob of the cluster files, e.g. `<dir>/processed_25_clusters/cluster_*.jsonl`. */
  clusterGlob: string;
  /** Split reference files that exist (`{"cluster_id": c, "line": i}` lines). */
  splitFiles: { split: string; path: string }[];
}

/**
 * (Re)indexes a release: the lines of every cluster file, numbered per file in file order (DuckDB's CSV reader keeps
 * insertion order), joined with the split references. Replaces an earlier index of the same release id.
 */
export async function indexRelease(store: Store, releaseId: string, files: ReleaseFilesOfK[]): Promise<IndexedRelease> {
  return store.transaction(async () => {
    await store.run('DELETE FROM explorer_threads WHERE release_id = $1', [releaseId]);
    await store.run('DELETE FROM explorer_releases WHERE release_id = $1', [releaseId]);
    for (const f of files) {
      const splits = f.splitFiles.length
        ? f.splitFiles
            .map((s) => `SELECT ${sqlString(s.split)} AS split, cluster_id::INTEGER AS cluster, line::INTEGER AS line FROM read_json(${sqlString(s.path)}, columns={'cluster_id':'INTEGER','line':'INTEGER'}, format='newline_delimited')`)
            .join(' UNION ALL ')
        : `SELECT NULL::VARCHAR AS split, NULL::INTEGER AS cluster, NULL::INTEGER AS line WHERE false`;
      await store.run(
        `INSERT INTO explorer_threads
         WITH raw AS (
           SELECT filename, record, row_number() OVER () AS seq
           FROM read_csv(${sqlString(f.clusterGlob)}, columns={'record':'VARCHAR'}, delim=chr(1), quote='', escape='',
                         header=false, filename=true, auto_detect=false, max_line_size=67108864)
         ), numbered AS (
           SELECT regexp_extract(filename, 'cluster_(\\d+)\\.jsonl$', 1)::INTEGER AS cluster,
                  (row_number() OVER (PARTITION BY filename ORDER BY seq) - 1)::INTEGER AS line, record
           FROM raw
         ), splits AS (${splits})
         SELECT $1, $2, n.cluster, n.line, s.split,
                (SELECT min(key) FROM (SELECT unnest(json_keys(json_extract(n.record, '$.thread[#-1].actions'))) AS key)
                  WHERE json_extract(n.record, '$.thread[#-1].actions.' || key)::BOOLEAN),
                json_array_length(n.record, '$.thread')::INTEGER,
                lower(coalesce(array_to_string(json_extract_string(n.record, '$.thread[*].text'), ' '), '')),
                n.record
         FROM numbered n LEFT JOIN splits s ON s.cluster = n.cluster AND s.line = n.line`,
        [releaseId, f.k],
      );
    }
    const count = await store.all('SELECT count(*) AS n FROM explorer_threads WHERE release_id = $1', [releaseId]);
    const ks = files.map((f) => f.k);
    const threads = num(count[0].n);
    await store.run('INSERT INTO explorer_releases VALUES ($1, $2, $3)', [releaseId, JSON.stringify(ks), threads]);
    return { releaseId, ks, threads };
  });
}

export interface ClusterRow {
  cluster: number;
  threads: number;
  actions: Record<string, number>;
  splits: Record<string, number>;
}

export async function clusterRows(store: Queryable, releaseId: string, k: number): Promise<ClusterRow[]> {
  const rows = await store.all(
    `SELECT cluster, coalesce(action, 'none') AS action, coalesce(split, 'none') AS split, count(*) AS n
     FROM explorer_threads WHERE release_id = $1 AND k = $2 GROUP BY ALL ORDER BY cluster`,
    [releaseId, k],
  );
  const byCluster = new Map<number, ClusterRow>();
  for (const r of rows) {
    const c = Number(r.cluster);
    let row = byCluster.get(c);
    if (!row) byCluster.set(c, (row = { cluster: c, threads: 0, actions: {}, splits: {} }));
    const n = num(r.n);
    row.threads += n;
    row.actions[r.action as string] = (row.actions[r.action as string] ?? 0) + n;
    row.splits[r.split as string] = (row.splits[r.split as string] ?? 0) + n;
  }
  return [...byCluster.values()];
}

export interface ThreadFilter {
  k: number;
  cluster?: number;
  action?: string;
  split?: string;
  /** Case-insensitive substring of any message text. */
  text?: string;
  /** Keyset cursor: rows strictly after (cluster, line). */
  after?: { cluster: number; line: number };
  limit: number;
}

export interface ThreadRow {
  cluster: number;
  line: number;
  split: string | null;
  action: string | null;
  record: string;
}

export async function pageThreads(store: Queryable, releaseId: string, f: ThreadFilter): Promise<{ rows: ThreadRow[]; more: boolean }> {
  const where = ['release_id = $rid', 'k = $k'];
  const params: Record<string, string | number> = { rid: releaseId, k: f.k, lim: f.limit + 1 };
  const add = (clause: string, name: string, value: string | number | undefined) => {
    if (value === undefined || value === '') return;
    where.push(clause);
    params[name] = value;
  };
  add('cluster = $cluster', 'cluster', f.cluster);
  add('action = $action', 'action', f.action);
  add('split = $split', 'split', f.split);
  add('contains(search, $text)', 'text', f.text?.toLowerCase());
  if (f.after) {
    where.push('(cluster > $ac OR (cluster = $ac AND line > $al))');
    params.ac = f.after.cluster;
    params.al = f.after.line;
  }
  const rows = await store.all(
    `SELECT cluster, line, split, action, record FROM explorer_threads WHERE ${where.join(' AND ')} ORDER BY cluster, line LIMIT $lim`,
    params,
  );
  const out = rows.slice(0, f.limit).map((r) => ({ cluster: Number(r.cluster), line: Number(r.line), split: (r.split as string) ?? null, action: (r.action as string) ?? null, record: r.record as string }));
  return { rows: out, more: rows.length > f.limit };
}

/** The released record of one thread, or null. */
export async function threadRecord(store: Queryable, releaseId: string, k: number, cluster: number, line: number): Promise<{ record: string; split: string | null } | null> {
  const rows = await store.all('SELECT record, split FROM explorer_threads WHERE release_id = $1 AND k = $2 AND cluster = $3 AND line = $4', [releaseId, k, cluster, line]);
  return rows.length ? { record: rows[0].record as string, split: (rows[0].split as string) ?? null } : null;
}

/** The released records of many threads in one query (one scan of the K), keyed `cluster:line`; absent ones are left out. */
export async function threadRecords(store: Queryable, releaseId: string, k: number, keys: readonly { cluster: number; line: number }[]): Promise<Map<string, { record: string; split: string | null }>> {
  const out = new Map<string, { record: string; split: string | null }>();
  if (!keys.length) return out;
  const rows = await store.all(
    `SELECT t.cluster, t.line, t.record, t.split FROM explorer_threads t
     JOIN (SELECT DISTINCT x.c, x.l FROM (SELECT unnest(from_json($3::VARCHAR, '[{"c":"INTEGER","l":"INTEGER"}]')) AS x)) q
       ON q.c = t.cluster AND q.l = t.line
     WHERE t.release_id = $1 AND t.k = $2`,
    [releaseId, k, JSON.stringify(keys.map((x) => ({ c: x.cluster, l: x.line })))],
  );
  for (const r of rows) out.set(`${Number(r.cluster)}:${Number(r.line)}`, { record: r.record as string, split: (r.split as string) ?? null });
  return out;
}
