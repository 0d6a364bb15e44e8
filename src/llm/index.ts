// LLM clients behind the ChatModel / EmbeddingModel interfaces of ./types.ts.
//
//   import { createChatModel } from 'simpact';
//   const model = createChatModel('openai:gpt-4.1-mini');                       // key from $SIMPACT_LLM_API_KEY / $OPENAI_API_KEY
//   const local = createChatModel('openai:qwen2.5-7b@http://127.0.0.1:8000/v1'); // vLLM, llama.cpp server, ...
//   const gguf  = createChatModel('gguf:./model.gguf', { gguf: { threads: 2 } }); // node-llama-cpp (optional dep)
//   const r = await model.chat({ messages, jsonSchema: { name: 'reply', schema }, temperature: 0.7 });
//   // r.content, r.refusal, r.finishReason, r.usage {promptTokens, completionTokens}
//
// OpenAIChatModel retries 408/409/429/5xx/network errors/timeouts with exponential backoff + full jitter and honours
// Retry-After; other 4xx fail at once. Requests are independent, so callers bound concurrency with mapPool.
// LlamaCppChatModel runs requests one at a time (one context sequence) and constrains JSON with a grammar.
export * from './types.ts';
export * from './retry.ts';
export * from './pool.ts';
export { OpenAIChatModel, apiKeyFromEnv, chatCompletionBody, parseChatCompletion, redact, type OpenAIChatOptions } from './openai-chat.ts';
export { LlamaCppChatModel, type LlamaCppOptions } from './llama-cpp.ts';
export { createChatModel, type CreateChatModelOptions } from './factory.ts';
