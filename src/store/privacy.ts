// Queries for the privacy audit: reading a Parquet file's rows as JSON text so that they can be scanned like JSONL.
// No tables of its own, so no schema module.
import { DuckDBInstance } from '@duckdb/node-api';

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
