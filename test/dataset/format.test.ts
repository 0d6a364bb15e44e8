import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTION_KEYS, actionFlags } from '../../src/bluesky/actions.ts';
import { canonicalDumpFast, escapeText, releaseThreadJson, type FastMessage } from '../../src/dataset/fast-json.ts';
import { releaseLine, releaseMessage, threadJson } from '../../src/dataset/format.ts';
import { pythonJsonDumps } from '../../src/util/python-json.ts';
import { canonicalThreadDump } from '../../src/privacy/pseudonym.ts';

test('a release line is byte-exact json.dumps output (spec §4.4 example shape)', () => {
  const thread = [
    releaseMessage(1203, 'a'.repeat(64), '…liked post…', undefined),
    releaseMessage(1977, 'b'.repeat(64), undefined, 'like'),
  ];
  const line = releaseLine(threadJson(thread), 7);
  assert.equal(
    line,
    '{"thread": [{"relative_integer_time": 1203, "text": "\\u2026liked post\\u2026", "user_id": "' + 'a'.repeat(64) + '"}, ' +
      '{"relative_integer_time": 1977, "actions": {"like": true, "unlike": false, "repost": false, "unrepost": false, "follow": false, ' +
      '"unfollow": false, "block": false, "unblock": false, "post_update": false, "post_delete": false, "quote": false, "post": false, ' +
      '"reply": false}, "user_id": "' + 'b'.repeat(64) + '"}], "cluster_id": 7}',
  );
  // and equal to the generic serializer of the whole record
  assert.equal(line, pythonJsonDumps({ thread, cluster_id: 7 }));
});

test('the fast serializer agrees with the generic one, for every action and awkward texts', () => {
  const texts = ['plain', 'quote " and \\ backslash', 'emoji 😀 and é', 'new\nline\ttab', '\u0000\u001f\u007f', ''];
  for (const action of ACTION_KEYS) {
    for (const text of texts) {
      const msgs: FastMessage[] = [
        { rank: 5, textJson: escapeText(text) },
        { rank: 3, textJson: escapeText(`${text}!`), action },
        { rank: 9, action },
      ];
      const ids = ['u1', 'u2', 'u1'];
      const generic = msgs.map((m, i) => releaseMessage(m.rank, ids[i], m.textJson === undefined ? undefined : JSON.parse(m.textJson), m.action));
      assert.equal(releaseThreadJson(msgs, ids), pythonJsonDumps(generic));
      // the pseudonym hash input: json.dumps(thread without user ids, sort_keys=True)
      const withDid = generic.map((g) => ({ ...g, did: 'did:plc:x' }));
      assert.equal(canonicalDumpFast(msgs), canonicalThreadDump(withDid));
      assert.equal(canonicalDumpFast(msgs), pythonJsonDumps(generic.map(({ user_id: _u, ...rest }) => rest), { sortKeys: true }));
    }
  }
  assert.deepEqual(Object.keys(actionFlags('reply')), [...ACTION_KEYS]);
});
