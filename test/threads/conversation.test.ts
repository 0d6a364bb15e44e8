import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildThreads } from '../../src/threads/build.ts';
import { ActivityBuilder, shape } from './helpers.ts';

const A = 'did:plc:aaaa';
const B = 'did:plc:bbbb';
const C = 'did:plc:cccc';

function clusters(map: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(map));
}

test('a reply tree becomes one DFS pre-order thread over all branches, target = last message', () => {
  const b = new ActivityBuilder();
  const root = b.post(A, 'r', 10, 'root');
  const x = b.post(B, 'x', 20, 'x', { parent: root });
  b.post(A, 'y', 30, 'y', { parent: root });
  b.post(C, 'x1', 40, 'x1', { parent: x, root });
  // compat appends children user by user (A's reply y before B's x); the default orders them by time
  for (const [compat, expected, actor] of [[true, 'root > y > x > x1', C], [false, 'root > x > x1 > y', A]] as const) {
    const { threads } = buildThreads(b.build(), clusters({ [A]: 0, [B]: 0, [C]: 0 }), { compat, scope: 'same-cluster' });
    assert.equal(threads.length, 1);
    assert.equal(shape(threads[0]), expected);
    assert.deepEqual(threads[0].messages.map((m) => m.action), [undefined, undefined, undefined, 'reply']);
    assert.equal(threads[0].messages[3].did, actor);
  }
});

test('a lone post is a one-message thread with action post', () => {
  const b = new ActivityBuilder();
  b.post(A, 'p', 1, 'hello');
  const { threads } = buildThreads(b.build(), clusters({ [A]: 0 }), { compat: false, scope: 'same-cluster' });
  assert.deepEqual(threads.map(shape), ['hello']);
  assert.equal(threads[0].messages[0].action, 'post');
});

test('depth cut-off: reply levels 1..6 below the start are kept, deeper ones dropped', () => {
  const b = new ActivityBuilder();
  let parent = b.post(A, 'l0', 0, 'l0');
  const root = parent;
  for (let level = 1; level <= 8; level++) parent = b.post(level % 2 ? B : A, `l${level}`, level, `l${level}`, { parent, root });
  const { threads } = buildThreads(b.build(), clusters({ [A]: 0, [B]: 0 }), { compat: true, scope: 'same-cluster' });
  // l7 has its parent processed (skipped), l8's parent l7 is unprocessed, its root is processed: dropped too
  assert.deepEqual(threads.map(shape), ['l0 > l1 > l2 > l3 > l4 > l5 > l6']);
});

test('orphans start their own thread; a reply whose parent is known but root differs starts at the root', () => {
  const b = new ActivityBuilder();
  const outside = 'at://did:plc:zzzz/app.bsky.feed.post/out';
  const o = b.post(A, 'o', 1, 'orphan', { parent: outside });
  b.post(B, 'o1', 2, 'o1', { parent: o, root: outside });
  // B's reply listed first by user order would reach the root through the root≠parent rule
  const b2 = new ActivityBuilder();
  const r = b2.post(A, 'r', 5, 'root');
  const m = b2.post(A, 'm', 6, 'mid', { parent: r });
  b2.post(B, 'leaf', 4, 'leaf', { parent: m, root: r }); // B is seen first (earlier seq? no: later) — order by first appearance
  const t1 = buildThreads(b.build(), clusters({ [A]: 0, [B]: 0 }), { compat: true, scope: 'same-cluster' }).threads;
  assert.deepEqual(t1.map(shape), ['orphan > o1']);
  const t2 = buildThreads(b2.build(), clusters({ [A]: 0, [B]: 0 }), { compat: true, scope: 'same-cluster' }).threads;
  assert.deepEqual(t2.map(shape), ['root > mid > leaf']);
});

test('root ≠ parent with the root seen first: the walk from the root reaches the reply', () => {
  const b = new ActivityBuilder();
  // B's reply is ingested before A's posts, so B is the first user and its reply is handled first
  const r = b.uri(A, 'r');
  const m = b.uri(A, 'm');
  b.post(B, 'leaf', 1, 'leaf', { parent: m, root: r });
  b.post(A, 'r', 2, 'root');
  b.post(A, 'm', 3, 'mid', { parent: r });
  const { threads } = buildThreads(b.build(), clusters({ [A]: 0, [B]: 0 }), { compat: true, scope: 'same-cluster' });
  assert.deepEqual(threads.map(shape), ['root > mid > leaf']);
  // compat: root and mid come from the reference's URI index and carry time 0; leaf too (walked from the root)
  assert.deepEqual(threads[0].messages.map((x) => x.timeUs), [0, 0, 0]);
  const dflt = buildThreads(b.build(), clusters({ [A]: 0, [B]: 0 }), { compat: false, scope: 'same-cluster' }).threads;
  assert.deepEqual(dflt[0].messages.map((x) => x.timeUs), [2, 3, 1]);
});

