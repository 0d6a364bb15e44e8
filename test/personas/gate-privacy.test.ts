// The quality gate's bookkeeping (thresholds re-applied to stored scores, cumulative pass rate, verdicts keyed by judge
// and thresholds), retries of unparsable replies, refusal prose, the PII seen by models and kept in personas, and the
// pool's group filter with parent/child de-duplication. LLM steps run against the scripted server on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startOpenAITestServer } from '../helpers/openai-test-server.ts';
import { OpenAIChatModel } from '../../src/llm/openai-chat.ts';
import { Store } from '../../src/store/store.ts';
import { answerStatusCounts, listJudgements, listPersonas, listScores, passedPersonaIds, putJudgements, putPersonas, putScores, type PersonaRecord } from '../../src/store/personas.ts';
import { generatePersonas, type SourceUser } from '../../src/personas/generate.ts';
import { applyGate, judgePersonas, judgeModelId, resolveGateKey } from '../../src/personas/judge.ts';
import { administerQuestionnaire } from '../../src/personas/questionnaire.ts';
import { piiRedactor } from '../../src/personas/pii-redactor.ts';
import { parseFfm50 } from '../../src/personas/instruments.ts';
import { loadScoredPool } from '../../src/personas/stage-align.ts';
import { isRefusalText } from '../../src/personas/reply-text.ts';

const ffm = parseFfm50(readFileSync(fileURLToPath(new URL('../../fixtures/bigfive-instruments/ipip-ffm-50-items.csv', import.meta.url)), 'utf8'));
const LONG = ' They repair bicycles at a community workshop, read about birds, share small victories, thank the people who help them, and keep a calm routine built around reuse and curiosity about nature and their neighbourhood.';
const model = (url: string) => new OpenAIChatModel({ model: 'scripted', baseURL: url, apiKey: 'k', retries: 0 });
const GOOD = JSON.stringify({ faithfulness: 5, specificity: 4, consistency: 5, privacy: 4, reasons: 'grounded' }); // mean 4.5
const isWriter = (b: any) => String(b.messages[0].content).includes('narrative personas of social media users');
const isJudge = (b: any) => String(b.messages[0].content).includes('strict reviewer');
const isQuestionnaire = (b: any) => String(b.messages[0].content).includes('You are the person described below');

function answersFor(body: any, v = 3): string {
  const n = String(body.messages[1].content).split('\n').filter((l: string) => /^\d+\. /.test(l)).length;
  return JSON.stringify({ answers: Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i + 1), v])) });
}

const users: SourceUser[] = [
  {
    id: 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa',
    posts: Array.from({ length: 10 }, (_, i) =>
      i === 0
        ? 'Big thanks to @alice.bsky.social and @bob for the spare chain! Photos at https://example.com/ride?id=7, mail me at me@example.org or call +1 415 555 0100. My DID is did:plc:abcdefghijklmnopqrstuvwx'
        : i === 1
          ? 'Priya and I rode to the lake. My neighbour Dmitri Volkov fixed the brakes, thanks Sarah for the tea! We met at 14 Juniper Road.'
          : `post ${i}: fixed another wheel at the workshop today and spotted a heron by the river on the way home.`,
    ),
  },
];

/** Planted in the posts above: none of these may appear in any request body sent to the endpoint. */
const PLANTED = ['alice.bsky.social', '@bob', 'example.com', 'me@example.org', '555 0100', '415', 'did:plc', 'Priya', 'Dmitri', 'Volkov', 'Sarah', 'Juniper'];

