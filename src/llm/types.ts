// One face over chat models: OpenAI-compatible endpoints, a local GGUF model, scripted fakes in tests.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Ask for JSON that follows this schema (OpenAI `response_format: json_schema`). */
  jsonSchema?: { name: string; schema: Record<string, unknown>; strict?: boolean };
  seed?: number;
}

export interface ChatResult {
  content: string;
  finishReason?: string;
  /** Set when the model refused (OpenAI `message.refusal`). */
  refusal?: string;
  usage?: { promptTokens: number; completionTokens: number };
}

export interface ChatModel {
  /** A stable identifier recorded with every output (provider:model). */
  readonly id: string;
  chat(req: ChatRequest, signal?: AbortSignal): Promise<ChatResult>;
}

export interface EmbeddingModel {
  readonly id: string;
  readonly dim?: number;
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
