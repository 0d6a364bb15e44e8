// Embedding cache, user vectors and clustering results.
// Vectors are stored as BLOBs of little-endian Float32Array bytes (fast to append and read back; see ecosystem §4).
// Keys: a text embedding is found by (text_hash, model_id, settings_hash); user vectors by (embed_key, did), where
// embed_key = model_id + settings_hash + the corpus selection; cluster runs by a hash of everything that shaped them.
import type { SchemaModule } from './schema-module.ts';
import type { Store } from './store.ts';

// (not store.ts's num(): importing a value from store.ts here would be an import cycle through schemas.ts)
function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : Number(v ?? 0);
}

export const embeddingsSchema: SchemaModule = {
  name: 'embeddings',
  migrations: [
    `CREATE TABLE embedding_cache (
      text_hash VARCHAR NOT NULL, model_id VARCHAR NOT NULL, settings_hash VARCHAR NOT NULL,
      dim INTEGER NOT NULL, vec BLOB NOT NULL,
      PRIMARY KEY (text_hash, model_id, settings_hash))`,
    `CREATE TABLE user_vectors (
      embed_key VARCHAR NOT NULL, did VARCHAR NOT NULL, n_texts INTEGER NOT NULL, vec BLOB NOT NULL,
      PRIMARY KEY (embed_key, did))`,
    `CREATE TABLE cluster_runs (
      run_key VARCHAR PRIMARY KEY, embed_key VARCHAR NOT NULL, k INTEGER NOT NULL,
      status VARCHAR NOT NULL, reason VARCHAR, inertia DOUBLE, settings_json VARCHAR NOT NULL, diagnostics_json VARCHAR)`,
    `CREATE TABLE cluster_labels (
      run_key VARCHAR NOT NULL, did VARCHAR NOT NULL, cluster_id INTEGER NOT NULL,
      PRIMARY KEY (run_key, did))`,
  ],
};

export function vectorToBlob(v: Float32Array): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

