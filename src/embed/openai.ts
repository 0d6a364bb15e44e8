// The `openai` embedder: an OpenAI-compatible /v1/embeddings endpoint (GPU servers, many machines).
// The id names the model only, not the endpoint, so vectors cached from one server are reused with another serving
// the same model; put anything that changes the vectors (a prefix, `dimensions`) in the spec: it is in the settings.
import { OpenAIEmbeddingModel } from '../llm/openai-embeddings.ts';
import type { Embedder, OpenAISpec } from './types.ts';

export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly settings: Record<string, unknown>;
  readonly chunkSize: number;
  private readonly client: OpenAIEmbeddingModel;

  constructor(private readonly spec: OpenAISpec) {
    this.client = new OpenAIEmbeddingModel({
      model: spec.model,
      baseURL: spec.baseURL,
      apiKey: spec.apiKey,
      batchSize: spec.batchSize,
      concurrency: spec.concurrency,
      timeoutMs: spec.timeoutMs,
      retries: spec.retries,
      dimensions: spec.dimensions,
      baseDelayMs: spec.baseDelayMs,
    });
    this.id = this.client.id;
    this.settings = { prefix: spec.prefix ?? '', dimensions: spec.dimensions ?? null };
    this.chunkSize = (spec.batchSize ?? 64) * (spec.concurrency ?? 4) * 4;
  }

  get dim(): number | undefined {
    return this.client.dim;
  }

  get endpoint(): string {
    return this.client.endpoint;
  }

  embed(texts: string[], signal?: AbortSignal, onBatch?: (start: number, vectors: Float32Array[]) => void): Promise<Float32Array[]> {
    const prefix = this.spec.prefix ?? '';
    return this.client.embed(prefix ? texts.map((t) => prefix + t) : texts, signal, onBatch);
  }
}
