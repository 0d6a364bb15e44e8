// The subgroup revise loop end to end through the CLI (generate → judge → score → align → revise → judge → score →
// align) and runRevise, against the scripted OpenAI-compatible server on 127.0.0.1: revised personas are gated by
// `personas judge` when revise ran without a judge, never scored ungated, kept out of global alignments, and replace
// their parents in the alignment of their group; revise's own gate uses the given thresholds, and its re-score the
// given temperature and items per call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOpenAITestServer } from '../helpers/openai-test-server.ts';
import { Store } from '../../src/store/store.ts';
import { getPersonaSet, listJudgements, listPersonas, listScores } from '../../src/store/personas.ts';
import { runRevise } from '../../src/personas/cli-run.ts';
import { postEvents as events, runCli as cli } from './cli-helpers.ts';

const LONG = 'They repair bicycles at a community workshop, read about birds, share small victories, thank the people who help them, and keep a calm routine built around reuse, patience and curiosity about nature. Their posts are short, warm and practical, and they often ask others for advice.';

function chat(body: any): string {
  const sys = String(body.messages[0].content);
  const usr = String(body.messages[body.messages.length - 1].content);
  if (sys.includes('narrative personas of social media users')) return `${/USER(\d+)/.exec(usr)?.[0] ?? 'USER?'} ${LONG}`;
  if (sys.includes('adapt narrative personas')) return `Revised for the group. ${LONG}`;
  if (sys.includes('strict reviewer')) {
    // Revisions score a mean of 4.25: they pass the default gate (mean ≥ 4) but not a stricter one.
    if (usr.includes('Revised for the group')) return JSON.stringify({ faithfulness: 5, specificity: 4, consistency: 4, privacy: 4, reasons: 'adapted' });
    return JSON.stringify({ faithfulness: 5, specificity: 5, consistency: 5, privacy: 5, reasons: 'grounded' });
  }
  if (sys.includes('You are the person described below')) {
    const n = usr.split('\n').filter((l) => /^\d+\. /.test(l)).length;
    // Each original answers with its own level, so the pool spreads over the scale.
    const level = 1 + (Number(/USER(\d+)/.exec(sys)?.[1] ?? 2) % 5);
    return JSON.stringify({ answers: Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i + 1), level])) });
  }
  return '{}';
}