test('posts reach every model call without handles, URLs, DIDs, e-mails, phones, names or streets; names in narratives are redacted', async () => {
  const server = await startOpenAITestServer({
    chat: (b) =>
      isWriter(b)
        ? `They live with their sister Maria on Elm Street and often ride with their friend named Tobi and with Sarah on weekends.${LONG}`
        : isJudge(b)
          ? GOOD
          : isQuestionnaire(b)
            ? answersFor(b)
            : '{}',
  });
  const store = await Store.open(':memory:');
  try {
    const m = model(server.url);
    const g = await generatePersonas(store, m, users, { minPosts: 10, minWords: 50, redactor: piiRedactor() });
    assert.equal(g.generated, 1);
    const [p] = await listPersonas(store);
    for (const leak of ['Maria', 'Tobi', 'Sarah', 'Elm Street']) assert.ok(!p.narrative.includes(leak), `${leak} left in: ${p.narrative}`);
    assert.match(p.narrative, /their sister <PERSON> on <LOCATION>/);
    assert.equal(p.redactions, 4);
    await judgePersonas(store, m, [p], () => users[0].posts);
    const q = await administerQuestionnaire(store, m, ffm, [p], { repeats: 1 });
    assert.equal(q.scored, 1);
    const prompts = server.requests.filter((r) => isWriter(r.body) || isJudge(r.body)).map((r) => JSON.stringify(r.body.messages));
    assert.equal(prompts.length, 2);
    for (const text of prompts) {
      assert.ok(text.includes('Big thanks to <USERNAME> and <USERNAME> for the spare chain'));
      assert.ok(text.includes('<PERSON> and I rode to the lake. My neighbour <PERSON> fixed the brakes, thanks <PERSON> for the tea! We met at <LOCATION>.'), text);
    }
    // The whole body of every request (writer, judge, questionnaire), as sent.
    assert.equal(server.requests.length, 3);
    for (const r of server.requests) {
      const body = JSON.stringify(r.body);
      for (const id of PLANTED) assert.ok(!body.includes(id), `${id} sent to a model`);
      for (const id of ['Maria', 'Tobi', 'Elm Street']) assert.ok(!body.includes(id), `${id} (from the narrative) sent to a model`);
    }
  } finally {
    store.close();
    await server.close();
  }
});

test('refusal prose in the writer content is counted as a refusal, not stored as a persona', async () => {
  const refusals = [
    `I’m sorry, but I can’t help with writing a profile of a real person based on their posts.${LONG}`,
    `As an AI language model, I cannot create descriptions of private individuals from their social media.${LONG}`,
  ];
  let k = 0;
  const server = await startOpenAITestServer({ chat: (b) => (isWriter(b) ? (String(b.messages[1].content).includes('REFUSE') ? refusals[k++ % 2] : `They work as an AI researcher and can't resist a good puzzle.${LONG}`) : '{}') });
  const store = await Store.open(':memory:');
  try {
    const mk = (id: string, marker: string): SourceUser => ({ id, posts: Array.from({ length: 10 }, (_, i) => `${marker} ${i} riding bikes and reading about birds all day long`) });
    const g = await generatePersonas(store, model(server.url), [mk('u1', 'REFUSE'), mk('u2', 'REFUSE'), mk('u3', 'OK')], { minPosts: 10, minWords: 50, redactor: piiRedactor() });
    assert.deepEqual(g.failed, { refusal: 2 });
    assert.equal(g.generated, 1);
    assert.equal((await listPersonas(store)).length, 1);
  } finally {
    store.close();
    await server.close();
  }
  assert.equal(isRefusalText('They work as an AI researcher. They cannot stand noise.'), false);
  assert.equal(isRefusalText('Unfortunately, I am unable to complete this request.'), true);
  for (const t of ["I can't help with that.", 'I am not comfortable writing this.', "I'm an AI and don't have feelings.", 'As a language model, I can’t answer.', 'I apologize, but I cannot fulfil this request.', 'I must decline this request.', "I'm afraid I can't help with that."])
    assert.equal(isRefusalText(t), true, t);
  for (const t of ["They can't help with chores on weekdays.", 'They are sorry when they miss a ride.', 'Strongly agree', '{"answers": {"1": 4}}']) assert.equal(isRefusalText(t), false, t);
});

