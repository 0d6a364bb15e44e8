import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { privatizeThreads } from '../../src/dataset/privatize.ts';
import { pseudonymFor, relativeIntegerTime } from '../../src/privacy/index.ts';
import type { Thread } from '../../src/threads/types.ts';

const A = 'did:plc:aaaa';
const B = 'did:plc:bbbb';
const threads: Thread[] = [
  { kind: 'conversation', messages: [{ did: A, timeUs: 30, text: 'root' }, { did: B, timeUs: 10, text: 'reply' }, { did: A, timeUs: 20, text: 'again', action: 'reply' }] },
  { kind: 'like', messages: [{ did: B, timeUs: 10, text: 'reply' }, { did: A, timeUs: 40, action: 'like' }] },
  { kind: 'quote', messages: [{ did: B, timeUs: 5, text: 'quoted' }, { did: A, timeUs: 50, text: 'my take', action: 'quote' }] },
];
const secret = 'unit-test-secret';

test('global relative_integer_time over all message instances, stable on ties', () => {
  const res = privatizeThreads(threads, { rank: relativeIntegerTime, optOut: new Set(), pseudonym: (d, dump) => pseudonymFor(d, dump, secret, 'hmac') });
  const parsed = res.threads.map((t) => JSON.parse(t.json) as { relative_integer_time: number; user_id: string; text?: string }[]);
  // times 30,10,20 | 10,40 | 5,50 → ranks: 5→0, 10(first)→1, 10(second)→2, 20→3, 30→4, 40→5, 50→6
  assert.deepEqual(parsed.map((t) => t.map((m) => m.relative_integer_time)), [[4, 1, 3], [2, 5], [0, 6]]);
  // one id per user within a thread, different ids across threads, no DID anywhere
  assert.equal(parsed[0][0].user_id, parsed[0][2].user_id);
  assert.notEqual(parsed[0][0].user_id, parsed[0][1].user_id);
  assert.notEqual(parsed[0][0].user_id, parsed[1][1].user_id);
  for (const t of res.threads) assert.doesNotMatch(t.json, /did:plc/);
  assert.equal(parsed[2][1].text, 'my take');
  assert.deepEqual(res.threads.map((t) => t.action), ['reply', 'like', 'quote']);
  assert.deepEqual(res.threads.map((t) => t.actorDid), [A, A, A]);
});

test('blueprint pseudonyms are sha256(did + sorted-key dump + secret), as rebuild_clusters.py', () => {
  const res = privatizeThreads(threads.slice(1, 2), { rank: relativeIntegerTime, optOut: new Set(), pseudonym: (d, dump) => pseudonymFor(d, dump, secret, 'blueprint') });
  const dump =
    '[{"relative_integer_time": 0, "text": "reply"}, {"actions": {"block": false, "follow": false, "like": true, "post": false, ' +
    '"post_delete": false, "post_update": false, "quote": false, "reply": false, "repost": false, "unblock": false, "unfollow": false, ' +
    '"unlike": false, "unrepost": false}, "relative_integer_time": 1}]';
  const expected = createHash('sha256').update(`${B}${dump}${secret}`).digest('hex');
  assert.equal((JSON.parse(res.threads[0].json) as { user_id: string }[])[0].user_id, expected);
});

test('opt-out removes every thread with a message by a listed user (after ranking)', () => {
  const res = privatizeThreads(threads, { rank: relativeIntegerTime, optOut: new Set([B]), pseudonym: () => 'x' });
  assert.equal(res.threads.length, 0);
  assert.equal(res.optedOut, 3);
});
