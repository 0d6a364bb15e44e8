import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildThreads } from '../../src/threads/build.ts';
import { ActivityBuilder, shape } from './helpers.ts';

const A = 'did:plc:aaaa';
const B = 'did:plc:bbbb';
const OUT = 'did:plc:gone'; // not retained

const cl = new Map([[A, 0], [B, 1]]);

test('action pairs: context = target post, in the reference key order, any cluster\'s posts as targets', () => {
  const b = new ActivityBuilder();
  const pa = b.post(A, 'pa', 10, 'post by A');
  const pb = b.post(B, 'pb', 11, 'post by B');
  b.action({ key: 'quote', did: A, timeUs: 20, subjectUri: pb, text: 'my quote' });
  b.action({ key: 'like', did: A, timeUs: 21, subjectUri: pb });
  b.action({ key: 'repost', did: B, timeUs: 22, subjectUri: pa });
  b.action({ key: 'unlike', did: A, timeUs: 23, subjectUri: pb });
  const { threads } = buildThreads(b.build(), cl, { compat: false, scope: 'same-cluster' });
  // cluster 0: A's post, then like, unlike, quote; cluster 1: B's post, then repost
  assert.deepEqual(threads.map((t) => t.kind), ['conversation', 'like', 'unlike', 'quote', 'conversation', 'repost']);
  assert.deepEqual(threads.slice(1, 4).map(shape), ['post by B > <like>', 'post by B > <unlike>', 'post by B > my quote']);
  const like = threads[1];
  assert.deepEqual(like.messages, [
    { did: B, timeUs: 11, text: 'post by B' },
    { did: A, timeUs: 21, action: 'like' },
  ]);
});

test('compat drops quote and post_update text; default keeps it', () => {
  const b = new ActivityBuilder();
  b.post(A, 'p1', 1, 'original');
  b.post(A, 'p2', 2, 'other');
  b.action({ key: 'post_update', did: A, timeUs: 5, subjectUri: b.uri(A, 'p1'), text: 'edited' });
  b.action({ key: 'post_delete', did: A, timeUs: 6, subjectUri: b.uri(A, 'p2') });
  const compat = buildThreads(b.build(), new Map([[A, 0]]), { compat: true, scope: 'same-cluster' }).threads;
  assert.deepEqual(compat.filter((t) => t.kind !== 'conversation').map(shape), ['original > <post_update>', 'other > <post_delete>']);
  const dflt = buildThreads(b.build(), new Map([[A, 0]]), { compat: false, scope: 'same-cluster' }).threads;
  assert.deepEqual(dflt.filter((t) => t.kind !== 'conversation').map(shape), ['original > edited', 'other > <post_delete>']);
  assert.equal(dflt[2].messages[1].action, 'post_update');
});

test('user-directed actions use the target\'s latest post at or before the action as proxy', () => {
  const b = new ActivityBuilder();
  b.post(B, 'b1', 10, 'b1');
  b.post(B, 'b2', 20, 'b2', { parent: 'at://did:plc:x/app.bsky.feed.post/q' });
  b.post(B, 'b3', 30, 'b3');
  b.post(A, 'a1', 1, 'a1');
  b.action({ key: 'follow', did: A, timeUs: 20, subjectDid: B });
  b.action({ key: 'block', did: A, timeUs: 25, subjectDid: B });
  b.action({ key: 'unblock', did: A, timeUs: 31, subjectDid: B });
  b.action({ key: 'follow', did: A, timeUs: 5, subjectDid: B }); // before any post of B
  b.action({ key: 'follow', did: A, timeUs: 40, subjectDid: OUT }); // not retained
  b.action({ key: 'unfollow', did: A, timeUs: 41, subjectDid: B, unresolved: 'no create' });
  const res = buildThreads(b.build(), cl, { compat: true, scope: 'same-cluster' });
  const acts = res.threads.filter((t) => t.kind !== 'conversation');
  assert.deepEqual(acts.map(shape), ['b2 > <follow>', 'b2 > <block>', 'b3 > <unblock>']);
  assert.deepEqual(res.skipped, {
    'follow: target account has no post at or before the action': 1,
    'follow: target account not retained': 1,
    'unfollow: no create': 1,
  });
});

