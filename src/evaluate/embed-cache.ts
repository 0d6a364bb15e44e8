// Embeds each distinct text once for the whole evaluation.
import type { EmbeddingModel } from '../llm/types.ts';
import { normalizeRows } from './vectors.ts';

export interface PreparableEmbedder extends EmbeddingModel {
  /** Transductive embedders (lsa) fit on the corpus first. */
  prepare?(corpus: readonly string[]): Promise<void>;
}

export class EmbeddingCache {
  private readonly raw = new Map<string, Float32Array>();
  private readonly unit = new Map<string, Float64Array>();

  constructor(private readonly model: PreparableEmbedder) {}

  async add(texts: Iterable<string>, batch = 256): Promise<void> {
    const todo = [...new Set(texts)].filter((t) => !this.raw.has(t));
    if (!todo.length) return;
    if (this.model.prepare) await this.model.prepare(todo);
    for (let i = 0; i < todo.length; i += batch) {
      const part = todo.slice(i, i + batch);
      const vecs = await this.model.embed(part);
      part.forEach((t, j) => this.raw.set(t, vecs[j]));
    }
  }

  vector(text: string): Float32Array {
    const v = this.raw.get(text);
    if (!v) throw new Error('text was not embedded');
    return v;
  }

  unitVector(text: string): Float64Array {
    let u = this.unit.get(text);
    if (!u) this.unit.set(text, (u = normalizeRows([this.vector(text)])[0]));
    return u;
  }
}
