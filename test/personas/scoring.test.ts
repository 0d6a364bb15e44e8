import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { parseFfm50, parseNeo120, scoreAnswers } from '../../src/personas/instruments.ts';
import { describeFilter, ffmCodeForColumn, filterReference, parseHumanReference } from '../../src/personas/human-reference.ts';
import { parseLikertReply, readItemLineValue, readLikertValue } from '../../src/personas/likert.ts';
import { applyGate, parseJudgeReply } from '../../src/personas/judge.ts';
import { parseCsv } from '../../src/personas/csv.ts';

const dir = fileURLToPath(new URL('../../fixtures/bigfive-instruments/', import.meta.url));
const ffm = parseFfm50(readFileSync(`${dir}ipip-ffm-50-items.csv`, 'utf8'));
const neo = parseNeo120(readFileSync(`${dir}ipip-neo-120-items.csv`, 'utf8'));

test('instruments load with the standard IPIP keys', () => {
  assert.equal(ffm.items.length, 50);
  assert.equal(ffm.items[0].code, 'EXT1'); // page order
  const rev = ffm.items.filter((i) => i.reversed).map((i) => i.code).sort();
  assert.deepEqual(rev, ['AGR1', 'AGR3', 'AGR5', 'AGR7', 'CSN2', 'CSN4', 'CSN6', 'CSN8', 'EST2', 'EST4', 'EXT10', 'EXT2', 'EXT4', 'EXT6', 'EXT8', 'OPN2', 'OPN4', 'OPN6']);
  assert.equal(ffm.items.find((i) => i.code === 'EST1')?.trait, 'N');
  assert.equal(neo.items.length, 120);
  assert.equal(neo.items.filter((i) => i.reversed).length, 55);
  assert.equal(neo.items[0].text, 'I worry about things.');
  assert.equal(neo.items.find((i) => i.code === '1')?.trait, 'N');
});

test('scoring reverses keyed items and averages per trait; short traits are refused', () => {
  const all5 = new Map(ffm.items.map((i) => [i.code, 5]));
  const s = scoreAnswers(ffm, all5);
  // reversed items per trait: E 5, C 4, A 4, O 3, N 2 → E (5·5+5·1)/10 = 3, C and A 3.4, O 3.8, N 4.2
  assert.deepEqual(s.big5, { O: 3.8, C: 3.4, E: 3, A: 3.4, N: 4.2 });
  const partial = new Map(all5);
  partial.delete('EXT1');
  partial.set('EXT3', 7); // out of range: not counted
  assert.equal(scoreAnswers(ffm, partial).big5, null);
  assert.match(scoreAnswers(ffm, partial).reason ?? '', /E/);
  const lenient = scoreAnswers(ffm, partial, 0.8);
  assert.equal(lenient.validItems.E, 8);
  assert.equal(lenient.big5?.E, (3 * 5 + 5 * 1) / 8);
});

function tsv(rows: string[][]): string {
  const header = ['race', 'age', 'engnat', 'gender', 'hand', 'source', 'country', ...['E', 'N', 'A', 'C', 'O'].flatMap((p) => Array.from({ length: 10 }, (_, i) => `${p}${i + 1}`))];
  return [header, ...rows].map((r) => r.join('\t')).join('\n') + '\n';
}

test('the human file parser scores rows and counts missing, bad and short rows with reasons', () => {
  const items = (v: number) => Array.from({ length: 50 }, () => String(v));
  const withZero = items(3);
  withZero[7] = '0';
  const outOfRange = items(3);
  outOfRange[12] = '9';
  const text = tsv([
    ['3', '25', '1', '2', '1', '1', 'US', ...items(5)],
    ['3', '999', '1', '0', '1', '1', '(nu', ...items(1)],
    ['3', '25', '1', '1', '1', '1', 'GB', ...withZero],
    ['3', '25', '1', '1', '1', '1', 'GB', ...outOfRange],
    ['3', '25', '1', '1'],
  ]);
  const r = parseHumanReference(text, ffm);
  assert.equal(r.rows, 5);
  assert.equal(r.respondents.length, 2);
  assert.deepEqual(r.excluded, { 'missing item answer (0)': 1, 'unparsable or out-of-range item answer': 1, 'wrong number of fields': 1 });
  assert.deepEqual(r.respondents[0], { big5: { O: 3.8, C: 3.4, E: 3, A: 3.4, N: 4.2 }, country: 'US', age: 25, gender: 'female' });
  assert.deepEqual(r.respondents[1], { big5: { O: 2.2, C: 2.6, E: 3, A: 2.6, N: 1.8 } }); // age 999, gender 0, country "(null)" dropped
  assert.equal(ffmCodeForColumn('N10'), 'EST10');
  assert.equal(ffmCodeForColumn('country'), undefined);
  assert.equal(filterReference(r.respondents, { countries: ['us'] }).length, 1);
  assert.equal(filterReference(r.respondents, { minAge: 30 }).length, 0);
  assert.equal(filterReference(r.respondents, { gender: 'female', maxAge: 30 }).length, 1);
  assert.equal(describeFilter({ countries: ['JP', 'KR'], gender: 'male' }), 'country in JP/KR, gender male');
  assert.throws(() => parseHumanReference('a\tb\n1\t2\n', ffm), /item columns/);
});