test('root == parent: start at the parent with this reply; the parent\'s other replies are not visited', () => {
  const b = new ActivityBuilder();
  const p = b.uri(A, 'p');
  b.post(B, 'first', 1, 'first', { parent: p });
  b.post(C, 'second', 2, 'second', { parent: p });
  b.post(A, 'p', 3, 'parent');
  const { threads } = buildThreads(b.build(), clusters({ [A]: 0, [B]: 0, [C]: 0 }), { compat: true, scope: 'same-cluster' });
  // B first: starts at the parent, appends "first"; C's reply then has a processed parent and is skipped
  assert.deepEqual(threads.map(shape), ['parent > first']);
  // compat times: parent from the index (0), the reply from its own list (1)
  assert.deepEqual(threads[0].messages.map((x) => x.timeUs), [0, 1]);
});

test('same-cluster scope cuts trees at cluster borders; all scope keeps them whole', () => {
  const b = new ActivityBuilder();
  const root = b.post(A, 'r', 1, 'root');
  const x = b.post(B, 'x', 2, 'x', { parent: root });
  b.post(A, 'y', 3, 'y', { parent: x, root });
  const cl = clusters({ [A]: 0, [B]: 1 });
  const same = buildThreads(b.build(), cl, { compat: true, scope: 'same-cluster' }).threads;
  // cluster 0 (A): root alone; y's parent x is outside the cluster: an orphan; cluster 1 (B): x is an orphan
  assert.deepEqual(same.map(shape), ['root', 'y', 'x']);
  const all = buildThreads(b.build(), cl, { compat: true, scope: 'all' }).threads;
  assert.deepEqual(all.map(shape), ['root > x > y']);
});

test('children order: compat appends user by user, default by time', () => {
  const b = new ActivityBuilder();
  const root = b.uri(A, 'r');
  b.post(B, 'b-early', 1, 'b-early', { parent: root }); // B seen first
  b.post(A, 'r', 0, 'root');
  b.post(C, 'c-mid', 2, 'c-mid', { parent: root });
  b.post(B, 'b-late', 3, 'b-late', { parent: root });
  const cl = clusters({ [A]: 0, [B]: 0, [C]: 0 });
  // user order by first appearance: B (seq 0), A, C. B's first reply: root≠parent? root == parent → start at parent.
  const compat = buildThreads(b.build(), cl, { compat: true, scope: 'same-cluster' }).threads;
  assert.deepEqual(compat.map(shape), ['root > b-early']); // c-mid and b-late: parent processed, skipped
  // A user that posts first sees the whole tree, compat ordering children user-major (B, B, C), default by time
  const b2 = new ActivityBuilder();
  const r2 = b2.post(A, 'r', 0, 'root');
  b2.post(C, 'c-mid', 2, 'c-mid', { parent: r2 });
  b2.post(B, 'b-early', 1, 'b-early', { parent: r2 });
  b2.post(B, 'b-late', 3, 'b-late', { parent: r2 });
  const cl2 = clusters({ [A]: 0, [B]: 0, [C]: 0 });
  assert.deepEqual(buildThreads(b2.build(), cl2, { compat: true, scope: 'same-cluster' }).threads.map(shape), ['root > c-mid > b-early > b-late']);
  assert.deepEqual(buildThreads(b2.build(), cl2, { compat: false, scope: 'same-cluster' }).threads.map(shape), ['root > b-early > c-mid > b-late']);
});

test('threads with a textless message are skipped and counted', () => {
  const b = new ActivityBuilder();
  const r = b.post(A, 'r', 1, '');
  b.post(B, 'x', 2, 'x', { parent: r });
  b.post(B, 'solo', 3, '   ');
  const res = buildThreads(b.build(), clusters({ [A]: 0, [B]: 0 }), { compat: false, scope: 'same-cluster' });
  assert.equal(res.threads.length, 0);
  assert.equal(res.skipped['conversation: a message without text'], 2);
});

test('compat visits records in ingest order (input files are not in time order); default in time order', () => {
  const b = new ActivityBuilder();
  b.post(A, 'late', 20, 'late'); // read first
  b.post(A, 'early', 10, 'early');
  const cl = clusters({ [A]: 0 });
  assert.deepEqual(buildThreads(b.build(), cl, { compat: true, scope: 'same-cluster' }).threads.map(shape), ['late', 'early']);
  assert.deepEqual(buildThreads(b.build(), cl, { compat: false, scope: 'same-cluster' }).threads.map(shape), ['early', 'late']);
});

test('an explicit user order (first event of any kind) decides which user is visited first', () => {
  const b = new ActivityBuilder();
  const r = b.post(A, 'r', 1, 'root');
  b.post(B, 'x', 2, 'x', { parent: r });
  b.post(C, 'y', 3, 'y', { parent: r });
  const cl = clusters({ [A]: 0, [B]: 0, [C]: 0 });
  // visiting C first: C's reply starts at its parent (root == parent) and B's sibling reply is then skipped
  assert.deepEqual(buildThreads(b.build(), cl, { compat: true, scope: 'same-cluster', userOrder: [C, A, B] }).threads.map(shape), ['root > y']);
  assert.deepEqual(buildThreads(b.build(), cl, { compat: true, scope: 'same-cluster' }).threads.map(shape), ['root > x > y']);
  assert.throws(() => buildThreads(b.build(), cl, { compat: true, scope: 'same-cluster', userOrder: [A] }), /every retained user/);
});
