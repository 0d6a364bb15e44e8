// Embeds texts through the store's cache: keyed by (text hash, embedder id, settings hash), so a re-run embeds only
// texts it has not seen, and batches finished before a failure stay cached.
import { createHash } from 'node:crypto';
import { getCachedEmbeddings, putCachedEmbeddings } from '../store/embeddings.ts';
import type { Store } from '../store/store.ts';
import type { Embedder } from './types.ts';

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Hash of a JSON value with keys sorted, so equal settings always give the same key. */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface CachedEmbedResult {
  /** Vector per text hash (empty when `keep` was false). */
  vectors: Map<string, Float32Array>;
  settingsHash: string;
  dim: number;
  fromCache: number;
  embedded: number;
  /** Texts whose vector is all zeros (empty text, or no known term for lsa). */
  zeroVectors: number;
}

export interface CachedEmbedOptions {
  signal?: AbortSignal;
  /** Called after each chunk with (done, total) of the texts that were not cached. */
  onProgress?: (done: number, total: number) => void;
  /** Receives every vector once, cached or new (to aggregate without holding all vectors in memory). */
  onVector?: (textHash: string, vec: Float32Array) => void;
  /** Return the vectors in `vectors` (default true; false keeps memory flat for large corpora). */
  keep?: boolean;
}

const LOOKUP_CHUNK = 50_000;

export async function embedCached(store: Store, embedder: Embedder, texts: readonly string[], opts: CachedEmbedOptions = {}): Promise<CachedEmbedResult> {
  const byHash = new Map<string, string>();
  for (const t of texts) byHash.set(textHash(t), t);
  await embedder.prepare?.([...byHash.values()]);
  const settingsHash = stableHash(embedder.settings);
  const keep = opts.keep ?? true;
  const vectors = new Map<string, Float32Array>();
  let dim: number | undefined;
  let zeroVectors = 0;
  const accept = (h: string, v: Float32Array) => {
    if (v.every((x) => x === 0)) zeroVectors++;
    opts.onVector?.(h, v);
    if (keep) vectors.set(h, v);
  };
  // Cached vectors, streamed in chunks.
  const all = [...byHash.keys()];
  const found = new Set<string>();
  for (let s = 0; s < all.length; s += LOOKUP_CHUNK) {
    const got = await getCachedEmbeddings(store, embedder.id, settingsHash, all.slice(s, s + LOOKUP_CHUNK));
    dim = checkDims(got.values(), dim, embedder.id);
    for (const [h, v] of got) {
      found.add(h);
      accept(h, v);
    }
  }
  const fromCache = found.size;
  const missing = all.filter((h) => !found.has(h)).sort();
  found.clear();
  const chunk = embedder.chunkSize ?? 4096;
  let embedded = 0;
  for (let s = 0; s < missing.length; s += chunk) {
    const hashes = missing.slice(s, s + chunk);
    const finished: Array<{ textHash: string; vec: Float32Array }> = [];
    let failure: unknown;
    try {
      const out = await embedder.embed(
        hashes.map((h) => byHash.get(h)!),
        opts.signal,
        (start, vecs) => vecs.forEach((vec, j) => finished.push({ textHash: hashes[start + j], vec })),
      );
      if (finished.length === 0) out.forEach((vec, j) => finished.push({ textHash: hashes[j], vec }));
    } catch (err) {
      failure = err;
    }
    // Keep what finished, even when a later batch failed: a re-run continues from here.
    const valid = finished.filter((f) => f.vec !== undefined && f.vec.every((x) => Number.isFinite(x)));
    const nonFinite = finished.filter((f) => f.vec !== undefined).length - valid.length;
    dim = checkDims(valid.map((f) => f.vec), dim, embedder.id);
    await putCachedEmbeddings(store, embedder.id, settingsHash, valid);
    for (const f of valid) accept(f.textHash, f.vec);
    embedded += valid.length;
    if (failure) {
      const msg = failure instanceof Error ? failure.message : String(failure);
      throw new Error(`${msg} (${fromCache + embedded} of ${all.length} texts are cached; run again to continue from there)`, { cause: failure });
    }
    if (nonFinite > 0) throw new Error(`${embedder.id} returned NaN or infinite values for ${nonFinite} text(s); the other vectors were cached`);
    opts.onProgress?.(Math.min(s + chunk, missing.length), missing.length);
  }
  return { vectors, settingsHash, dim: dim ?? embedder.dim ?? 0, fromCache, embedded, zeroVectors };
}

function checkDims(vecs: Iterable<Float32Array>, dim: number | undefined, id: string): number | undefined {
  for (const v of vecs) {
    if (dim === undefined) dim = v.length;
    else if (v.length !== dim) {
      throw new Error(`dimension mismatch for ${id}: got a ${v.length}-dimensional vector where earlier (or cached) ones have ${dim}; the model behind this id has changed — use another spec or remove its cached vectors`);
    }
  }
  return dim;
}