test('Likert replies are read from JSON, fenced JSON, lines and labels, with statuses', () => {
  assert.deepEqual(parseLikertReply('{"answers": {"1": 5, "2": "2", "3": 3}}', 3).values, [5, 2, 3]);
  const fenced = parseLikertReply('Sure!\n```json\n{"answers": {"1": 4, "2": 9, "3": 2.5}}\n```', 4);
  assert.deepEqual(fenced.values, [4, null, null, null]);
  assert.deepEqual(fenced.status, ['ok', 'out_of_range', 'out_of_range', 'missing']);
  const lines = parseLikertReply('1. Very accurate\n2: moderately inaccurate\n3) 3\n4 - banana', 4);
  assert.deepEqual(lines.values, [5, 2, 3, null]);
  assert.equal(lines.status[3], 'unparsable');
  assert.deepEqual(parseLikertReply('[1,2,3]', 3).values, [1, 2, 3]);
  const refusal = parseLikertReply("I'm sorry, but as an AI I cannot answer personality questions.", 3);
  assert.equal(refusal.refusal, true);
  assert.deepEqual(refusal.status, ['missing', 'missing', 'missing']);
  assert.deepEqual(readLikertValue('Neither accurate nor inaccurate'), { value: 3, status: 'ok' });
  assert.deepEqual(readLikertValue(0), { value: null, status: 'out_of_range' });
});

test('Likert answers: fractions, prefixes, brackets, labels, spelled numbers and explanations read; off-scale and two-answer replies rejected', () => {
  const read = (s: string) => readLikertValue(s).value;
  const accepted: Array<[string, number]> = [
    ['4/5', 4], ['4 / 5', 4], ['2 out of 5', 2], ['Rating: 2 out of 5', 2], ['Answer: 4', 4], ['My answer is 3', 3], ['(4)', 4], ['[2]', 2],
    ["I'd say 4", 4], ['I would rate this a 4/5 because they love parties.', 4], ['Strongly agree', 5], ['strongly disagree', 1],
    ['Disagree strongly', 1], ['I agree', 4], ['Somewhat disagree', 2], ['Neutral', 3], ['4 - they enjoy crowds', 4], ['4, because I like it', 4],
    ['four', 4], ['Four (moderately accurate)', 4], ['**5**', 5], ['4.', 4], ['4.0', 4], ['Moderately accurate (4)', 4],
  ];
  for (const [s, v] of accepted) assert.deepEqual(readLikertValue(s), { value: v, status: 'ok' }, s);
  const rejected: Array<[string, string]> = [
    ['7', 'out_of_range'], ['0', 'out_of_range'], ['-1', 'out_of_range'], ['4.5', 'out_of_range'], ['10/10', 'out_of_range'], ['3/7', 'out_of_range'],
    ['2 out of 7', 'out_of_range'], ['six', 'out_of_range'], ['3-4', 'unparsable'], ['3 or 4', 'unparsable'], ['between 3 and 4', 'unparsable'],
    ["I'd say between 3 and 4", 'unparsable'], ['N/A', 'unparsable'], ['it depends', 'unparsable'], ['  ', 'missing'],
  ];
  for (const [s, st] of rejected) assert.deepEqual(readLikertValue(s), { value: null, status: st }, s);
  assert.equal(read('5'), 5);
  assert.equal(readLikertValue('6', 7).value, 6, 'the scale maximum is a parameter');
  assert.equal(readLikertValue('6/7', 7).value, 6);
  // Item lines: echoed statements with the answer trailing, and the same rejections.
  assert.deepEqual(readItemLineValue('I am the life of the party: 4'), { value: 4, status: 'ok' });
  assert.deepEqual(readItemLineValue('I am the life of the party (2 out of 5)'), { value: 2, status: 'ok' });
  assert.deepEqual(readItemLineValue('I have two cats — Very accurate'), { value: 5, status: 'ok' });
  assert.deepEqual(readItemLineValue('I am the life of the party: 3 or 4'), { value: null, status: 'unparsable' });
  assert.deepEqual(readItemLineValue('I am the life of the party: 6/7'), { value: null, status: 'out_of_range' });
  const lines = parseLikertReply('1. 4/5 - I love parties\n2. Answer: 2\n3. (5)\n4. 9\n5. Strongly disagree, since they avoid crowds\n6. 3 or 4', 6);
  assert.deepEqual(lines.values, [4, 2, 5, null, 1, null]);
  assert.deepEqual(lines.status, ['ok', 'ok', 'ok', 'out_of_range', 'ok', 'unparsable']);
  // One statement per call: the reply is the answer.
  for (const [reply, v] of [['4', 4], ['Answer: 4', 4], ['Strongly agree.', 5], ['(2)\nThey avoid crowds.', 2], ['I would rate this a 4/5 because they love parties.', 4]] as const)
    assert.deepEqual(parseLikertReply(reply, 1).values, [v], reply);
  assert.deepEqual(parseLikertReply('I guess 7?', 1).status, ['out_of_range']);
  const refused = parseLikertReply("As an AI, I don't have personal experiences or feelings.", 1);
  assert.deepEqual([refused.refusal, refused.values], [true, [null]]);
  assert.equal(parseLikertReply("I'm sorry, but I can't answer that.", 1).refusal, true);
});

