import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracySummary, krippendorffAlpha, pairwiseAgreement, studyResults, wilson, type ResponseFact } from '../../src/web/study/stats.ts';
import { csvField, responsesCsv } from '../../src/web/api-admin.ts';

const close = (a: number, b: number, tol = 5e-4) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('accuracy and the reference interval reproduce the paper table (spec §10.2)', () => {
  const rows: [number, number, number, number, number, number][] = [
    // correct, incorrect, unsure, accuracy, ci low, ci high
    [103, 31, 0, 0.769, 0.697, 0.84],
    [81, 24, 6, 0.757, 0.677, 0.837],
    [81, 31, 2, 0.719, 0.637, 0.802],
    [56, 32, 15, 0.617, 0.523, 0.71],
    [40, 31, 4, 0.56, 0.448, 0.672],
  ];
  for (const [c, i, u, acc, lo, hi] of rows) {
    const s = accuracySummary({ n: c + i + u, correct: c, incorrect: i, unsure: u });
    close(s.accuracy!, acc);
    close(s.referenceCi![0], lo, 1e-3);
    close(s.referenceCi![1], hi, 1e-3);
    assert.ok(s.wilsonCi![0] > lo - 0.02 && s.wilsonCi![1] < hi + 0.02);
  }
  // The pilot: (54 + 14/2) / 96.
  close(accuracySummary({ n: 96, correct: 54, incorrect: 28, unsure: 14 }).accuracy!, 0.635);
  assert.equal(accuracySummary({ n: 0, correct: 0, incorrect: 0, unsure: 0 }).accuracy, null);
});

test('the reference interval uses z = 1.96 exactly, as the reference notebook does; Wilson uses the exact quantile', () => {
  for (const t of [{ n: 134, correct: 103, incorrect: 31, unsure: 0 }, { n: 75, correct: 40, incorrect: 31, unsure: 4 }, { n: 7, correct: 3, incorrect: 2, unsure: 2 }]) {
    const s = accuracySummary(t);
    const acc = (t.correct + t.unsure / 2) / t.n;
    const half = 1.96 * Math.sqrt((acc * (1 - acc)) / t.n);
    // 1.959964 instead of 1.96 moves the bounds by about 1e-6: far inside the table's rounding, outside this tolerance.
    assert.ok(Math.abs(s.referenceCi![0] - (acc - half)) < 1e-12, `${s.referenceCi![0]} vs ${acc - half}`);
    assert.ok(Math.abs(s.referenceCi![1] - (acc + half)) < 1e-12);
    const [lo, hi] = wilson(acc, t.n, 1.959963984540054);
    assert.deepEqual(s.wilsonCi, [lo, hi]);
  }
});

test('Wilson interval: known values and bounds', () => {
  const [lo, hi] = wilson(0.5, 100);
  close(lo, 0.4038);
  close(hi, 0.5962);
  const [lo1, hi1] = wilson(1, 10);
  close(lo1, 0.7225);
  close(hi1, 1, 1e-12);
});

test("Krippendorff's alpha (nominal) and pairwise agreement", () => {
  // Coincidences: o_aa = 2, o_ab = o_ba = 1, o_bb = 4; n_a = 3, n_b = 5; alpha = 1 - 7·2/30.
  const units = [['a', 'a'], ['a', 'b'], ['b', 'b'], ['b', 'b']];
  close(krippendorffAlpha(units)!, 1 - 14 / 30, 1e-9);
  assert.equal(pairwiseAgreement(units), 0.75);
  assert.equal(krippendorffAlpha([['a', 'a'], ['a', 'a']]), null);
  assert.equal(krippendorffAlpha([['a']]), null);
  assert.equal(krippendorffAlpha([['a', 'b'], ['b', 'a']])! < 0, true);
});

test('study results per model, attention checks and leaving out inattentive raters', () => {
  const f = (raterNo: number, itemNo: number, kind: ResponseFact['kind'], model: string | null, expected: ResponseFact['expected'], answer: ResponseFact['answer']): ResponseFact => ({ raterNo, itemNo, kind, model, expected, answer, elapsedMs: 1000 + itemNo });
  const facts = [
    f(0, 0, 'real', 'm', 'real', 'real'),
    f(0, 1, 'model', 'm', 'ai', 'unsure'),
    f(0, 9, 'attention', null, 'unsure', 'unsure'),
    f(1, 0, 'real', 'm', 'real', 'ai'),
    f(1, 1, 'model', 'm', 'ai', 'ai'),
    f(1, 9, 'attention', null, 'unsure', 'real'),
  ];
  const all = studyResults(facts);
  assert.equal(all.models.length, 1);
  const m = all.models[0];
  assert.deepEqual([m.n, m.correct, m.incorrect, m.unsure], [4, 2, 1, 1]);
  close(m.accuracy!, 2.5 / 4, 1e-12);
  assert.equal(m.byShown.real.n, 2);
  assert.equal(m.agreement.itemsWithTwoOrMore, 2);
  assert.equal(m.agreement.pairwise, 0);
  assert.deepEqual(all.attention, [{ raterNo: 0, passed: 1, total: 1 }, { raterNo: 1, passed: 0, total: 1 }]);
  const attentive = studyResults(facts, true);
  assert.deepEqual(attentive.excludedRaters, [1]);
  assert.equal(attentive.models[0].n, 2);
  close(attentive.models[0].accuracy!, 0.75, 1e-12);
});

test('CSV fields are quoted and formula-looking text is defused', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField(-3), '-3');
  assert.equal(csvField(null), '');
  const csv = responsesCsv('s1', [{ raterNo: 0, itemNo: 2, kind: 'model', model: '+m', taskId: 'task-0-1', expected: 'ai', answer: 'unsure', elapsedMs: 5, answeredAt: '2026-01-01T00:00:00Z' }]);
  assert.equal(csv.split('\r\n')[1], "s1,0,2,model,'+m,task-0-1,ai,unsure,0.5,5,2026-01-01T00:00:00Z");
});
