// Builds a ChatModel from a short spec string, so the CLI and other stages can name models uniformly.
//   openai:<model>                 OpenAI (or $OPENAI_BASE_URL)
//   openai:<model>@<baseURL>       any OpenAI-compatible endpoint, e.g. openai:qwen2.5@http://127.0.0.1:8000/v1
//   ollama:<model>[@<baseURL>]     Ollama's OpenAI-compatible API (default http://127.0.0.1:11434/v1)
//   gguf:<path>                    a local GGUF file through node-llama-cpp
import type { ChatModel } from './types.ts';
import { OpenAIChatModel, type OpenAIChatOptions } from './openai-chat.ts';
import { LlamaCppChatModel, type LlamaCppOptions } from './llama-cpp.ts';

export interface CreateChatModelOptions {
  openai?: Partial<Omit<OpenAIChatOptions, 'model' | 'baseURL'>>;
  gguf?: Partial<Omit<LlamaCppOptions, 'modelPath'>>;
}

export function createChatModel(spec: string, opts: CreateChatModelOptions = {}): ChatModel {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new Error(`model spec "${spec}" must look like openai:<model>[@<baseURL>], ollama:<model> or gguf:<path>`);
  const kind = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  if (kind === 'gguf') {
    if (!rest) throw new Error('gguf: needs a file path');
    return new LlamaCppChatModel({ ...opts.gguf, modelPath: rest });
  }
  if (kind === 'openai' || kind === 'ollama') {
    const at = rest.indexOf('@');
    const model = at >= 0 ? rest.slice(0, at) : rest;
    const baseURL = at >= 0 ? rest.slice(at + 1) : kind === 'ollama' ? 'http://127.0.0.1:11434/v1' : undefined;
    if (!model) throw new Error(`model spec "${spec}" names no model`);
    if (baseURL !== undefined && !/^https?:\/\//.test(baseURL)) throw new Error(`model spec "${spec}": base URL must start with http:// or https://`);
    return new OpenAIChatModel({ ...opts.openai, model, baseURL });
  }
  throw new Error(`unknown model kind "${kind}" (use openai:, ollama: or gguf:)`);
}