test('judge replies are validated and the gate spells out its failures', () => {
  const ok = parseJudgeReply('{"faithfulness": 5, "specificity": 4, "consistency": 5, "privacy": 4, "reasons": "fine"}');
  assert.deepEqual(ok, { faithfulness: 5, specificity: 4, consistency: 5, privacy: 4, reasons: 'fine' });
  assert.equal(parseJudgeReply('{"faithfulness": 6, "specificity": 4, "consistency": 5, "privacy": 4}'), undefined);
  assert.equal(parseJudgeReply('no json here'), undefined);
  assert.deepEqual(applyGate(ok!), { passed: true, failures: [] });
  const bad = applyGate({ faithfulness: 2, specificity: 4, consistency: 4, privacy: 5 });
  assert.equal(bad.passed, false);
  assert.deepEqual(bad.failures, ['faithfulness 2 < 3', 'mean 3.75 < 4']);
});

test('the CSV reader handles quotes, doubled quotes and CRLF', () => {
  assert.deepEqual(parseCsv('a,b\r\n"x, y","say ""hi"""\n'), [['a', 'b'], ['x, y', 'say "hi"']]);
});

test('users need enough history; long histories are sampled evenly across time', async () => {
  const { eligibility, samplePostsEvenly } = await import('../../src/personas/generate.ts');
  assert.equal(eligibility({ id: 'u', posts: ['a b', 'c'] }, 3, 0), 'fewer than 3 posts');
  assert.equal(eligibility({ id: 'u', posts: ['a b', 'c', 'd', '  '] }, 3, 5), 'fewer than 5 words');
  assert.equal(eligibility({ id: 'u', posts: ['a b', 'c', 'd e f'] }, 3, 5), undefined);
  const posts = Array.from({ length: 100 }, (_, i) => `post-${String(i).padStart(3, '0')} ${'x'.repeat(82)}`); // 91 chars (+8 counted per post)
  assert.deepEqual(samplePostsEvenly(posts.slice(0, 5), 10_000), posts.slice(0, 5));
  const picked = samplePostsEvenly(posts, 1_100);
  assert.equal(picked.length, 11); // floor(100 · 1100 / 9900)
  assert.ok(picked.reduce((s, p) => s + p.length + 8, 0) <= 1_100);
  assert.deepEqual([...picked].sort(), picked, 'time order kept');
  assert.ok(picked[0].startsWith('post-00') && picked.at(-1)!.startsWith('post-09'), 'spread over the whole history');
});
