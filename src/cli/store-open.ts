// Opening the store for a command, with errors a user can act on as one line (no stack). Imported lazily by the
// commands (it loads DuckDB).
import { NotAStoreError, Store } from '../store/store.ts';
import { CliError, EXIT } from './exit-codes.ts';

/**
 * Opens the store for `command`. A data file given as the store (refused by `Store.open`) is a usage error; any other
 * failure to open it is one line naming the command.
 */
export async function openStoreForCommand(db: string, command: string): Promise<Store> {
  try {
    return await Store.open(db);
  } catch (err) {
    if (err instanceof NotAStoreError) throw new CliError(`${command}: --db ${err.message}`, EXIT.USAGE);
    if ((err as Error).name === 'StoreInUseError') throw err;
    const first = String((err as Error).message ?? err).split('\n')[0].replace(/did:[a-z]+:[a-zA-Z0-9._:%-]+/g, 'did:…');
    throw new CliError(`${command}: ${first}`, EXIT.FAILURE);
  }
}
