import { test } from 'node:test';
import assert from 'node:assert/strict';
import { designStudy, validateSettings, DEFAULT_SETTINGS, type Candidate } from '../../src/web/study/design.ts';

const candidates: Candidate[] = [];
for (const model of ['m-a', 'm-b']) for (let t = 0; t < 10; t++) candidates.push({ model, taskId: `task-0-${t}`, context: [{ role: 'user0', text: `ctx ${t}` }], real: `real ${t}`, generated: `${model} ${t}` });

test('the design is seeded, balanced across models, and shows real or generated posts as recorded', () => {
  const s = { ...DEFAULT_SETTINGS, raters: 3, itemsPerRater: 6, attentionChecks: 2, seed: 7 };
  const a = designStudy(candidates, s);
  assert.deepEqual(a, designStudy(candidates, s));
  assert.notDeepEqual(a.assignments, designStudy(candidates, { ...s, seed: 8 }).assignments);
  assert.equal(a.items.length, 22);
  for (const it of a.items.slice(0, 20)) {
    const c = candidates[it.itemNo];
    assert.equal(it.candidate, it.kind === 'real' ? c.real : c.generated);
    assert.equal(it.expected, it.kind === 'real' ? 'real' : 'ai');
    assert.equal(it.model, c.model);
  }
  const real = a.items.filter((i) => i.kind === 'real').length;
  assert.ok(real > 3 && real < 17, `real share ${real}/20`);
  for (const list of a.assignments) {
    assert.equal(list.length, 8);
    assert.equal(new Set(list).size, 8);
    const arms = list.map((n) => a.items[n].model).filter((m) => m !== null);
    assert.equal(arms.filter((m) => m === 'm-a').length, 3);
    assert.equal(arms.filter((m) => m === 'm-b').length, 3);
    assert.notEqual(a.items[list[0]].kind, 'attention');
    assert.equal(list.filter((n) => a.items[n].kind === 'attention').length, 2);
  }
});

test('without context the items carry none; realShare 0 and 1 give only model or only real posts', () => {
  const none = designStudy(candidates, { ...DEFAULT_SETTINGS, showContext: false, realShare: 0 });
  assert.ok(none.items.every((i) => i.context === '[]'));
  assert.ok(none.items.filter((i) => i.kind !== 'attention').every((i) => i.kind === 'model'));
  const all = designStudy(candidates, { ...DEFAULT_SETTINGS, realShare: 1 });
  assert.ok(all.items.filter((i) => i.kind !== 'attention').every((i) => i.kind === 'real'));
});

test('a pool smaller than the items per rater gives every rater every item (full overlap for agreement)', () => {
  const d = designStudy(candidates.slice(0, 4), { ...DEFAULT_SETTINGS, raters: 2, itemsPerRater: 50, attentionChecks: 0 });
  assert.deepEqual([...d.assignments[0]].sort(), [0, 1, 2, 3]);
  assert.deepEqual([...d.assignments[1]].sort(), [0, 1, 2, 3]);
});

test('settings are validated', () => {
  assert.deepEqual(validateSettings(DEFAULT_SETTINGS), []);
  const bad = validateSettings({ raters: 0, itemsPerRater: 1.5, showContext: 'yes' as unknown as boolean, realShare: 2, attentionChecks: -1, seed: -1, linkDays: 0 });
  assert.equal(bad.length, 7);
});
