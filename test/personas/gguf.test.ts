// The local path: the same stages run on a random-weight GGUF through node-llama-cpp. The text is gibberish by design;
// what is checked is that persona writing, the judge and the questionnaire run end to end, that grammar-constrained
// JSON answers are parsed and scored on the 1–5 scale, and that nothing is asked twice on a re-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LlamaCppChatModel } from '../../src/llm/llama-cpp.ts';
import { Store } from '../../src/store/store.ts';
import { listPersonas, listScores, listJudgements } from '../../src/store/personas.ts';
import { generatePersonas } from '../../src/personas/generate.ts';
import { judgePersonas } from '../../src/personas/judge.ts';
import { administerQuestionnaire } from '../../src/personas/questionnaire.ts';
import { parseFfm50, type Instrument } from '../../src/personas/instruments.ts';
import { TRAITS } from '../../src/personas/types.ts';

const gguf = fileURLToPath(new URL('../../fixtures/gguf/tiny-random-llama.gguf', import.meta.url));
const full = parseFfm50(readFileSync(fileURLToPath(new URL('../../fixtures/bigfive-instruments/ipip-ffm-50-items.csv', import.meta.url)), 'utf8'));
// Two items per trait keeps the random model's generation short; the scoring code is the same.
const mini: Instrument = { ...full, items: TRAITS.flatMap((t) => full.items.filter((i) => i.trait === t).slice(0, 2)) };

test('persona writing, judging and questionnaire scoring run on a local random-weight GGUF', async () => {
  const model = new LlamaCppChatModel({ modelPath: gguf, contextSize: 2048, threads: 1 });
  const store = await Store.open(':memory:');
  try {
    const users = [{ id: 'u1', posts: Array.from({ length: 10 }, (_, i) => `post ${i} about gardening and tomatoes`) }];
    const redactor = { redact: (t: string) => ({ text: t, count: 0 }) };
    const g = await generatePersonas(store, model, users, { minPosts: 10, minWords: 10, minNarrativeWords: 0, maxTokens: 48, redactor });
    assert.equal(g.generated, 1);
    assert.equal(g.llm.calls, 1);
    const personas = await listPersonas(store);
    assert.equal(personas[0].model, 'gguf:tiny-random-llama.gguf');
    const j = await judgePersonas(store, model, personas, () => users[0].posts);
    assert.equal(j.judged, 1);
    const [verdict] = await listJudgements(store);
    assert.ok(verdict.scores, 'enum-constrained JSON gives four scores in 1..5'); // pass or reject, stored with reasons
    const q = await administerQuestionnaire(store, model, mini, personas, { repeats: 1, minItemFraction: 0.5 });
    assert.equal(q.llm.calls, 1);
    assert.deepEqual(q.answers, { ok: 10 });
    const [s] = await listScores(store, 'ipip-ffm-50');
    assert.ok(s.big5);
    for (const t of TRAITS) assert.ok(s.big5[t] >= 1 && s.big5[t] <= 5);
    const again = await administerQuestionnaire(store, model, mini, personas, { repeats: 1, minItemFraction: 0.5 });
    assert.deepEqual(again.llm, { calls: 0, cached: 1 });
  } finally {
    store.close();
    await model.dispose();
  }
});
