// Opening the store for a command, with errors a user can act on as one line (no stack). Imported lazily by the
// commands (it loads DuckDB).
import { Store } from '../store/store.ts';
import { CliError, EXIT } from './exit-codes.ts';

/**
 * DuckDB opens a JSON, CSV or Parquet file given as its database as a throw-away in-memory database over that file,
 * so `--db events.jsonl` would "succeed" and store nothing. Such a path is refused.
 */
const DATA_FILE = /\.(jsonl|ndjson|json|csv|tsv|parquet|gz|zst|zstd|txt)$/i;

export async function openStoreForCommand(db: string, command: string): Promise<Store> {
  if (db !== ':memory:' && DATA_FILE.test(db)) {
    throw new CliError(`${command}: --db ${db} names a data file, not a store (give data files as arguments; the store is a .duckdb file)`, EXIT.USAGE);
  }
  try {
    return await Store.open(db);
  } catch (err) {
    if ((err as Error).name === 'StoreInUseError') throw err;
    const first = String((err as Error).message ?? err).split('\n')[0].replace(/did:[a-z]+:[a-zA-Z0-9._:%-]+/g, 'did:…');
    throw new CliError(`${command}: ${first}`, EXIT.FAILURE);
  }
}
