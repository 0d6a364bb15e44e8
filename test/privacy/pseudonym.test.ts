// The blueprint-mode values were computed with CPython 3 following the reference (spec §6.3):
//   dump = json.dumps(thread_without_user_ids, sort_keys=True)
//   hashlib.sha256(f"{did}{dump}{SECRET}".encode()).hexdigest()
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalThreadDump, pseudonymizeThread } from '../../src/privacy/index.ts';

const SECRET = 'q1Vh9t0XwZ4m3b7K/8yR2pLc5e6Nf+aA1sD0gH3jK4E=';
const A = 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb';
const flags = (on: string) =>
  Object.fromEntries(
    ['like', 'unlike', 'repost', 'unrepost', 'follow', 'unfollow', 'block', 'unblock', 'post_update', 'post_delete', 'quote', 'post', 'reply'].map((k) => [k, k === on]),
  );

const conversation = [
  { did: A, relative_integer_time: 4810233, text: 'Loved this piece <URL> 😀' },
  { did: B, relative_integer_time: 4810240, text: 'Agree — «très» bien' },
  { did: A, relative_integer_time: 4810251, text: 'thanks @<USERNAME>!', actions: flags('reply') },
];
const actionPair = [
  { did: B, relative_integer_time: 1203, text: 'liked post' },
  { did: A, relative_integer_time: 1977, actions: flags('like') },
];

test('canonical dump is json.dumps(sort_keys=True) of the messages without authors', () => {
  assert.equal(
    canonicalThreadDump(conversation),
    '[{"relative_integer_time": 4810233, "text": "Loved this piece <URL> \\ud83d\\ude00"}, {"relative_integer_time": 4810240, "text": "Agree \\u2014 \\u00abtr\\u00e8s\\u00bb bien"}, {"actions": {"block": false, "follow": false, "like": false, "post": false, "post_delete": false, "post_update": false, "quote": false, "reply": true, "repost": false, "unblock": false, "unfollow": false, "unlike": false, "unrepost": false}, "relative_integer_time": 4810251, "text": "thanks @<USERNAME>!"}]',
  );
});

test('blueprint mode reproduces sha256(did + dump + secret) byte for byte', () => {
  assert.deepEqual(pseudonymizeThread(conversation, SECRET, 'blueprint'), [
    '5d0c99c3ffb3fea3381c06182c80b467dcfe0a80962b3b3c98ef764c5360369e',
    '755dd854f534b33a8baaafaf52a3b569880176c47f35b0a7ac52517bf793029d',
    '5d0c99c3ffb3fea3381c06182c80b467dcfe0a80962b3b3c98ef764c5360369e',
  ]);
  assert.deepEqual(pseudonymizeThread(actionPair, SECRET, 'blueprint'), [
    'c98b20917403d39c36390808fa7bc49bba8fb841025de59315eaf5a16f1a2192',
    'fcd247719a99894f9b567202e789d95883eb592e7d6ccec54adb84c93628dbe9',
  ]);
});

test('a user_id key already on the messages does not change the dump', () => {
  const withIds = conversation.map((m) => ({ ...m, user_id: 'whatever' }));
  assert.deepEqual(pseudonymizeThread(withIds, SECRET, 'blueprint'), pseudonymizeThread(conversation, SECRET, 'blueprint'));
});

for (const mode of ['hmac', 'blueprint'] as const) {
  test(`${mode}: one id per DID within a thread, different ids across threads, 64 hex`, () => {
    const ids = pseudonymizeThread(conversation, SECRET, mode);
    assert.equal(ids[0], ids[2]);
    assert.notEqual(ids[0], ids[1]);
    for (const id of ids) assert.match(id, /^[0-9a-f]{64}$/);
    const other = pseudonymizeThread(actionPair, SECRET, mode);
    assert.notEqual(other[1], ids[0], 'A differs across threads');
    assert.notEqual(other[0], ids[1], 'B differs across threads');
    assert.notDeepEqual(pseudonymizeThread(conversation, `${SECRET}x`, mode), ids, 'depends on the secret');
    assert.deepEqual(pseudonymizeThread(conversation, SECRET, mode), ids, 'deterministic');
  });
}

test('hmac mode differs from the reference hash and needs a secret', () => {
  assert.notDeepEqual(pseudonymizeThread(conversation, SECRET, 'hmac'), pseudonymizeThread(conversation, SECRET, 'blueprint'));
  assert.throws(() => pseudonymizeThread(conversation, '', 'hmac'), /non-empty secret/);
});
