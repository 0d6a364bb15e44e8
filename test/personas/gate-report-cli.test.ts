// Through the CLI against the scripted OpenAI-compatible server on 127.0.0.1: the quality gate's pass/fail counts and
// reasons appear in the output of score, align, revise and report (text and --json), and refusal prose from the
// writer, the judge, the questionnaire and the reviser is a failure of that call, never a persona, a verdict's scores,
// an answer or a revision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOpenAITestServer } from '../helpers/openai-test-server.ts';
import { Store } from '../../src/store/store.ts';
import { answerStatusCounts, listPersonas } from '../../src/store/personas.ts';
import { postEvents, runCli } from './cli-helpers.ts';

const LONG = 'They repair bicycles at a community workshop, read about birds, share small victories, thank the people who help them, and keep a calm routine built around reuse, patience and curiosity about nature. Their posts are short, warm and practical, and they often ask others for advice.';
const user = (s: string) => Number(/USER(\d+)/.exec(s)?.[1] ?? -1);

function chat(body: any): string {
  const sys = String(body.messages[0].content);
  const usr = String(body.messages[body.messages.length - 1].content);
  if (sys.includes('narrative personas of social media users')) {
    if (user(usr) === 3) return "I'm sorry, but I can't help with writing a profile of a real person.";
    return `USER${user(usr)} ${LONG}`;
  }
  if (sys.includes('adapt narrative personas')) {
    if (user(usr) === 0) return `As an AI language model, I won't rewrite descriptions of real people. ${LONG}`;
    return `Revised for the group. ${usr.includes('USER4') ? 'USER4' : ''} ${LONG}`;
  }
  if (sys.includes('strict reviewer')) {
    const who = user(/PERSONA:\n([\s\S]*)/.exec(usr)?.[1] ?? '');
    if (who === 1 && !usr.includes('Revised')) return JSON.stringify({ faithfulness: 2, specificity: 5, consistency: 5, privacy: 5, reasons: 'invents a job' });
    if (who === 2) return 'As an AI language model, I cannot evaluate descriptions of real people.';
    return JSON.stringify({ faithfulness: 5, specificity: 5, consistency: 5, privacy: 5, reasons: 'grounded' });
  }
  if (sys.includes('You are the person described below')) {
    // USER4 refuses the first repeat in prose; every other reply answers each statement with the persona's level.
    if (user(sys) === 4 && !sys.includes('Revised') && body.seed % 1000 === 0) return "I can't answer personal questions, as an AI I don't have a personality.";
    const n = usr.split('\n').filter((l) => /^\d+\. /.test(l)).length;
    const level = 1 + (user(sys) % 5);
    return JSON.stringify({ answers: Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i + 1), level])) });
  }
  return '{}';
}

test('gate counts and reasons in the output of score, align, revise and report; refusal prose fails the call', async () => {
  const server = await startOpenAITestServer({ chat });
  const dir = mkdtempSync(join(tmpdir(), 'simpact-gate-'));
  try {
    const db = join(dir, 's.duckdb');
    writeFileSync(join(dir, 'posts.jsonl'), postEvents(5));
    const model = `openai:scripted@${server.url}`;
    const run = async (...args: string[]) => {
      const r = await runCli(db, args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const json = async (...args: string[]) => JSON.parse(await run(...args, '--json'));
    await run('ingest', join(dir, 'posts.jsonl'));

    // Writer refusal prose: a failed call, not a persona.
    const gen = await json('personas', 'generate', '--model', model, '--min-posts', '5', '--min-words', '50');
    assert.deepEqual([gen.generated, gen.failed], [4, { refusal: 1 }]);

    // Judge refusal prose: a rejection with its reason, no scores.
    const j = await json('personas', 'judge', '--model', model);
    assert.deepEqual([j.judged, j.passed, j.rejected], [4, 2, 2]);
    assert.deepEqual(j.rejections, { 'faithfulness below threshold': 1, 'judge refused': 1 });

    const gateWant = { judgeModel: 'openai:scripted', promptVersion: 'judge-v3', minEach: 3, minMean: 4, personas: 4, passed: 2, rejected: 2, unjudged: 0, passRate: 0.5, rejections: { 'faithfulness below threshold': 1, 'judge refused': 1 } };
    const sc = await json('personas', 'score', '--model', model, '--repeats', '2');
    assert.deepEqual(sc.gateReport, gateWant);
    assert.deepEqual([sc.personas, sc.scored], [2, 2], 'only the two that passed are scored');
    // Questionnaire refusal prose: that repeat is invalid (counted as a refusal), its answers are stored as refusals.
    assert.equal(sc.invalidRepeats.refusal, 1);
    let store = await Store.open(db);
    assert.equal((await answerStatusCounts(store, 'ipip-ffm-50')).refusal, 50);
    store.close();
    const scText = await run('personas', 'score', '--model', model, '--repeats', '2');
    assert.match(scText, /gate openai:scripted \(judge-v3, min-each 3, min-mean 4\): 2 of 4 judged passed \(50\.0 %\), 2 rejected \{"faithfulness below threshold":1,"judge refused":1\}, 0 unjudged; only those that passed are scored/);

    const al = await json('personas', 'align', '--norms', '300', '--size', '2', '--set', 'g');
    assert.deepEqual(al.gateReport, gateWant);
    assert.equal(al.excludedPersonas['rejected by the quality gate'], 2);
    assert.match(await run('personas', 'align', '--norms', '300', '--size', '2', '--set', 'g'), /^gate openai:scripted \(judge-v3, min-each 3, min-mean 4\): 2 of 4 judged passed/);

    // Revise with its own judge and scorer: the reviser's refusal prose is a failure; the revision is gated and scored.
    const rvArgs = ['personas', 'revise', '--model', model, '--set', 'g', '--group', 'adults living in Japan', '--group-label', 'JP', '--k', '2', '--min-cost', '0', '--judge-model', model, '--scorer-model', model, '--repeats', '1'];
    const rv = await json(...rvArgs);
    assert.deepEqual([rv.poorlyCovered, rv.revised, rv.failed], [2, 1, { refusal: 1 }]);
    assert.deepEqual([rv.judge.judged, rv.judge.passed], [1, 1]);
    assert.deepEqual([rv.gateReport.personas, rv.gateReport.passed, rv.gateReport.rejected], [1, 1, 0]);
    assert.equal(rv.score.scored, 1);
    store = await Store.open(db);
    const revised = (await listPersonas(store)).filter((p) => p.parentId);
    assert.equal(revised.length, 1);
    assert.ok(!revised[0].narrative.includes('As an AI'));
    store.close();
    const rvText = await run(...rvArgs);
    assert.match(rvText, /revised personas: gate openai:scripted \(judge-v3, min-each 3, min-mean 4\): 1 of 1 judged passed/);
    assert.match(rvText, /scored 1 of the revised personas that passed/);

    // The subgroup alignment: the revision replaces its parent; the gate covers originals and the revision.
    const jp = await json('personas', 'align', '--norms', '300', '--size', '2', '--set', 'jp', '--group-label', 'JP');
    assert.equal(jp.poolSize, 2);
    assert.equal(jp.excludedPersonas['replaced by its revision for the group'], 1);
    assert.deepEqual([jp.gateReport.personas, jp.gateReport.passed, jp.gateReport.rejected], [5, 3, 2]);
    const rep = await json('personas', 'report', '--set', 'jp');
    assert.deepEqual([rep.notes.gateReport.passed, rep.notes.gateReport.rejections], [3, gateWant.rejections]);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
