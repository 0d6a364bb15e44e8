// A local GGUF chat model through node-llama-cpp (an optional dependency, imported lazily).
// Generation uses the low-level sequence evaluate loop (node-llama-cpp's high-level completion was very slow on
// random-weight models, ecosystem.md §1) with grammar-constrained JSON when the request carries a JSON schema.
// The prompt is rendered with the chat template the model's GGUF declares (node-llama-cpp's resolveChatWrapper).
import type { ChatMessage, ChatModel, ChatRequest, ChatResult } from './types.ts';

export interface LlamaCppOptions {
  modelPath: string;
  /** Context size in tokens (default 4096). */
  contextSize?: number;
  /** CPU threads (default 1: on a small shared machine more threads spin and slow generation down). */
  threads?: number;
  /** Default cap on generated tokens (default 512). */
  maxTokens?: number;
  /** Use the GPU when node-llama-cpp finds one (default false). */
  gpu?: boolean;
}

type NodeLlamaCpp = typeof import('node-llama-cpp');

interface Loaded {
  lib: NodeLlamaCpp;
  llama: Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
  model: import('node-llama-cpp').LlamaModel;
  context: import('node-llama-cpp').LlamaContext;
  wrapper: import('node-llama-cpp').ChatWrapper;
}

export async function importNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  try {
    return await import('node-llama-cpp');
  } catch (err) {
    throw new Error(`node-llama-cpp is not installed (optional dependency): ${(err as Error).message}`);
  }
}

/** Maps our messages onto node-llama-cpp's chat history: system → system, user → user, assistant → model. */
export function toChatHistory(messages: ChatMessage[]): import('node-llama-cpp').ChatHistoryItem[] {
  const out: import('node-llama-cpp').ChatHistoryItem[] = messages.map((m) =>
    m.role === 'system' ? { type: 'system', text: m.content } : m.role === 'user' ? { type: 'user', text: m.content } : { type: 'model', response: [m.content] },
  );
  out.push({ type: 'model', response: [] });
  return out;
}

export class LlamaCppChatModel implements ChatModel {
  readonly id: string;
  private loading: Promise<Loaded> | undefined;
  /** One sequence, so requests run one at a time; this chains them. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: LlamaCppOptions) {
    this.id = `gguf:${opts.modelPath.split(/[\\/]/).pop()}`;
  }

  private load(): Promise<Loaded> {
    this.loading ??= (async () => {
      const lib = await importNodeLlamaCpp();
      const llama = await lib.getLlama({ gpu: this.opts.gpu ? 'auto' : false, build: 'never', logLevel: lib.LlamaLogLevel.error });
      const model = await llama.loadModel({ modelPath: this.opts.modelPath });
      const context = await model.createContext({ contextSize: this.opts.contextSize ?? 4096, sequences: 1, threads: this.opts.threads ?? 1 });
      const wrapper = lib.resolveChatWrapper(model);
      return { lib, llama, model, context, wrapper };
    })();
    return this.loading;
  }

  chat(req: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    const run = this.queue.then(() => this.generate(req, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async generate(req: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    const { lib, llama, model, context, wrapper } = await this.load();
    signal?.throwIfAborted();
    const { contextText } = wrapper.generateContextState({ chatHistory: toChatHistory(req.messages) });
    const prompt = contextText.tokenize(model.tokenizer);
    const grammar = req.jsonSchema ? await llama.createGrammarForJsonSchema(req.jsonSchema.schema as any) : undefined;
    const grammarState = grammar ? new lib.LlamaGrammarEvaluationState({ model, grammar }) : undefined;
    const sequence = context.getSequence();
    const maxTokens = req.maxTokens ?? this.opts.maxTokens ?? 512;
    const out: import('node-llama-cpp').Token[] = [];
    let finishReason = 'length';
    try {
      const temperature = req.temperature ?? 0.7;
      for await (const token of sequence.evaluate(prompt, { temperature, seed: req.seed ?? 0, grammarEvaluationState: grammarState })) {
        out.push(token);
        if (grammar && isCompleteJson(model.detokenize(out))) {
          finishReason = 'stop';
          break;
        }
        if (out.length >= maxTokens || signal?.aborted) break;
      }
      if (out.length < maxTokens && finishReason === 'length' && !signal?.aborted) finishReason = 'stop';
    } finally {
      sequence.dispose();
    }
    signal?.throwIfAborted();
    return { content: model.detokenize(out), finishReason, usage: { promptTokens: prompt.length, completionTokens: out.length } };
  }

  async dispose(): Promise<void> {
    if (!this.loading) return;
    const { context, model } = await this.loading;
    await context.dispose();
    await model.dispose();
  }
}

/** True when the text is one complete JSON value (the grammar then allows nothing but whitespace). */
function isCompleteJson(text: string): boolean {
  const t = text.trimEnd();
  if (!t.endsWith('}')) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}
