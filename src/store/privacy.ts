// Queries for the privacy audit: reading a Parquet file's rows as JSON text so that they can be scanned like JSONL,
// and the collected accounts' identifiers. No tables of its own, so no schema module.
import { DuckDBInstance } from '@duckdb/node-api';
import type { Store } from './store.ts';

/** Yields each row of a Parquet file as one JSON object string, in file order (row i → line i + 1). */
export async function* parquetRowsAsJson(path: string): AsyncGenerator<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    // One streamed scan, read chunk by chunk (LIMIT/OFFSET pages re-read the file up to each offset).
    const result = await conn.stream('SELECT to_json(simpact_audit_row)::VARCHAR AS j FROM read_parquet($1) simpact_audit_row', [path]);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const j of chunk.getColumnValues(0)) yield j as string;
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