test('unparsable judge and questionnaire replies are retried with a new seed; a resumed run asks nothing again', async () => {
  const server = await startOpenAITestServer({
    chat: (b) => {
      if (isJudge(b)) return b.seed === undefined ? 'Looks fine to me!' : GOOD;
      if (isQuestionnaire(b)) return b.seed < 100_000 ? 'I would say mostly yes.' : answersFor(b, 4);
      return '{}';
    },
  });
  const store = await Store.open(':memory:');
  try {
    const m = model(server.url);
    const p: PersonaRecord = { id: 'p1', sourceUser: 'u', narrative: 'They knit.', model: 'm', promptVersion: 'persona-v2', settings: {}, postsUsed: 1, redactions: 0 };
    const j = await judgePersonas(store, m, [p], () => ['a post']);
    assert.equal(j.passed, 1);
    assert.equal(j.retries, 1);
    assert.deepEqual(j.llm, { calls: 2, cached: 0 });
    const judgeReqs = server.requests.filter((r) => isJudge(r.body));
    assert.deepEqual(judgeReqs.map((r) => [r.body.seed, r.body.temperature]), [[undefined, 0], [1, 0.7]]);
    const q = await administerQuestionnaire(store, m, ffm, [p], { repeats: 2, seed: 1 });
    assert.equal(q.scored, 1);
    assert.equal(q.retries, 2);
    assert.deepEqual(q.answers, { ok: 100 });
    const n = server.requests.length;
    const q2 = await administerQuestionnaire(store, m, ffm, [p], { repeats: 2, seed: 1 });
    const j2 = await judgePersonas(store, m, [p], () => ['a post']);
    assert.equal(server.requests.length, n, 'resumed: nothing asked again');
    assert.deepEqual([q2.llm.calls, j2.llm.calls, j2.alreadyJudged], [0, 0, 1]);
    // Without retries the same replies stay unusable.
    const q0 = await administerQuestionnaire(store, m, ffm, [{ ...p, id: 'p2' }], { repeats: 1, seed: 1, retries: 0 });
    assert.deepEqual(q0.unscored, { 'no valid repeat': 1 });
  } finally {
    store.close();
    await server.close();
  }
});

