import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { designStudy, validateSettings, DEFAULT_SETTINGS, REPLICATION, type Candidate, type StudySettings } from '../../src/web/study/design.ts';

// Two models answered the same ten tasks: 20 (task, model) pairs, but only ten distinct threads.
const candidates: Candidate[] = [];
for (const model of ['m-a', 'm-b']) for (let t = 0; t < 10; t++) candidates.push({ model, taskId: `task-0-${t}`, context: [{ role: 'user0', text: `ctx ${t}` }], real: `real ${t}`, generated: `${model} ${t}` });

const taskOf = (d: ReturnType<typeof designStudy>, n: number) => d.items[n].taskId;

/** Every rater: no task twice, as many tasks as asked (or all), checks never first, items consistent with their kind. */
function checkInvariants(d: ReturnType<typeof designStudy>, cands: readonly Candidate[], s: StudySettings): void {
  const tasks = new Set(cands.map((c) => c.taskId));
  for (const [r, list] of d.assignments.entries()) {
    const taskItems = list.filter((n) => d.items[n].kind !== 'attention');
    const ids = taskItems.map((n) => taskOf(d, n));
    assert.equal(new Set(ids).size, ids.length, `rater ${r} has two items of the same task: ${ids.join(' ')}`);
    assert.equal(taskItems.length, Math.min(s.itemsPerRater, tasks.size), `rater ${r}: tasks given`);
    assert.equal(list.length - taskItems.length, s.attentionChecks);
    if (list.length > 1) assert.notEqual(d.items[list[0]].kind, 'attention');
  }
  for (const it of d.items) {
    if (it.kind === 'attention') continue;
    const c = cands.find((x) => x.model === it.model && x.taskId === it.taskId)!;
    assert.ok(c, 'every item is a (model, task) pair of the input');
    assert.equal(it.candidate, it.kind === 'real' ? c.real : c.generated);
    assert.equal(it.expected, it.kind === 'real' ? 'real' : 'ai');
  }
  // Items are exactly the conditions some rater is given (plus the checks), numbered densely.
  assert.deepEqual(d.items.map((i) => i.itemNo), [...d.items.keys()]);
  const used = new Set(d.assignments.flat());
  assert.equal(used.size, d.items.length);
}

test('the design is seeded; one item per task per rater; arms balanced; real share per arm as configured', () => {
  const s = { ...DEFAULT_SETTINGS, raters: 3, itemsPerRater: 6, attentionChecks: 2, seed: 7 };
  const a = designStudy(candidates, s);
  assert.deepEqual(a, designStudy(candidates, s));
  assert.notDeepEqual(a.assignments, designStudy(candidates, { ...s, seed: 8 }).assignments);
  checkInvariants(a, candidates, s);
  for (const list of a.assignments) {
    assert.equal(list.length, 8);
    const arm = (m: string) => list.filter((n) => a.items[n].model === m);
    assert.equal(arm('m-a').length, 3);
    assert.equal(arm('m-b').length, 3);
    for (const m of ['m-a', 'm-b']) {
      const real = arm(m).filter((n) => a.items[n].kind === 'real').length;
      assert.ok(real === 1 || real === 2, `real share 0.5 of 3 items rounds to 1 or 2, got ${real}`);
    }
    assert.equal(list.filter((n) => a.items[n].kind === 'attention').length, 2);
  }
});

test('without context the items carry none; realShare 0 and 1 give only model or only real posts', () => {
  const none = designStudy(candidates, { ...DEFAULT_SETTINGS, showContext: false, realShare: 0 });
  assert.ok(none.items.every((i) => i.context === '[]'));
  assert.ok(none.items.filter((i) => i.kind !== 'attention').every((i) => i.kind === 'model'));
  const all = designStudy(candidates, { ...DEFAULT_SETTINGS, realShare: 1 });
  assert.ok(all.items.filter((i) => i.kind !== 'attention').every((i) => i.kind === 'real'));
  // All real: each rater sees each real post once, never twice through two model arms.
  for (const list of all.assignments) {
    const texts = list.map((n) => all.items[n].candidate);
    assert.equal(new Set(texts).size, texts.length);
  }
});

test('a pool smaller than the items per rater: every rater sees every task once, and two raters share their items', () => {
  // Two models over four tasks: the old design gave each rater all eight (task, model) items, i.e. every thread twice.
  const pool = candidates.filter((c) => Number(c.taskId.split('-')[2]) < 4);
  const s = { ...DEFAULT_SETTINGS, raters: 2, itemsPerRater: 50, attentionChecks: 0 };
  const d = designStudy(pool, s);
  checkInvariants(d, pool, s);
  for (const list of d.assignments) assert.deepEqual(list.map((n) => taskOf(d, n)).sort(), ['task-0-0', 'task-0-1', 'task-0-2', 'task-0-3']);
  assert.deepEqual([...d.assignments[0]].sort(), [...d.assignments[1]].sort(), 'full overlap, so agreement can be measured');
  // Two more raters get the conditions the first two did not see (coverage), before anything is replicated again.
  const four = designStudy(pool, { ...s, raters: 4 });
  const times = new Map<number, number>();
  for (const n of four.assignments.flat()) times.set(n, (times.get(n) ?? 0) + 1);
  assert.ok([...times.values()].every((t) => t <= REPLICATION), `no item rated by more than ${REPLICATION} raters while others are unseen`);
  assert.ok(four.items.length > d.items.length);
});