test('proxy ties: compat prefers a top-level post over a reply at the same time, default the last ingested', () => {
  const b = new ActivityBuilder();
  b.post(B, 'b1', 10, 'post');
  b.post(B, 'b2', 10, 'reply', { parent: 'at://did:plc:x/app.bsky.feed.post/q' });
  b.post(B, 'b0', 10, 'post two');
  b.post(A, 'a1', 1, 'a1');
  b.action({ key: 'follow', did: A, timeUs: 10, subjectDid: B });
  const compat = buildThreads(b.build(), cl, { compat: true, scope: 'same-cluster' }).threads.filter((t) => t.kind === 'follow');
  assert.deepEqual(compat.map(shape), ['post > <follow>']);
  const dflt = buildThreads(b.build(), cl, { compat: false, scope: 'same-cluster' }).threads.filter((t) => t.kind === 'follow');
  assert.deepEqual(dflt.map(shape), ['post two > <follow>']);
});

test('unresolvable text targets are skipped by reason; compat matches by author and rkey only', () => {
  const b = new ActivityBuilder();
  b.post(B, 'same', 1, 'b post');
  b.post(A, 'a1', 2, 'a1');
  b.action({ key: 'like', did: A, timeUs: 3, subjectUri: 'at://did:plc:gone/app.bsky.feed.post/x' });
  b.action({ key: 'like', did: A, timeUs: 4, subjectUri: `at://${B}/app.bsky.feed.generator/same` });
  b.action({ key: 'repost', did: A, timeUs: 5 });
  b.action({ key: 'post_delete', did: A, timeUs: 6, subjectUri: b.uri(B, 'same') });
  const dflt = buildThreads(b.build(), cl, { compat: false, scope: 'same-cluster' });
  assert.equal(dflt.threads.filter((t) => t.kind !== 'conversation').length, 0);
  assert.deepEqual(dflt.skipped, {
    'like: target post not among retained posts': 1,
    'like: target is not a post URI': 1,
    'repost: no target post': 1,
    "post_delete: target post not the actor's own": 1,
  });
  const compat = buildThreads(b.build(), cl, { compat: true, scope: 'same-cluster' });
  // the reference's find_content_by_uri ignores the collection: the feed-generator like resolves to B's post
  assert.deepEqual(compat.threads.filter((t) => t.kind === 'like').map(shape), ['b post > <like>']);
});

test('all scope: threads and their order do not depend on the clusters (stored threads stay valid after re-clustering)', () => {
  const C = 'did:plc:cccc';
  const b = new ActivityBuilder();
  const pc = b.post(C, 'pc', 1, 'post by C');
  const pa = b.post(A, 'pa', 2, 'post by A');
  b.post(B, 'rb', 3, 'B replies to A', { parent: pa });
  b.action({ key: 'like', did: B, timeUs: 4, subjectUri: pc });
  b.action({ key: 'like', did: A, timeUs: 5, subjectUri: pc });
  b.action({ key: 'like', did: C, timeUs: 6, subjectUri: pa });
  b.action({ key: 'repost', did: A, timeUs: 7, subjectUri: pc });
  const activity = b.build();
  const partitions = [new Map([[A, 0], [B, 1], [C, 2]]), new Map([[A, 2], [B, 0], [C, 1]]), new Map([[A, 0], [B, 0], [C, 0]]), new Map([[A, 5], [B, 3], [C, 3]])];
  const built = partitions.map((p) => buildThreads(activity, p, { compat: false, scope: 'all' }));
  for (const x of built.slice(1)) assert.deepEqual(x, built[0]);
  // user order (first seen: C, A, B), conversations first, then action keys in the reference order, users in order
  assert.deepEqual(built[0].threads.map(shape), [
    'post by C',
    'post by A > B replies to A',
    'post by A > <like>',
    'post by C > <like>',
    'post by C > <like>',
    'post by C > <repost>',
  ]);
  assert.deepEqual(built[0].threads.slice(2, 5).map((t) => t.messages[1].did), [C, A, B]);
  // same-cluster scope does follow the clusters (and the build's stage key includes them there)
  const same = partitions.map((p) => buildThreads(activity, p, { compat: false, scope: 'same-cluster' }).threads.map(shape));
  assert.notDeepEqual(same[0], same[1]);
});
