// Minimal .npy reader/writer (format versions 1 and 2; little-endian float32 / int32, C order, 1-D or 2-D).
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

export type NpyDtype = 'float32' | 'int32';

export interface NpyArray<T extends Float32Array | Int32Array = Float32Array | Int32Array> {
  data: T;
  shape: number[];
  dtype: NpyDtype;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<string, NpyDtype> = { '<f4': 'float32', '<i4': 'int32', '|f4': 'float32' };

function parseHeader(header: string, path: string): { dtype: NpyDtype; shape: number[] } {
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`${path}: malformed .npy header`);
  const dtype = DESCR[descr];
  if (!dtype) throw new Error(`${path}: unsupported dtype ${descr} (expected little-endian float32 '<f4' or int32 '<i4')`);
  if (fortran === 'True') throw new Error(`${path}: Fortran-order arrays are not supported (save with C order)`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((v) => !Number.isInteger(v) || v < 0)) throw new Error(`${path}: bad shape (${shapeText})`);
  return { dtype, shape };
}

/** Reads a float32 or int32 .npy file. The data is read straight into a typed array (no intermediate copy). */
export function readNpy(path: string): NpyArray {
  const fd = openSync(path, 'r');
  try {
    const pre = Buffer.alloc(12);
    if (readSync(fd, pre, 0, 12, 0) < 10 || MAGIC.some((b, i) => pre[i] !== b)) throw new Error(`${path}: not a .npy file`);
    const major = pre[6];
    if (major !== 1 && major !== 2 && major !== 3) throw new Error(`${path}: unsupported .npy version ${major}`);
    const headerLen = major === 1 ? pre.readUInt16LE(8) : pre.readUInt32LE(8);
    const start = major === 1 ? 10 : 12;
    const head = Buffer.alloc(headerLen);
    readSync(fd, head, 0, headerLen, start);
    const { dtype, shape } = parseHeader(head.toString('latin1'), path);
    const count = shape.reduce((a, b) => a * b, 1);
    const data = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
    const bytes = new Uint8Array(data.buffer);
    let off = 0;
    const chunk = 1 << 28;
    while (off < bytes.length) {
      const got = readSync(fd, bytes, off, Math.min(chunk, bytes.length - off), start + headerLen + off);
      if (got === 0) throw new Error(`${path}: truncated (expected ${count} values of ${dtype})`);
      off += got;
    }
    return { data, shape, dtype };
  } finally {
    closeSync(fd);
  }
}

/** Writes a float32 or int32 array as .npy (version 1.0 header when it fits, else 2.0). */
export function writeNpy(path: string, data: Float32Array | Int32Array, shape: number[]): void {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`writeNpy: shape [${shape.join(', ')}] does not match ${data.length} values`);
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const v1 = 10 + dict.length + 1 <= 65535 + 10;
  const pre = v1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - pre - 1, ' ') + '\n';
  const head = Buffer.alloc(pre);
  MAGIC.forEach((b, i) => (head[i] = b));
  head[6] = v1 ? 1 : 2;
  head[7] = 0;
  if (v1) head.writeUInt16LE(dict.length, 8);
  else head.writeUInt32LE(dict.length, 8);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    writeSync(fd, Buffer.from(dict, 'latin1'));
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const chunk = 1 << 28;
    for (let off = 0; off < bytes.length; off += chunk) writeSync(fd, bytes, off, Math.min(chunk, bytes.length - off));
  } finally {
    closeSync(fd);
  }
}
