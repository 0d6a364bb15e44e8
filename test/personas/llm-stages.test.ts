// The LLM stages against a real OpenAI-compatible server on 127.0.0.1 with scripted replies: generation (with PII
// redaction, refusals and empty replies), the quality gate, the questionnaire (shuffled items mapped back, unparsable
// replies, refusals), resumption from the call cache, and subgroup revision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startOpenAITestServer } from '../helpers/openai-test-server.ts';
import { OpenAIChatModel } from '../../src/llm/openai-chat.ts';
import { OpenAIEmbeddingModel } from '../../src/llm/openai-embeddings.ts';
import { Store } from '../../src/store/store.ts';
import { countCachedReplies, listJudgements, listPersonas, listScores, putPersonaSet } from '../../src/store/personas.ts';
import { generatePersonas, type SourceUser } from '../../src/personas/generate.ts';
import { judgePersonas } from '../../src/personas/judge.ts';
import { administerQuestionnaire } from '../../src/personas/questionnaire.ts';
import { revisePersonas } from '../../src/personas/revise.ts';
import { piiRedactor } from '../../src/personas/pii-redactor.ts';
import { parseFfm50, parseNeo120 } from '../../src/personas/instruments.ts';

const ffm = parseFfm50(readFileSync(fileURLToPath(new URL('../../fixtures/bigfive-instruments/ipip-ffm-50-items.csv', import.meta.url)), 'utf8'));
const text = (ffm.items.map((i) => [i.text, i] as const));
const itemByText = new Map(text);

function user(id: string, marker: string, nPosts = 12): SourceUser {
  return { id, posts: Array.from({ length: nPosts }, (_, i) => `${marker} post ${i}: spent the morning repairing bikes at the community workshop and then read about birds for an hour.`) };
}

const NARRATIVE = (m: string) =>
  `${m} They are a patient, practical person who spends mornings fixing bicycles in a community workshop and afternoons reading about birds. ` +
  'They write in short, friendly sentences, share small victories, and often thank the people who help them. Their posts suggest a calm routine, ' +
  'a love of repair and reuse, and curiosity about nature. Reach them at jane.doe@example.com for bike questions.';

/** Scripted model: behaviour keyed on markers in the prompt. */
function reply(body: any): any {
  const sys: string = body.messages[0].content;
  const usr: string = body.messages[body.messages.length - 1].content;
  if (sys.includes('narrative personas of social media users')) {
    if (usr.includes('REFUSER')) return { content: '', refusal: 'I cannot help with that.' };
    if (usr.includes('EMPTY')) return '   ';
    const m = /(\w+) post 0/.exec(usr)?.[1] ?? 'X';
    return NARRATIVE(m);
  }
  if (sys.includes('strict reviewer')) {
    if (usr.includes('LOWQ')) return JSON.stringify({ faithfulness: 2, specificity: 4, consistency: 4, privacy: 3, reasons: 'invents a job' });
    if (usr.includes('GARBLED')) return 'this persona seems fine';
    return JSON.stringify({ faithfulness: 5, specificity: 4, consistency: 5, privacy: 4, reasons: 'grounded' });
  }
  if (sys.includes('You are the person described below')) {
    if (sys.includes('NONSENSE')) return 'banana banana';
    if (sys.includes('SHY') && body.seed % 1000 === 0) return "I'm sorry, as an AI I cannot answer personal questions.";
    // Statements come numbered in a shuffled order: answer E items by key (E = 5 after scoring), everything else 3.
    const answers: Record<string, number> = {};
    for (const line of usr.split('\n')) {
      const m = /^(\d+)\. (.*)$/.exec(line);
      if (!m) continue;
      const it = itemByText.get(m[2]);
      answers[m[1]] = it && it.trait === 'E' ? (it.reversed ? 1 : 5) : 3;
    }
    return JSON.stringify({ answers });
  }
  if (sys.includes('adapt narrative personas')) return `Revised for the group. ${NARRATIVE('REVISED')}`;
  return '{}';
}