test('changed thresholds are re-applied to stored scores without new calls; pass rates are reported per run and in total', async () => {
  // p0 mean 4.5, p1 mean 4.0, p2 unparsable (after retries), p3 judged later.
  const byMarker: Record<string, string> = {
    P0: GOOD,
    P1: JSON.stringify({ faithfulness: 4, specificity: 4, consistency: 4, privacy: 4, reasons: 'ok' }),
    P2: 'no idea',
    P3: GOOD,
  };
  const server = await startOpenAITestServer({ chat: (b) => byMarker[/PERSONA:\n(P\d)/.exec(String(b.messages[1].content))?.[1] ?? ''] ?? '{}' });
  const store = await Store.open(':memory:');
  try {
    const m = model(server.url);
    const ps: PersonaRecord[] = ['P0', 'P1', 'P2', 'P3'].map((t, i) => ({ id: `p${i}`, sourceUser: 'u', narrative: `${t} knits.`, model: 'm', promptVersion: 'persona-v2', settings: {}, postsUsed: 1, redactions: 0 }));
    await putPersonas(store, ps);
    const j1 = await judgePersonas(store, m, ps.slice(0, 3), () => ['post']);
    assert.deepEqual([j1.judged, j1.passed, j1.rejected, j1.passRate], [3, 2, 1, 2 / 3]);
    const key = { judgeModel: 'openai:scripted', promptVersion: 'judge-v3', minEach: 3, minMean: 4 };
    assert.deepEqual([...(await passedPersonaIds(store, key))].sort(), ['p0', 'p1']);
    // Stricter thresholds: p1 now fails, from its stored scores; only p3 is new to the judge.
    const n = server.requests.length;
    const j2 = await judgePersonas(store, m, ps, () => ['post'], { gate: { minEach: 3, minMean: 4.25 } });
    assert.equal(server.requests.length - n, 1, 'one call, for p3 only (p2 comes from the cache)');
    assert.deepEqual([j2.judged, j2.passed, j2.passRate], [2, 1, 0.5], 'this run: p3 passes, p2 stays unparsable');
    assert.equal(j2.regated, 1);
    assert.deepEqual(j2.total, { judged: 4, passed: 2, rejected: 2, passRate: 0.5 });
    const v1 = (await listJudgements(store)).find((j) => j.personaId === 'p1')!;
    assert.equal(v1.passed, false);
    assert.deepEqual(v1.gate, { minEach: 3, minMean: 4.25 });
    assert.equal(v1.reasons, 'mean 4.00 < 4.25 | ok');
    // Keyed by judge, prompt version and thresholds.
    assert.deepEqual([...(await passedPersonaIds(store, { ...key, minMean: 4.25 }))].sort(), ['p0', 'p3']);
    assert.deepEqual([...(await passedPersonaIds(store, key))].sort(), ['p0', 'p1', 'p3']);
    assert.equal((await passedPersonaIds(store, { ...key, judgeModel: 'openai:other' })).size, 0);
    assert.equal((await passedPersonaIds(store, { ...key, promptVersion: 'judge-v1' })).size, 0);
    // The SQL rule is applyGate's rule.
    for (const v of await listJudgements(store)) if (v.scores) assert.equal((await passedPersonaIds(store, { ...key, minMean: 4.25 })).has(v.personaId), applyGate(v.scores, { minEach: 3, minMean: 4.25 }).passed);
    assert.deepEqual(await resolveGateKey(store), { ...key, minMean: 4.25 });
    assert.deepEqual(await resolveGateKey(store, { minMean: 4 }), key);
    await assert.rejects(resolveGateKey(store, { judgeModel: 'openai:nobody' }), /no verdicts from judge model/);
    await putJudgements(store, [{ personaId: 'p0', judgeModel: 'openai:second', promptVersion: 'judge-v3', passed: true, reasons: '', scores: { faithfulness: 5, specificity: 5, consistency: 5, privacy: 5 }, gate: { minEach: 3, minMean: 4 } }]);
    await assert.rejects(resolveGateKey(store), /several judges/);
    assert.equal((await resolveGateKey(store, { judgeModel: 'openai:second@http://127.0.0.1:1/v1' }))?.judgeModel, 'openai:second');
    assert.equal(judgeModelId('gguf:/models/tiny.gguf'), 'gguf:tiny.gguf');
  } finally {
    store.close();
    await server.close();
  }
});

test('the pool: a global alignment uses originals; a subgroup one uses its revisions in place of their parents', async () => {
  const store = await Store.open(':memory:');
  try {
    const base = { sourceUser: 'u', narrative: 'n', model: 'm', promptVersion: 'persona-v2', settings: {}, postsUsed: 1, redactions: 0 };
    const list: PersonaRecord[] = [
      { ...base, id: 'a' },
      { ...base, id: 'b' },
      { ...base, id: 'c' },
      { ...base, id: 'd' }, // rejected and never scored
      { ...base, id: 'a-jp', parentId: 'a', groupLabel: 'JP' },
      { ...base, id: 'a-jp-2', parentId: 'a-jp', groupLabel: 'JP' }, // revised again from a JP set
      { ...base, id: 'b-kr', parentId: 'b', groupLabel: 'KR' },
      { ...base, id: 'c-jp', parentId: 'c', groupLabel: 'JP' }, // rejected: c stays in the JP pool
    ];
    await putPersonas(store, list);
    const good = { faithfulness: 5, specificity: 4, consistency: 5, privacy: 4 };
    const bad = { faithfulness: 2, specificity: 2, consistency: 2, privacy: 2 };
    await putJudgements(
      store,
      list.map((p) => ({ personaId: p.id, judgeModel: 'j', promptVersion: 'judge-v3', scores: p.id === 'd' || p.id === 'c-jp' ? bad : good, passed: true, reasons: '', gate: { minEach: 3, minMean: 4 } })),
    );
    await putScores(store, list.filter((p) => p.id !== 'd').map((p, i) => ({ personaId: p.id, instrument: 'ipip-ffm-50', model: 's', big5: { O: 3, C: 3, E: 1 + i / 2, A: 3, N: 3 }, repeats: 1, validRepeats: 1 })));
    const gate = (await resolveGateKey(store))!;
    const global = await loadScoredPool(store, { instrument: 'ipip-ffm-50', gate });
    assert.deepEqual(global.ids, ['a', 'b', 'c']);
    assert.deepEqual(global.excluded, { 'rejected by the quality gate': 1, 'revised for a subgroup (a global alignment uses the originals)': 4 });
    const jp = await loadScoredPool(store, { instrument: 'ipip-ffm-50', gate, group: 'JP' });
    assert.deepEqual(jp.ids, ['a-jp-2', 'b', 'c']);
    assert.deepEqual(jp.excluded, { 'rejected by the quality gate': 2, 'revised for another group': 1, 'replaced by its revision for the group': 2 });
    const kr = await loadScoredPool(store, { instrument: 'ipip-ffm-50', gate, group: 'KR' });
    assert.deepEqual(kr.ids, ['a', 'b-kr', 'c']);
    assert.equal(kr.excluded['replaced by its revision for the group'], 1);
    assert.equal((await listScores(store, 'ipip-ffm-50')).length, 7);
  } finally {
    store.close();
  }
});

