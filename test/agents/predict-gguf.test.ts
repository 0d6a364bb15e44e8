import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChatModel, LlamaCppChatModel } from '../../src/llm/index.ts';
import { predictWithModel } from '../../src/agents/llm-agent.ts';
import { readPredictions } from '../../src/agents/predictions.ts';
import { buildTask } from '../../src/agents/tasks.ts';
import { parseReleaseLine } from '../../src/agents/release.ts';

const gguf = fileURLToPath(new URL('../../fixtures/gguf/tiny-random-llama.gguf', import.meta.url));

test('predict with a local GGUF (random weights): grammar-constrained answers are parsed and written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-gguf-'));
  const model = createChatModel(`gguf:${gguf}`, { gguf: { contextSize: 2048, threads: 1 } }) as LlamaCppChatModel;
  try {
    const post = buildTask(parseReleaseLine('{"thread": [{"text": "hi", "actions": {"post": true}, "user_id": "a"}], "cluster_id": 0}', 0, 0), 'test');
    const out = join(dir, 'p.jsonl');
    const s = await predictWithModel(model, [post], out, { maxTokens: 48, seed: 3, temperature: 0.8 });
    assert.equal(s.predicted + s.failed, 1);
    assert.equal(s.failed, 0, JSON.stringify(s.failures));
    const [line] = readPredictions(out).lines;
    assert.equal(line.model, 'gguf:tiny-random-llama.gguf');
    assert.ok(line.usage!.completion_tokens > 0 && line.usage!.prompt_tokens > 100);
    // a random model under the post-schema grammar gives either a valid {"text": ...} or a cut-off object
    assert.ok(line.status === 'ok' ? line.action === 'post' : line.status === 'invalid_json', line.status);
  } finally {
    await model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
