// Input files: directory walking and decompression (gzip via zlib, zstd via fzstd's streaming decoder, since
// Node 20's zlib has no zstd). Compression is detected from the magic bytes, not the file name.
import { Decompress } from 'fzstd';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';

export type Compression = 'none' | 'gzip' | 'zstd';

// 256 KiB: the parser handles one chunk without yielding, and every DuckDB call completing meanwhile waits for it
// (1 MiB chunks stalled each load by about a third; 64 KiB cost more in read calls than it saved).
const READ_CHUNK = 1 << 18;

/** Names a directory walk ingests: Jetstream JSONL with or without extension (BluePrint's `bluesky-2-...` files), compressed or not. */
const INGESTIBLE = /(^[^.]+$)|\.(jsonl|ndjson|json)(\.(gz|zst|zstd))?$|\.(gz|zst|zstd)$/i;

export function isIngestibleName(name: string): boolean {
  return !name.startsWith('.') && INGESTIBLE.test(name);
}

export interface ExpandResult {
  files: string[];
  /** Paths that do not exist or cannot be read, with the reason. */
  missing: { path: string; reason: string }[];
  /** Files inside directories that were passed over (other extensions). */
  skipped: number;
  /** Extensionless files found by a directory walk: ingested only when their content starts like JSON (a README or
   *  LICENSE in a data tree is passed over, not reported line by line). */
  sniff: Set<string>;
}

/** A walked extensionless file is JSON when its first non-blank character is `{` or `[` (compressed files are
 *  judged after decompression). */
export function startsLikeJson(head: string): boolean {
  return /^\uFEFF?\s*[[{]/.test(head) || head.trim() === '';
}

/** Expands paths (files as given; directories recursively, in sorted order) into the files to ingest. */
export function expandPaths(paths: string[]): ExpandResult {
  const out: ExpandResult = { files: [], missing: [], skipped: 0, sniff: new Set() };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) walk(p);
      } else if (entry.isFile() && isIngestibleName(entry.name)) {
        out.files.push(p);
        if (!entry.name.includes('.')) out.sniff.add(p);
      } else out.skipped++;
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      out.missing.push({ path: p, reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message });
      continue;
    }
    if (st.isDirectory()) walk(p);
    else out.files.push(p);
  }
  return out;
}

export async function detectCompression(path: string): Promise<Compression> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
    return 'none';
  } finally {
    await fh.close();
  }
}

/** The decompressed bytes of a file, chunk by chunk. Truncated or corrupt compressed data throws at the point reached. */
export async function* readDecompressed(path: string, compression: Compression): AsyncGenerator<Buffer> {
  const file = createReadStream(path, { highWaterMark: READ_CHUNK });
  if (compression === 'none') {
    for await (const chunk of file) yield chunk as Buffer;
  } else if (compression === 'gzip') {
    const gunzip = createGunzip({ chunkSize: READ_CHUNK });
    file.on('error', (err) => gunzip.destroy(err));
    file.pipe(gunzip);
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (err) {
      throw new Error(`corrupt or truncated gzip data (${(err as Error).message})`);
    } finally {
      file.destroy();
    }
  } else {
    yield* zstdChunks(file);
  }
}

async function* zstdChunks(file: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let out: Buffer[] = [];
  // fzstd may hand out views of its window buffer: copy each piece before the next push.
  const dec = new Decompress((data) => {
    out.push(Buffer.from(data));
  });
  const push = (chunk: Uint8Array, final: boolean): Buffer[] => {
    try {
      dec.push(chunk, final);
    } catch (err) {
      throw new Error(`corrupt or truncated zstd data (${(err as Error).message})`);
    }
    const ready = out;
    out = [];
    return ready;
  };
  for await (const chunk of file) yield* push(chunk, false);
  yield* push(new Uint8Array(0), true);
}
