// Sentence embeddings with transformers.js (ONNX through onnxruntime-node), CPU.
// Three modes for the e5 family:
//   blueprint      — CLS pooling, no prefix, truncation to 128 tokens, no normalisation (BluePrint's clustering, §5.1);
//   blueprint-eval — mean pooling over the attention mask, no prefix, 512 tokens, no normalisation, and empty texts
//                    embedded like any other (BluePrint's evaluation embedder, compute_metrics.py, spec §9);
//   model-card     — mean pooling, `passage: ` / `query: ` prefix, L2 normalisation (what the e5 model card asks).
// Tokenisation and truncation are done here rather than in the pipeline, because the pipeline neither takes
// `max_length` nor keeps the closing special token when it truncates; Python's tokenizer(truncation=True) keeps it.
import { basename, dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { modelFingerprint } from './model-fingerprint.ts';
import type { Embedder, TransformersSpec } from './types.ts';

type TfModule = typeof import('@huggingface/transformers');
type Tokenizer = Awaited<ReturnType<TfModule['AutoTokenizer']['from_pretrained']>>;
type Model = Awaited<ReturnType<TfModule['AutoModel']['from_pretrained']>>;

export class TransformersEmbedder implements Embedder {
  readonly id: string;
  readonly settings: Record<string, unknown>;
  private loaded: Promise<{ tf: TfModule; tokenizer: Tokenizer; model: Model }> | undefined;
  private hidden: number | undefined;
  private readonly mode: 'blueprint' | 'blueprint-eval' | 'model-card';
  private readonly maxLength: number;
  private readonly batchSize: number;
  private readonly prefix: string;

  constructor(private readonly spec: TransformersSpec) {
    this.mode = spec.mode ?? 'blueprint';
    this.maxLength = spec.maxLength ?? (this.mode === 'blueprint' ? 128 : 512);
    this.batchSize = spec.batchSize ?? 32;
    this.prefix = this.mode === 'model-card' ? `${spec.prefix ?? 'passage'}: ` : '';
    this.id = `transformers:${isLocal(spec.model) ? basename(resolve(spec.model)) : spec.model}`;
    this.settings = {
      mode: this.mode,
      pooling: this.mode === 'blueprint' ? 'cls' : 'mean',
      prefix: this.prefix,
      maxLength: this.maxLength,
      normalize: this.mode === 'model-card',
      dtype: spec.dtype ?? 'fp32',
      // a local folder is named by its basename only: its content fingerprint keeps same-named or replaced models apart
      ...(isLocal(spec.model) && existsSync(spec.model) ? { fingerprint: modelFingerprint(resolve(spec.model)) } : {}),
    };
  }

  get dim(): number | undefined {
    return this.hidden;
  }

  private load(): Promise<{ tf: TfModule; tokenizer: Tokenizer; model: Model }> {
    this.loaded ??= (async () => {
      const tf = await import('@huggingface/transformers');
      let id = this.spec.model;
      if (isLocal(this.spec.model)) {
        const dir = resolve(this.spec.model);
        if (!existsSync(resolve(dir, 'config.json'))) throw new Error(`transformers: ${dir} has no config.json (expected a model folder with config.json, tokenizer.json and onnx/model.onnx)`);
        tf.env.localModelPath = `${dirname(dir)}/`;
        tf.env.allowLocalModels = true;
        tf.env.allowRemoteModels = false;
        id = basename(dir);
      } else {
        tf.env.allowRemoteModels = true; // a hub id: needs network (or the library's cache)
      }
      const tokenizer = await tf.AutoTokenizer.from_pretrained(id);
      const model = await tf.AutoModel.from_pretrained(id, { dtype: (this.spec.dtype ?? 'fp32') as 'fp32', device: 'cpu' });
      const cfg = model.config as unknown as { hidden_size?: number; d_model?: number };
      this.hidden = cfg.hidden_size ?? cfg.d_model;
      return { tf, tokenizer, model };
    })();
    return this.loaded;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const { tf, tokenizer, model } = await this.load();
    const out = new Array<Float32Array>(texts.length);
    const todo: Array<{ i: number; ids: number[]; types?: number[] }> = [];
    for (let i = 0; i < texts.length; i++) {
      // the reference clustering gives empty text a zero vector; its evaluation embeds "" as [CLS] [SEP]
      if (this.mode !== 'blueprint-eval' && texts[i].trim() === '') continue;
      const enc = tokenizer(this.prefix + texts[i], { return_tensor: false, padding: false, truncation: false }) as unknown as {
        input_ids: number[];
        token_type_ids?: number[];
      };
      todo.push({ i, ids: truncate(enc.input_ids, this.maxLength), types: enc.token_type_ids && truncate(enc.token_type_ids, this.maxLength) });
    }
    todo.sort((a, b) => a.ids.length - b.ids.length || a.i - b.i); // similar lengths per batch: less padding
    const pad = Number((tokenizer as unknown as { pad_token_id?: number }).pad_token_id ?? 0);
    for (let s = 0; s < todo.length; s += this.batchSize) {
      signal?.throwIfAborted();
      const batch = todo.slice(s, s + this.batchSize);
      const len = Math.max(...batch.map((b) => b.ids.length));
      const ids = new BigInt64Array(batch.length * len).fill(BigInt(pad));
      const mask = new BigInt64Array(batch.length * len);
      const types = new BigInt64Array(batch.length * len);
      batch.forEach((b, r) => {
        b.ids.forEach((t, c) => {
          ids[r * len + c] = BigInt(t);
          mask[r * len + c] = 1n;
          types[r * len + c] = BigInt(b.types?.[c] ?? 0);
        });
      });
      const inputs: Record<string, unknown> = {
        input_ids: new tf.Tensor('int64', ids, [batch.length, len]),
        attention_mask: new tf.Tensor('int64', mask, [batch.length, len]),
      };
      if (batch[0].types || needsTokenTypes(model)) inputs.token_type_ids = new tf.Tensor('int64', types, [batch.length, len]);
      const res = (await model(inputs)) as { last_hidden_state: { data: Float32Array; dims: number[] } };
      const [, seq, hid] = res.last_hidden_state.dims;
      this.hidden = hid;
      const h = res.last_hidden_state.data;
      batch.forEach((b, r) => {
        const v = new Float32Array(hid);
        if (this.mode === 'blueprint') {
          v.set(h.subarray(r * seq * hid, r * seq * hid + hid));
        } else {
          const n = b.ids.length;
          for (let c = 0; c < n; c++) for (let d = 0; d < hid; d++) v[d] += h[(r * seq + c) * hid + d];
          let norm = 0;
          for (let d = 0; d < hid; d++) norm += (v[d] /= n) ** 2;
          norm = Math.sqrt(norm);
          if (this.mode === 'model-card' && norm > 0) for (let d = 0; d < hid; d++) v[d] /= norm;
        }
        out[b.i] = v;
      });
    }
    const dim = this.hidden ?? 0;
    for (let i = 0; i < out.length; i++) out[i] ??= new Float32Array(dim);
    return out;
  }

  async close(): Promise<void> {
    if (!this.loaded) return;
    const { model } = await this.loaded;
    await (model as unknown as { dispose?: () => Promise<unknown> }).dispose?.();
    this.loaded = undefined;
  }
}

/** Keeps the first max-1 tokens and the closing special token, as Python's tokenizer(truncation=True) does. */
export function truncate<T>(ids: T[], max: number): T[] {
  if (ids.length <= max) return ids;
  return [...ids.slice(0, max - 1), ids[ids.length - 1]];
}

/** Whether the ONNX graph takes token_type_ids (BERT does; XLM-R exports often do not). */
function needsTokenTypes(model: Model): boolean {
  const sessions = (model as unknown as { sessions?: Record<string, { inputNames?: string[] }> }).sessions ?? {};
  return Object.values(sessions).some((s) => s.inputNames?.includes('token_type_ids'));
}

function isLocal(model: string): boolean {
  return model.startsWith('.') || model.startsWith('/') || existsSync(model);
}
