// A one-node ONNX model, Gemm(X, C, bias) = −2·X·Cᵀ + bias, written as protobuf bytes by hand, so that
// onnxruntime-node can serve as the matrix-multiply engine for squared distances (‖x‖² is added by the caller).
// Dimensions are symbolic: one session serves any block of rows and any number of centres.

class ProtoWriter {
  private readonly bytes: number[] = [];

  private varint(v: number | bigint): void {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n;
    while (x >= 0x80n) {
      this.bytes.push(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    this.bytes.push(Number(x));
  }

  int(field: number, v: number): this {
    this.varint((field << 3) | 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.varint((field << 3) | 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.bytes.push(...b);
    return this;
  }

  raw(field: number, data: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(data.length);
    this.bytes.push(...data);
    return this;
  }

  string(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.raw(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const FLOAT = 1;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;

function tensorInfo(w: ProtoWriter, name: string, dims: string[]): void {
  w.string(1, name); // ValueInfoProto.name
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT); // elem_type
      tensor.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => dim.string(2, d)); // dim_param
      });
    }),
  );
}

/** ModelProto bytes for Y[N,K] = −2·X[N,D]·C[K,D]ᵀ + B[K] (opset 13). */
export function gemmDistanceModel(): Uint8Array {
  return new ProtoWriter()
    .int(1, 8) // ir_version
    .string(2, 'simpact') // producer_name
    .message(7, (g) => {
      g.message(1, (node) => {
        node.string(1, 'X').string(1, 'C').string(1, 'B').string(2, 'Y').string(3, 'gemm').string(4, 'Gemm');
        node.message(5, (a) => a.string(1, 'alpha').float(2, -2).int(20, ATTR_FLOAT));
        node.message(5, (a) => a.string(1, 'beta').float(2, 1).int(20, ATTR_FLOAT));
        node.message(5, (a) => a.string(1, 'transB').int(3, 1).int(20, ATTR_INT));
      });
      g.string(2, 'sqdist');
      g.message(11, (v) => tensorInfo(v, 'X', ['N', 'D']));
      g.message(11, (v) => tensorInfo(v, 'C', ['K', 'D']));
      g.message(11, (v) => tensorInfo(v, 'B', ['K']));
      g.message(12, (v) => tensorInfo(v, 'Y', ['N', 'K']));
    })
    .message(8, (o) => o.string(1, '').int(2, 13)) // opset_import
    .finish();
}