test('generate → judge → score through an OpenAI-compatible server, with redaction, rejections and resumption', async () => {
  const server = await startOpenAITestServer({ chat: (body) => reply(body) });
  const store = await Store.open(':memory:');
  try {
    const model = new OpenAIChatModel({ model: 'scripted', baseURL: server.url, apiKey: 'k', retries: 0 });
    const users = [user('did:a', 'ALPHA'), user('did:b', 'LOWQ'), user('did:c', 'REFUSER'), user('did:d', 'EMPTY'), user('did:e', 'THIN', 3), user('did:f', 'GARBLED'), user('did:g', 'NONSENSE'), user('did:h', 'SHY')];
    const opts = { minPosts: 10, minWords: 100, redactor: piiRedactor(), concurrency: 2 };
    const g = await generatePersonas(store, model, users, opts);
    assert.equal(g.users, 8);
    assert.equal(g.eligible, 7);
    assert.deepEqual(g.excludedUsers, { 'fewer than 10 posts': 1 });
    assert.equal(g.generated, 5);
    assert.deepEqual(g.failed, { refusal: 1, 'empty or too short narrative': 1 });
    assert.equal(g.redactions, 5);
    const personas = await listPersonas(store);
    assert.equal(personas.length, 5);
    assert.ok(personas.every((p) => p.narrative.includes('<EMAIL_ADDRESS>') && !p.narrative.includes('@example.com')));
    assert.ok(personas.every((p) => p.promptVersion === 'persona-v3' && p.model === 'openai:scripted'));
    // stored with the source user and the settings it was written under
    assert.deepEqual(personas.map((p) => p.sourceUser).sort(), ['did:a', 'did:b', 'did:f', 'did:g', 'did:h']);
    assert.ok(personas.every((p) => p.postsUsed === 12 && p.settings.minPosts === 10 && p.settings.minWords === 100 && (p.settings.words as { min: number }).min === 150));
    // The writer is never given trait labels.
    const personaPrompts = server.requests.filter((r) => r.body.messages[0].content.includes('narrative personas')).map((r) => JSON.stringify(r.body.messages));
    assert.ok(personaPrompts.every((p) => !/extravers|neurotic|agreeable|conscientious|big five|openness/i.test(p)));

    // resume: nothing is asked again
    const before = server.requests.length;
    const again = await generatePersonas(store, model, users, opts);
    assert.equal(again.generated, 0);
    assert.equal(again.existing, 5);
    assert.deepEqual(again.llm, { calls: 0, cached: 2 }); // the refused and empty users are retried; the cache answers
    assert.equal(server.requests.length, before);

    const posts = new Map(users.map((u) => [u.id, u.posts]));
    const j = await judgePersonas(store, model, personas, (p) => posts.get(p.sourceUser));
    assert.equal(j.judged, 5);
    assert.equal(j.passed, 3);
    assert.equal(j.passRate, 3 / 5);
    assert.deepEqual(j.rejections, { 'faithfulness below threshold': 1, 'mean below threshold': 1, 'judge reply unparsable': 1 });
    const verdicts = await listJudgements(store);
    assert.equal(verdicts.length, 5);
    assert.ok(verdicts.some((v) => !v.passed && v.reasons.includes('faithfulness 2 < 3') && v.reasons.includes('invents a job')));
    assert.equal(j.retries, 2, 'the unparsable reply was asked again twice, with new seeds');
    assert.deepEqual(j.total, { judged: 5, passed: 3, rejected: 2, passRate: 3 / 5 });
    // Resumed: the unparsable verdict is retried, but every attempt comes from the cache; no call reaches the server.
    const beforeJ2 = server.requests.length;
    const j2 = await judgePersonas(store, model, personas, (p) => posts.get(p.sourceUser));
    assert.equal(j2.alreadyJudged, 4);
    assert.equal(j2.judged, 1);
    assert.deepEqual(j2.llm, { calls: 0, cached: 3 });
    assert.equal(server.requests.length, beforeJ2);
    assert.deepEqual(j2.total, { judged: 5, passed: 3, rejected: 2, passRate: 3 / 5 });

    const q = await administerQuestionnaire(store, model, ffm, personas, { repeats: 3, seed: 5 });
    assert.equal(q.personas, 5);
    assert.equal(q.scored, 4);
    assert.deepEqual(q.unscored, { 'no valid repeat': 1 });
    assert.equal(q.invalidRepeats.refusal, 1);
    assert.equal(q.retries, 6, 'NONSENSE: each of 3 repeats asked twice more; refusals are not retried');
    assert.ok((q.answers.unparsable ?? 0) + (q.answers.missing ?? 0) >= 150);
    const scores = await listScores(store, 'ipip-ffm-50');
    const alpha = scores.find((s) => personas.find((p) => p.id === s.personaId)?.narrative.startsWith('ALPHA'));
    assert.deepEqual(alpha?.big5, { O: 3, C: 3, E: 5, A: 3, N: 3 });
    assert.equal(alpha?.validRepeats, 3);
    const shy = scores.find((s) => personas.find((p) => p.id === s.personaId)?.narrative.startsWith('SHY'));
    assert.equal(shy?.validRepeats, 2);
    // item orders differ between repeats
    const qReqs = server.requests.filter((r) => r.body.messages[0].content.includes('ALPHA') && r.body.messages[0].content.includes('person described'));
    assert.equal(qReqs.length, 3);
    assert.notEqual(qReqs[0].body.messages[1].content, qReqs[1].body.messages[1].content);

    const cached = await countCachedReplies(store);
    const n = server.requests.length;
    const q2 = await administerQuestionnaire(store, model, ffm, personas, { repeats: 3, seed: 5 });
    assert.equal(q2.llm.calls, 0);
    assert.equal(q2.scored, 4);
    assert.equal(server.requests.length, n);
    assert.equal(await countCachedReplies(store), cached);
  } finally {
    store.close();
    await server.close();
  }
});

