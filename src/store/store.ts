// The embedded DuckDB store. This folder is the only place that knows the SQL schema.
// Each area of the product owns a schema *module* (listed in schemas.ts) with its own ordered migrations, so areas evolve independently:
// the table `schema_versions(module, version)` records how far each module has been migrated.
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import type { SchemaModule } from './schema-module.ts';

export type { SchemaModule };

export const DEFAULT_DB = './simpact.duckdb';

export function resolveDbPath(explicit?: string): string {
  return explicit ?? process.env.SIMPACT_DB ?? DEFAULT_DB;
}

export type Row = Record<string, unknown>;

/** The store file is held by another process (DuckDB allows one per file). The CLI shows the message as is. */
/**
 * The path names a data file, not a store: DuckDB would open a JSON, CSV or Parquet file given as its database as a
 * throw-away in-memory database over it, so the command would "succeed" and keep nothing. A usage error.
 */
export class NotAStoreError extends Error {
  override readonly name = 'NotAStoreError';
  constructor(readonly storePath: string) {
    super(`${storePath} names a data file, not a store (give data files as arguments; the store is a .duckdb file)`);
  }
}

const DATA_FILE = /\.(jsonl|ndjson|json|csv|tsv|parquet|gz|zst|zstd|txt)$/i;

export class StoreInUseError extends Error {
  override readonly name = 'StoreInUseError';
  constructor(readonly storePath: string) {
    super(`the store ${storePath} is in use by another simpact process (e.g. a running simpact serve); stop it first, or use another --db`);
  }
}

export class Store {
  private constructor(
    readonly path: string,
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async open(path: string = resolveDbPath(), modules: SchemaModule[] = []): Promise<Store> {
    if (path !== ':memory:' && DATA_FILE.test(path)) throw new NotAStoreError(path);
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (err) {
      // DuckDB allows one process per database file; say so instead of its lock message (which names a PID).
      if (/Could not set lock|Conflicting lock/i.test((err as Error).message)) {
        throw new StoreInUseError(path);
      }
      throw new Error(`cannot open store ${path}: ${(err as Error).message}`);
    }
    const conn = await instance.connect();
    const store = new Store(path, instance, conn);
    try {
      // Loaded here, not at module top: area schema files import this module, and a static import would cycle.
      const { ALL_SCHEMAS } = await import('./schemas.ts');
      await store.migrate([...ALL_SCHEMAS, ...modules]);
    } catch (err) {
      store.close();
      throw err;
    }
    return store;
  }

  async migrate(modules: SchemaModule[]): Promise<void> {
    await this.conn.run('CREATE TABLE IF NOT EXISTS schema_versions (module VARCHAR PRIMARY KEY, version INTEGER NOT NULL)');
    for (const mod of modules) {
      const rows = await this.all('SELECT version FROM schema_versions WHERE module = $1', [mod.name]);
      const current = rows.length ? Number(rows[0].version) : 0;
      if (current > mod.migrations.length) {
        throw new Error(`store ${this.path}: schema module "${mod.name}" is at version ${current}, newer than this simpact (${mod.migrations.length}); upgrade simpact`);
      }
      for (let v = current; v < mod.migrations.length; v++) {
        await this.transaction(async () => {
          await this.conn.run(mod.migrations[v]);
          await this.conn.run(
            'INSERT INTO schema_versions VALUES ($1, $2) ON CONFLICT (module) DO UPDATE SET version = excluded.version',
            [mod.name, v + 1],
          );
        });
      }
    }
  }

  async run(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<void> {
    await this.conn.run(sql, params);
  }

  /** Rows as plain JS objects (BIGINT → bigint; use `num()` for safe conversion). */
  async all(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<Row[]> {
    const reader = await this.conn.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as Row[];
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.conn.run('COMMIT');
      return out;
    } catch (err) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  close(): void {
    try {
      this.conn.closeSync();
    } finally {
      this.instance.closeSync();
    }
  }
}

/** BIGINT/HUGEINT/number → number (throws past 2^53, which no count or time_us here reaches). */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`integer ${v} exceeds 2^53`);
    return Number(v);
  }
  if (v === null || v === undefined) return 0;
  return Number(v);
}

/** Quotes a string literal for SQL text that cannot take parameters (e.g. COPY ... TO 'path'). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
