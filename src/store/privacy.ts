// Queries for the privacy audit: reading a Parquet file's rows as JSON text so that they can be scanned like JSONL,
// and the collected accounts' identifiers. No tables of its own, so no schema module.
import { DuckDBInstance } from '@duckdb/node-api';
import type { Store } from './store.ts';

/** Yields each row of a Parquet file as one JSON object string, in file order (row i → line i + 1). */
export async function* parquetRowsAsJson(path: string, batchRows = 10_000): AsyncGenerator<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const countReader = await conn.runAndReadAll('SELECT count(*)::BIGINT AS n FROM read_parquet($1)', [path]);
    const total = Number((countReader.getRowObjectsJS()[0] as { n: bigint | number }).n);
    for (let offset = 0; offset < total; offset += batchRows) {
      const reader = await conn.runAndReadAll(
        'SELECT to_json(simpact_audit_row)::VARCHAR AS j FROM (SELECT * FROM read_parquet($1) LIMIT $2 OFFSET $3) simpact_audit_row',
        [path, batchRows, offset],
      );
      for (const row of reader.getRowObjectsJS() as { j: string }[]) yield row.j;
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * The identifiers of every collected account, straight from the raw events (not from the release writer), for the
 * release audit: the DIDs that authored events and every handle their identity events announced (lower-cased).
 */
export async function collectedIdentifiers(store: Store): Promise<{ dids: string[]; handles: string[] }> {
  const dids = await store.all('SELECT DISTINCT did FROM raw_events');
  const handles = await store.all("SELECT DISTINCT lower(handle) AS h FROM identity_events WHERE handle IS NOT NULL AND handle <> ''");
  return { dids: dids.map((r) => r.did as string), handles: handles.map((r) => r.h as string) };
}