export function blobToVector(b: Uint8Array): Float32Array {
  if (b.byteLength % 4 !== 0) throw new Error(`stored vector has ${b.byteLength} bytes, not a multiple of 4`);
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

const CHUNK = 5000;

/** Appends rows to a table through DuckDB's appender (much faster than prepared INSERTs). */
async function appendRows(store: Store, table: string, rows: Array<Array<string | number | Uint8Array>>): Promise<void> {
  if (rows.length === 0) return;
  const app = await store.conn.createAppender(table);
  try {
    for (const row of rows) {
      for (const v of row) {
        if (typeof v === 'string') app.appendVarchar(v);
        else if (typeof v === 'number') app.appendInteger(v);
        else app.appendBlob(v);
      }
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

/** Cached vectors for the given text hashes (missing ones are absent from the map). */
export async function getCachedEmbeddings(store: Store, modelId: string, settingsHash: string, textHashes: string[]): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  await store.run('CREATE TEMP TABLE IF NOT EXISTS _emb_lookup (h VARCHAR)');
  for (let i = 0; i < textHashes.length; i += CHUNK * 10) {
    await store.run('DELETE FROM _emb_lookup');
    await appendRows(store, '_emb_lookup', textHashes.slice(i, i + CHUNK * 10).map((h) => [h]));
    const rows = await store.all(
      `SELECT c.text_hash, c.vec FROM embedding_cache c JOIN (SELECT DISTINCT h FROM _emb_lookup) l ON c.text_hash = l.h
       WHERE c.model_id = $1 AND c.settings_hash = $2`,
      [modelId, settingsHash],
    );
    for (const r of rows) out.set(String(r.text_hash), blobToVector(r.vec as Uint8Array));
  }
  await store.run('DELETE FROM _emb_lookup');
  return out;
}

/** Stores vectors; rows already cached are left as they are (first write wins). */
export async function putCachedEmbeddings(store: Store, modelId: string, settingsHash: string, items: Array<{ textHash: string; vec: Float32Array }>): Promise<void> {
  if (items.length === 0) return;
  await store.run(
    'CREATE TEMP TABLE IF NOT EXISTS _emb_stage (text_hash VARCHAR, model_id VARCHAR, settings_hash VARCHAR, dim INTEGER, vec BLOB)',
  );
  await store.run('DELETE FROM _emb_stage');
  await appendRows(store, '_emb_stage', items.map((it) => [it.textHash, modelId, settingsHash, it.vec.length, vectorToBlob(it.vec)]));
  await store.run('INSERT OR IGNORE INTO embedding_cache SELECT DISTINCT ON (text_hash) * FROM _emb_stage');
  await store.run('DELETE FROM _emb_stage');
}

export async function countCachedEmbeddings(store: Store, modelId?: string): Promise<number> {
  const rows = modelId
    ? await store.all('SELECT count(*) AS n FROM embedding_cache WHERE model_id = $1', [modelId])
    : await store.all('SELECT count(*) AS n FROM embedding_cache');
  return num(rows[0].n);
}

export interface StoredUserVector {
  did: string;
  nTexts: number;
  vec: Float32Array;
}

/** Replaces the user vectors of one embedding key. */
export async function putUserVectors(store: Store, embedKey: string, vectors: StoredUserVector[]): Promise<void> {
  await store.transaction(async () => {
    await store.run('DELETE FROM user_vectors WHERE embed_key = $1', [embedKey]);
    await appendRows(store, 'user_vectors', vectors.map((u) => [embedKey, u.did, u.nTexts, vectorToBlob(u.vec)]));
  });
}

/** User vectors of one embedding key, ordered by did (a stable order for clustering). */
export async function getUserVectors(store: Store, embedKey: string): Promise<StoredUserVector[]> {
  const rows = await store.all('SELECT did, n_texts, vec FROM user_vectors WHERE embed_key = $1 ORDER BY did', [embedKey]);
  return rows.map((r) => ({ did: String(r.did), nTexts: num(r.n_texts), vec: blobToVector(r.vec as Uint8Array) }));
}

export interface StoredClusterRun {
  runKey: string;
  embedKey: string;
  k: number;
  status: 'ok' | 'skipped';
  reason?: string;
  inertia?: number;
  settingsJson: string;
  diagnosticsJson?: string;
}

export async function getClusterRun(store: Store, runKey: string): Promise<StoredClusterRun | undefined> {
  const rows = await store.all('SELECT * FROM cluster_runs WHERE run_key = $1', [runKey]);
  if (rows.length === 0) return undefined;
  const r = rows[0];
  return {
    runKey: String(r.run_key),
    embedKey: String(r.embed_key),
    k: num(r.k),
    status: r.status === 'ok' ? 'ok' : 'skipped',
    reason: r.reason == null ? undefined : String(r.reason),
    inertia: r.inertia == null ? undefined : Number(r.inertia),
    settingsJson: String(r.settings_json),
    diagnosticsJson: r.diagnostics_json == null ? undefined : String(r.diagnostics_json),
  };
}

/** Writes a run and its labels in one transaction, replacing an earlier run with the same key. */
export async function putClusterRun(store: Store, run: StoredClusterRun, labels: Array<{ did: string; clusterId: number }>): Promise<void> {
  await store.transaction(async () => {
    await store.run('DELETE FROM cluster_labels WHERE run_key = $1', [run.runKey]);
    await store.run('DELETE FROM cluster_runs WHERE run_key = $1', [run.runKey]);
    await store.run('INSERT INTO cluster_runs VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      run.runKey,
      run.embedKey,
      run.k,
      run.status,
      run.reason ?? null,
      run.inertia ?? null,
      run.settingsJson,
      run.diagnosticsJson ?? null,
    ]);
    await appendRows(store, 'cluster_labels', labels.map((l) => [run.runKey, l.did, l.clusterId]));
  });
}

export async function getClusterLabels(store: Store, runKey: string): Promise<Map<string, number>> {
  const rows = await store.all('SELECT did, cluster_id FROM cluster_labels WHERE run_key = $1', [runKey]);
  return new Map(rows.map((r) => [String(r.did), num(r.cluster_id)]));
}
