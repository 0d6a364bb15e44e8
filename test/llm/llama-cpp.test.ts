import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { LlamaCppChatModel } from '../../src/llm/index.ts';

const gguf = fileURLToPath(new URL('../../fixtures/gguf/tiny-random-llama.gguf', import.meta.url));
const schema = { type: 'object', properties: { text: { type: 'string', maxLength: 12 } }, required: ['text'], additionalProperties: false };

test('a random-weight GGUF answers grammar-constrained JSON through node-llama-cpp', async () => {
  const m = new LlamaCppChatModel({ modelPath: gguf, contextSize: 512, threads: 1 });
  try {
    const req = { messages: [{ role: 'system' as const, content: 'You are a user.' }, { role: 'user' as const, content: 'hello' }], jsonSchema: { name: 'post', schema }, maxTokens: 64, seed: 7 };
    const r = await m.chat(req);
    assert.equal(m.id, 'gguf:tiny-random-llama.gguf');
    assert.ok(r.usage && r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
    if (r.finishReason === 'stop') {
      const parsed = JSON.parse(r.content);
      assert.equal(typeof parsed.text, 'string');
    } else {
      assert.equal(r.finishReason, 'length');
      assert.match(r.content, /^\s*\{/); // the grammar forces a JSON object even when the token cap cuts it
    }
    const again = await m.chat(req); // same seed, same answer; the single sequence is reusable
    assert.equal(again.content, r.content);
  } finally {
    await m.dispose();
  }
});