test('models that answered different tasks: tasks still once per rater, arms filled as far as they can be', () => {
  const partial: Candidate[] = [...candidates.filter((c) => c.model === 'm-a'), ...candidates.filter((c) => c.model === 'm-b' && Number(c.taskId.split('-')[2]) < 2)];
  const s = { ...DEFAULT_SETTINGS, raters: 3, itemsPerRater: 8, attentionChecks: 1, seed: 3 };
  const d = designStudy(partial, s);
  checkInvariants(d, partial, s);
  for (const list of d.assignments) {
    const b = list.filter((n) => d.items[n].model === 'm-b').length;
    assert.ok(b <= 2, 'm-b answered only two tasks');
  }
});

test('property: over random pools and settings no rater ever has two items with the same task', () => {
  const rng = new Rng(2024);
  for (let round = 0; round < 300; round++) {
    const nTasks = 1 + rng.int(25);
    const nModels = 1 + rng.int(4);
    const cands: Candidate[] = [];
    for (let m = 0; m < nModels; m++) {
      for (let t = 0; t < nTasks; t++) {
        if (m > 0 && rng.next() < 0.3) continue; // some models skip some tasks
        cands.push({ model: `model-${m}`, taskId: `task-${t % 3}-${t}`, context: [], real: `real ${t}`, generated: `gen ${m} ${t}` });
      }
    }
    if (rng.next() < 0.2) cands.push({ ...cands[0] }); // a duplicate (model, task) pair
    const s: StudySettings = { ...DEFAULT_SETTINGS, raters: 1 + rng.int(12), itemsPerRater: 1 + rng.int(30), realShare: rng.pick([0, 0.25, 0.5, 0.8, 1]), attentionChecks: rng.int(3), seed: rng.int(1e6) };
    const d = designStudy(cands, s);
    checkInvariants(d, cands, s);
    if (s.realShare === 0 || s.realShare === 1) {
      const want = s.realShare === 1 ? 'real' : 'model';
      const full = cands.length === nTasks * nModels; // every model answered every task: no fallback draws
      if (full) assert.ok(d.items.every((i) => i.kind === 'attention' || i.kind === want));
    }
  }
});

test('over many raters the real share and the arms come out as configured', () => {
  const s = { ...DEFAULT_SETTINGS, raters: 200, itemsPerRater: 7, realShare: 0.3, attentionChecks: 0, seed: 11 };
  const d = designStudy(candidates, s);
  let real = 0;
  let total = 0;
  const arms = new Map<string, number>();
  for (const list of d.assignments) {
    for (const n of list) {
      total++;
      if (d.items[n].kind === 'real') real++;
      arms.set(d.items[n].model!, (arms.get(d.items[n].model!) ?? 0) + 1);
    }
    const a = list.filter((n) => d.items[n].model === 'm-a').length;
    assert.ok(a === 3 || a === 4, 'seven tasks over two arms: 3 + 4');
  }
  assert.ok(Math.abs(real / total - 0.3) < 0.02, `real share ${real / total}`);
  assert.ok(Math.abs(arms.get('m-a')! - arms.get('m-b')!) <= 0.05 * total);
});

test('settings are validated', () => {
  assert.deepEqual(validateSettings(DEFAULT_SETTINGS), []);
  const bad = validateSettings({ raters: 0, itemsPerRater: 1.5, showContext: 'yes' as unknown as boolean, realShare: 2, attentionChecks: -1, seed: -1, linkDays: 0 });
  assert.equal(bad.length, 7);
});

test('the order is randomised per rater: raters given the same tasks see them in different orders, not item order', () => {
  // Ten tasks, ten per rater: every rater gets all ten, so only the order can differ.
  const d = designStudy(candidates, { ...DEFAULT_SETTINGS, raters: 6, itemsPerRater: 10, attentionChecks: 0, seed: 11 });
  const orders = d.assignments.map((list) => list.map((n) => taskOf(d, n)).join(' '));
  assert.equal(new Set(orders).size, orders.length, 'every rater has an order of their own');
  const sorted = (list: number[]) => list.every((n, i) => i === 0 || list[i - 1] < n);
  assert.ok(d.assignments.every((list) => !sorted(list)), 'no rater sees the items in item-number (input) order');
  // The first task shown varies across raters (a fixed first task would be an order effect).
  assert.ok(new Set(d.assignments.map((list) => taskOf(d, list[0]))).size > 1);
});