test('questionnaire: unusable answers are retried a bounded number of times, then stored as unusable and never scored', async () => {
  const byText = new Map(ffm.items.map((it) => [it.text, it]));
  const server = await startOpenAITestServer({
    chat: (b) => {
      const lines = String(b.messages[1].content).split('\n').filter((l: string) => /^\d+\. /.test(l));
      // Plain-text replies: "n. Answer: 4" for every statement, except Extraversion items answered "3 or 4" (two answers).
      const items = lines.map((l: string) => byText.get(l.replace(/^\d+\. /, ''))!);
      if (String(b.messages[0].content).includes('ONE-BY-ONE')) return `Answer: ${items[0].trait === 'E' ? 5 : 2} because that is who they are.`;
      return items.map((it: any, i: number) => `${i + 1}. ${it.trait === 'E' ? '3 or 4' : 'Answer: 4'}`).join('\n');
    },
  });
  const store = await Store.open(':memory:');
  try {
    const m = model(server.url);
    const p: PersonaRecord = { id: 'q1', sourceUser: 'u', narrative: 'They knit.', model: 'm', promptVersion: 'persona-v3', settings: {}, postsUsed: 1, redactions: 0 };
    const q = await administerQuestionnaire(store, m, ffm, [p], { repeats: 2, seed: 1, retries: 1 });
    assert.equal(server.requests.length, 4, 'two repeats, each asked once more and no further');
    assert.equal(q.retries, 2);
    assert.deepEqual(q.answers, { ok: 80, unparsable: 20 });
    assert.deepEqual(await answerStatusCounts(store, 'ipip-ffm-50'), { ok: 80, unparsable: 20 });
    assert.deepEqual(q.unscored, { 'no valid repeat': 1 });
    assert.equal(q.scored, 0);
    const [s] = await listScores(store, 'ipip-ffm-50');
    assert.deepEqual([s.big5, s.validRepeats, s.reason], [null, 0, 'no valid repeat']);
    // One statement per call, answered in words: every reply is read.
    const one = await administerQuestionnaire(store, m, ffm, [{ ...p, id: 'q2', narrative: 'ONE-BY-ONE They knit.' }], { repeats: 1, seed: 1, itemsPerCall: 1 });
    assert.deepEqual([one.scored, one.answers.ok, one.retries], [1, 50, 0]);
    const s2 = (await listScores(store, 'ipip-ffm-50')).find((x) => x.personaId === 'q2')!;
    assert.equal(s2.big5?.E, 3, 'E answered 5 on every item: (5·5 + 5·1)/10 with the reversed items');
  } finally {
    store.close();
    await server.close();
  }
});