test('subgroup revision rewrites the personas behind the worst matches and re-judges them with a note', async () => {
  const server = await startOpenAITestServer({
    chat: (body) => reply(body),
    embeddings: (input) => input.map((t) => (/Japan|GAMMA/.test(t) ? [1, 0.1] : [0.1, 1])),
  });
  const store = await Store.open(':memory:');
  try {
    const model = new OpenAIChatModel({ model: 'scripted', baseURL: server.url, apiKey: 'k', retries: 0 });
    const users = [user('did:a', 'ALPHA'), user('did:b', 'BETA'), user('did:c', 'GAMMA')];
    await generatePersonas(store, model, users, { minPosts: 10, minWords: 100, redactor: piiRedactor() });
    const all = await listPersonas(store);
    const ps = ['ALPHA', 'BETA', 'GAMMA'].map((m) => all.find((p) => p.narrative.startsWith(m))!);
    await putPersonaSet(store, 'jp', ps.map((p) => p.id), {}, { matchedCosts: [0.1, 2.5, 0.9] });
    const r = await revisePersonas(store, model, { setId: 'jp', groupDescription: 'adults living in Japan', groupLabel: 'JP', k: 5, minCost: 0.5, redactor: piiRedactor() });
    assert.equal(r.poorlyCovered, 2);
    assert.equal(r.revised.length, 2);
    assert.ok(r.revised.every((p) => p.parentId && p.groupLabel === 'JP' && p.promptVersion === 'revise-v1' && p.narrative.includes('<EMAIL_ADDRESS>')));
    assert.deepEqual(new Set(r.revised.map((p) => p.parentId)), new Set([ps[1].id, ps[2].id]));
    const posts = new Map(users.map((u) => [u.id, u.posts]));
    const notes = new Map(r.revised.map((p) => [p.id, 'adapted to Japan on purpose']));
    const j = await judgePersonas(store, model, r.revised, (p) => posts.get(p.sourceUser), { notes });
    assert.equal(j.passed, 2);
    const judgeReqs = server.requests.filter((x) => x.body.messages[0].content.includes('strict reviewer'));
    assert.ok(judgeReqs.every((x) => x.body.messages[1].content.includes('Note: adapted to Japan on purpose')));
    assert.equal((await listPersonas(store)).length, 5);

    // embedding-driven retrieval: of the two poorly matched personas, the one nearest to the group description
    const embedder = new OpenAIEmbeddingModel({ model: 'emb', baseURL: server.url, apiKey: 'k', retries: 0 });
    const one = await revisePersonas(store, model, { setId: 'jp', groupDescription: 'adults living in Japan', groupLabel: 'JP', k: 1, minCost: 0.5, redactor: piiRedactor(), embedder });
    assert.equal(one.poorlyCovered, 2);
    assert.deepEqual(one.revised.map((p) => p.parentId), [ps[2].id]); // GAMMA is nearer to the query, BETA matched worse
    const worstOnly = await revisePersonas(store, model, { setId: 'jp', groupDescription: 'adults living in Japan', groupLabel: 'JP', k: 1, minCost: 0.5, redactor: piiRedactor() });
    assert.deepEqual(worstOnly.revised.map((p) => p.parentId), [ps[1].id]);
    // resumed: BETA's revision was written by the first run, so the cache answers and no call reaches the server
    assert.deepEqual(worstOnly.llm, { calls: 0, cached: 1 });
    assert.equal((await listPersonas(store)).length, 5, 'the same revision is not stored twice');
  } finally {
    store.close();
    await server.close();
  }
});

test('the IPIP-NEO-120 is administered in chunks and every chunk maps back to its items', async () => {
  const neo = parseNeo120(readFileSync(fileURLToPath(new URL('../../fixtures/bigfive-instruments/ipip-neo-120-items.csv', import.meta.url)), 'utf8'));
  const neoByText = new Map(neo.items.map((i) => [i.text, i]));
  // Agreeableness items answered by key (A = 5 after scoring), the rest 3.
  const server = await startOpenAITestServer({
    chat: (body) => {
      const answers: Record<string, number> = {};
      for (const line of String(body.messages[1].content).split('\n')) {
        const m = /^(\d+)\. (.*)$/.exec(line);
        const it = m && neoByText.get(m[2]);
        if (m) answers[m[1]] = it && it.trait === 'A' ? (it.reversed ? 1 : 5) : 3;
      }
      return JSON.stringify({ answers });
    },
  });
  const store = await Store.open(':memory:');
  try {
    const model = new OpenAIChatModel({ model: 'scripted', baseURL: server.url, apiKey: 'k', retries: 0 });
    const persona = { id: 'p1', sourceUser: 'u', narrative: 'They knit.', model: 'm', promptVersion: 'persona-v1', settings: {}, postsUsed: 1, redactions: 0 };
    const q = await administerQuestionnaire(store, model, neo, [persona], { repeats: 2, itemsPerCall: 50 });
    assert.equal(q.llm.calls, 6); // 120 items in chunks of 50, 50, 20, twice
    assert.deepEqual(q.answers, { ok: 240 });
    const [s] = await listScores(store, 'ipip-neo-120');
    assert.deepEqual(s.big5, { O: 3, C: 3, E: 3, A: 5, N: 3 });
    assert.ok(server.requests.every((r) => Object.keys(r.body.response_format.json_schema.schema.properties.answers.properties).length <= 50));
  } finally {
    store.close();
    await server.close();
  }
});
