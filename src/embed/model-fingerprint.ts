// A content fingerprint of a local model folder, part of the embedding cache key: two models in folders of the same
// name, or weights replaced in place, must not share cached vectors. Cheap on multi-GB weights: the small files
// (config, tokenizer) are hashed whole; each ONNX file (onnx/model*.onnx, and its external data) by its size, its
// first and last MiB and 64 evenly spaced 4 KiB samples. No mtime, so a copied folder keeps its cache.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SMALL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];
const MIB = 1 << 20;
const SAMPLES = 64;
const SAMPLE_BYTES = 4096;

/** 16 hex digits; the same for byte-identical folders wherever they are. */
export function modelFingerprint(dir: string): string {
  const h = createHash('sha256');
  for (const name of SMALL_FILES) {
    const p = join(dir, name);
    if (!existsSync(p)) continue;
    h.update(`${name}\u0000`).update(readFileSync(p)).update('\u0000');
  }
  const onnxDir = join(dir, 'onnx');
  const weights = existsSync(onnxDir) ? readdirSync(onnxDir).filter((f) => f.startsWith('model')).sort() : [];
  for (const name of weights) hashLargeFile(h, join(onnxDir, name), `onnx/${name}`);
  return h.digest('hex').slice(0, 16);
}

function hashLargeFile(h: Hash, path: string, label: string): void {
  const size = statSync(path).size;
  h.update(`${label}\u0000${size}\u0000`);
  const fd = openSync(path, 'r');
  try {
    const read = (pos: number, len: number) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(len, size - pos)));
      if (buf.length > 0) readSync(fd, buf, 0, buf.length, pos);
      h.update(buf);
    };
    if (size <= 2 * MIB + SAMPLES * SAMPLE_BYTES) {
      read(0, size);
      return;
    }
    read(0, MIB);
    for (let s = 1; s <= SAMPLES; s++) read(Math.floor((size * s) / (SAMPLES + 1)), SAMPLE_BYTES);
    read(size - MIB, MIB);
  } finally {
    closeSync(fd);
  }
}
