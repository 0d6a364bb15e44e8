// Tables of `simpact build`: finished stages with the hash of their settings (for resumable re-runs), the scrubbed
// threads of the threads stage, and the Parquet export of release files.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionKey } from '../bluesky/actions.ts';
import type { SchemaModule } from './schema-module.ts';
import { num, sqlString, type Store } from './store.ts';

export const releaseSchema: SchemaModule = {
  name: 'release',
  migrations: [
    `CREATE TABLE build_stages (
       stage VARCHAR NOT NULL, settings_hash VARCHAR NOT NULL, info VARCHAR NOT NULL,
       PRIMARY KEY (stage, settings_hash)
     );
     CREATE TABLE build_thread_messages (
       settings_hash VARCHAR NOT NULL, thread INTEGER NOT NULL, pos INTEGER NOT NULL, kind VARCHAR NOT NULL,
       did VARCHAR NOT NULL, time_us BIGINT NOT NULL, text VARCHAR, action VARCHAR
     );`,
  ],
};

/** The recorded result of a finished stage, or null when it has not run with these settings. */
export async function finishedStage<T>(store: Store, stage: string, settingsHash: string): Promise<T | null> {
  const rows = await store.all('SELECT info FROM build_stages WHERE stage = $1 AND settings_hash = $2', [stage, settingsHash]);
  return rows.length ? (JSON.parse(rows[0].info as string) as T) : null;
}

export async function recordStage(store: Store, stage: string, settingsHash: string, info: unknown): Promise<void> {
  await store.run(
    'INSERT INTO build_stages VALUES ($1, $2, $3) ON CONFLICT (stage, settings_hash) DO UPDATE SET info = excluded.info',
    [stage, settingsHash, JSON.stringify(info)],
  );
}

export interface StoredThread {
  kind: string;
  messages: { did: string; timeUs: number; text?: string; action?: ActionKey }[];
}

/**
 * Replaces the stored threads (those of earlier settings included) (bulk-loaded from a temporary NDJSON file, which DuckDB reads far
 * faster than row-by-row inserts) and records the stage as finished in the same transaction.
 */
export async function saveThreads(store: Store, settingsHash: string, threads: readonly StoredThread[], info: unknown): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-threads-'));
  const file = join(dir, 'threads.ndjson');
  try {
    const fd = openSync(file, 'w');
    try {
      let buf: string[] = [];
      let size = 0;
      for (let t = 0; t < threads.length; t++) {
        const { kind, messages } = threads[t];
        for (let p = 0; p < messages.length; p++) {
          const m = messages[p];
          const line = JSON.stringify({ t, p, k: kind, d: m.did, u: m.timeUs, x: m.text ?? null, a: m.action ?? null });
          buf.push(line);
          size += line.length;
          if (size > 1 << 22) {
            writeSync(fd, buf.join('\n') + '\n');
            buf = [];
            size = 0;
          }
        }
      }
      if (buf.length) writeSync(fd, buf.join('\n') + '\n');
    } finally {
      closeSync(fd);
    }
    await store.transaction(async () => {
      // Only the latest thread set is kept: a store must not grow with every change of settings.
      await store.run('DELETE FROM build_thread_messages');
      await store.run("DELETE FROM build_stages WHERE stage = 'threads'");
      await store.run(`
        INSERT INTO build_thread_messages
        SELECT ${sqlString(settingsHash)}, t, p, k, d, u, x, a
        FROM read_json(${sqlString(file)}, format = 'newline_delimited',
          columns = {t: 'INTEGER', p: 'INTEGER', k: 'VARCHAR', d: 'VARCHAR', u: 'BIGINT', x: 'VARCHAR', a: 'VARCHAR'})`);
      await store.run(
        'INSERT INTO build_stages VALUES ($1, $2, $3) ON CONFLICT (stage, settings_hash) DO UPDATE SET info = excluded.info',
        ['threads', settingsHash, JSON.stringify(info)],
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function loadThreads(store: Store, settingsHash: string): Promise<StoredThread[]> {
  const reader = await store.conn.runAndReadAll(
    'SELECT thread, kind, did, time_us, text, action FROM build_thread_messages WHERE settings_hash = $1 ORDER BY thread, pos',
    [settingsHash],
  );
  const [thread, kind, did, time, text, action] = reader.getColumnsJS() as unknown[][];
  const out: StoredThread[] = [];
  for (let i = 0; i < thread.length; i++) {
    const t = num(thread[i]);
    if (t !== out.length - 1) out.push({ kind: kind[i] as string, messages: [] });
    const m: StoredThread['messages'][number] = { did: did[i] as string, timeUs: num(time[i]) };
    if (text[i] !== null) m.text = text[i] as string;
    if (action[i] !== null) m.action = action[i] as ActionKey;
    out[out.length - 1].messages.push(m);
  }
  return out;
}

/** The DuckDB type of a release line, so empty files and missing keys still give a fixed Parquet schema. */
const ACTION_STRUCT = `STRUCT(${['like', 'unlike', 'repost', 'unrepost', 'follow', 'unfollow', 'block', 'unblock', 'post_update', 'post_delete', 'quote', 'post', 'reply']
  .map((k) => `"${k}" BOOLEAN`)
  .join(', ')})`;
const THREAD_TYPE = `STRUCT(relative_integer_time BIGINT, text VARCHAR, actions ${ACTION_STRUCT}, user_id VARCHAR)[]`;

/** Converts release JSONL files (one thread per line) into one zstd Parquet file with columns thread, cluster_id. */
export async function releaseJsonlToParquet(store: Store, jsonlFiles: readonly string[], parquetFile: string): Promise<number> {
  const list = `[${jsonlFiles.map(sqlString).join(', ')}]`;
  const cols = `{thread: ${sqlString(THREAD_TYPE)}, cluster_id: 'INTEGER'}`;
  await store.run(`COPY (SELECT thread, cluster_id FROM read_json(${list}, format = 'newline_delimited', columns = ${cols}, maximum_object_size = 134217728))
    TO ${sqlString(parquetFile)} (FORMAT parquet, COMPRESSION zstd)`);
  const rows = await store.all(`SELECT count(*) AS n FROM read_parquet(${sqlString(parquetFile)})`);
  return num(rows[0].n);
}