test('the revise loop through the CLI and runRevise: gated, scored, kept out of global sets, replacing parents in their group', async () => {
  const server = await startOpenAITestServer({ chat });
  const dir = mkdtempSync(join(tmpdir(), 'simpact-revise-'));
  try {
    const db = join(dir, 's.duckdb');
    writeFileSync(join(dir, 'posts.jsonl'), events(8));
    const model = `openai:scripted@${server.url}`;
    const ok = async (...args: string[]) => {
      const r = await cli(db, args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      return args.includes('--json') ? JSON.parse(r.stdout) : r.stdout;
    };
    await ok('ingest', join(dir, 'posts.jsonl'));
    const gen = await ok('personas', 'generate', '--model', model, '--min-posts', '5', '--min-words', '50', '--json');
    assert.equal(gen.generated, 8, JSON.stringify(gen));
    const j1 = await ok('personas', 'judge', '--model', model, '--json');
    assert.deepEqual([j1.judged, j1.passed, j1.total.passRate], [8, 8, 1]);
    assert.equal((await ok('personas', 'score', '--model', model, '--repeats', '1', '--json')).scored, 8);
    const g = await ok('personas', 'align', '--norms', '500', '--size', '4', '--set', 'g', '--json');
    assert.equal(g.poolSize, 8);

    // Revise without a judge: nothing is scored; the revisions wait for the gate.
    const rv = await ok('personas', 'revise', '--model', model, '--set', 'g', '--group', 'adults living in Japan', '--group-label', 'JP', '--k', '2', '--min-cost', '0', '--scorer-model', model, '--json');
    assert.deepEqual([rv.revised, rv.score, rv.awaitingGate], [2, null, 2]);
    let store = await Store.open(db);
    const revised = (await listPersonas(store)).filter((p) => p.parentId);
    assert.equal(revised.length, 2);
    assert.equal((await listScores(store, 'ipip-ffm-50')).filter((s) => revised.some((p) => p.id === s.personaId)).length, 0, 'no ungated score');
    store.close();

    // A global alignment leaves the revisions out.
    const g2 = await ok('personas', 'align', '--norms', '500', '--size', '4', '--set', 'g2', '--json');
    assert.equal(g2.poolSize, 8);
    assert.equal(g2.excludedPersonas['revised for a subgroup (a global alignment uses the originals)'], 2);

    // personas judge gates the revisions (with the revision note), personas score then scores them.
    const j2 = await ok('personas', 'judge', '--model', model, '--json');
    assert.deepEqual([j2.judged, j2.passed, j2.alreadyJudged, j2.total.judged], [2, 2, 8, 10]);
    const notes = server.requests.filter((r) => String(r.body.messages[1].content).includes('deliberately adapted to the group "adults living in Japan"'));
    assert.equal(notes.length, 2);
    assert.equal((await ok('personas', 'score', '--model', model, '--repeats', '1', '--json')).scored, 10);

    // The JP alignment uses the two revisions in place of their parents; the pool keeps its size.
    const jp = await ok('personas', 'align', '--norms', '500', '--size', '4', '--set', 'jp', '--group-label', 'JP', '--json');
    assert.equal(jp.poolSize, 8);
    assert.equal(jp.excludedPersonas['replaced by its revision for the group'], 2);
    assert.equal(jp.group, 'JP');
    const rep = await ok('personas', 'report', '--set', 'jp', '--json');
    assert.equal(rep.sets[0].metrics.n, 8);
    store = await Store.open(db);
    const jpSet = (await getPersonaSet(store, 'jp'))!;
    const gSet = (await getPersonaSet(store, 'g2'))!;
    assert.ok(gSet.memberIds.every((id) => !revised.some((p) => p.id === id)));
    const parents = new Set(revised.map((p) => p.parentId));
    assert.ok(jpSet.memberIds.every((id) => !parents.has(id)), 'no parent in a set that may hold its revision');
    store.close();

    // runRevise with its own gate: stricter thresholds are applied to the stored verdicts (no new judge call) and the
    // rejected revisions are not scored.
    const before = server.requests.length;
    const strict = await runRevise(db, {
      model, set: 'g', group: 'adults living in Japan', groupLabel: 'JP', k: 2, minCost: 0, judgeModel: model, scorerModel: model,
      minEach: 3, minMean: 4.5, instrument: 'ipip-ffm-50', repeats: 1, temperature: 0.7, seed: 1, concurrency: 2,
    });
    const sj = strict.judge as { judged: number; regated: number; passed: number; total: { passed: number } };
    assert.deepEqual([sj.judged, sj.regated, sj.total.passed], [0, 2, 0]);
    assert.equal((strict.score as { personas: number }).personas, 0);
    assert.equal(server.requests.length, before, 'revise and judge replies came from the cache');

    // A new group: judged under the default gate and scored with the given temperature and items per call.
    const kr = await runRevise(db, {
      model, set: 'g', group: 'adults living in Korea', groupLabel: 'KR', k: 2, minCost: 0, judgeModel: model, scorerModel: model,
      minEach: 3, minMean: 4, instrument: 'ipip-ffm-50', repeats: 1, temperature: 0.3, itemsPerCall: 25, seed: 1, concurrency: 2,
    });
    assert.equal((kr.score as { scored: number }).scored, 2);
    const qReqs = server.requests.slice(before).filter((r) => String(r.body.messages[0].content).includes('You are the person described below'));
    assert.equal(qReqs.length, 4, '2 personas × 50 items in calls of 25');
    assert.ok(qReqs.every((r) => r.body.temperature === 0.3 && Object.keys(r.body.response_format.json_schema.schema.properties.answers.properties).length === 25));
    store = await Store.open(db);
    const verdicts = (await listJudgements(store)).filter((v) => v.gate);
    assert.ok(verdicts.length >= 12);
    store.close();
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
