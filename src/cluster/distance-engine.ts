// Squared Euclidean distances through onnxruntime-node's Gemm (MLAS sgemm), in row blocks:
// ‖x − c‖² = ‖x‖² + (−2·x·c + ‖c‖²), where the bracket comes from the one-node model in onnx-gemm.ts.
import * as ort from 'onnxruntime-node';
import { gemmDistanceModel } from './onnx-gemm.ts';

/** Largest output block (floats) per Gemm call, and the most rows per call. */
const MAX_BLOCK_FLOATS = 1 << 23;
const MAX_BLOCK_ROWS = 1 << 15;

export class DistanceEngine {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(threads = 2): Promise<DistanceEngine> {
    const session = await ort.InferenceSession.create(gemmDistanceModel(), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // The CPUs are shared with other work; spinning worker threads then only steal time from each other.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    return new DistanceEngine(session);
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  /** −2·X·Cᵀ + bias for `rows` contiguous rows of X (rows×d) against k centres (k×d); returns rows×k. */
  async gemm(x: Float32Array, rows: number, d: number, c: Float32Array, k: number, bias: Float32Array): Promise<Float32Array> {
    const out = await this.session.run({
      X: new ort.Tensor('float32', x.subarray(0, rows * d), [rows, d]),
      C: new ort.Tensor('float32', c.subarray(0, k * d), [k, d]),
      B: new ort.Tensor('float32', bias.subarray(0, k), [k]),
    });
    return out.Y.data as Float32Array;
  }

  /** Rows per block so that a block's output stays bounded. */
  static blockRows(k: number): number {
    return Math.max(1, Math.min(MAX_BLOCK_ROWS, Math.floor(MAX_BLOCK_FLOATS / Math.max(1, k))));
  }
}

/** Squared norms of the rows of a row-major matrix (float64 accumulation). */
export function rowSqNorms(data: Float32Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let q = 0; q < d; q++) s += data[o + q] * data[o + q];
    out[i] = s;
  }
  return out;
}

/** Copies the listed rows of `data` (from index `from`, `count` of them) into `buf`, contiguously. */
export function gatherRows(data: Float32Array, d: number, idx: ArrayLike<number>, from: number, count: number, buf: Float32Array): void {
  for (let r = 0; r < count; r++) {
    const i = idx[from + r];
    buf.set(data.subarray(i * d, i * d + d), r * d);
  }
}

/** Exact squared distance between row i of data and centre j, ‖x‖² + ‖c‖² − 2x·c with float64 accumulation. */
export function sqDist(data: Float32Array, i: number, centres: Float32Array, j: number, d: number, xNorm: Float64Array, cNorm: Float64Array): number {
  let dot = 0;
  const a = i * d;
  const b = j * d;
  for (let q = 0; q < d; q++) dot += data[a + q] * centres[b + q];
  const v = xNorm[i] + cNorm[j] - 2 * dot;
  return v > 0 ? v : 0;
}
