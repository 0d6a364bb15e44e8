import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionFlags } from '../../src/bluesky/actions.ts';
import { releaseMessage } from '../../src/dataset/format.ts';
import { nextActionSample, sampleRoles } from '../../src/threads/sample.ts';

test('roles: user{n} by first appearance over all authors, the actor renamed assistant (indices can skip)', () => {
  assert.deepEqual(sampleRoles([{ user_id: 'x' }, { user_id: 'y' }, { user_id: 'x' }]), ['assistant', 'user1', 'assistant']);
  assert.deepEqual(sampleRoles([{ user_id: 'y' }, { user_id: 'z' }, { user_id: 'x' }]), ['user0', 'user1', 'assistant']);
  assert.deepEqual(sampleRoles([{ user_id: 'x' }]), ['assistant']);
});

test('a released thread as context messages and a target with 13 actions and text', () => {
  const thread = [
    releaseMessage(1, 'x', 'first — by the actor', undefined),
    releaseMessage(2, 'y', 'a reply', undefined),
    releaseMessage(3, 'x', 'the target', 'reply'),
  ];
  const s = nextActionSample(thread);
  assert.deepEqual(s.context, [
    { role: 'assistant', content: '{"text": "first \\u2014 by the actor"}' },
    { role: 'user1', content: '{"text": "a reply"}' },
  ]);
  assert.deepEqual(s.target, { actions: actionFlags('reply'), text: 'the target' });
  const like = nextActionSample([releaseMessage(1, 'y', 'post', undefined), releaseMessage(2, 'x', undefined, 'like')]);
  assert.deepEqual(like.context, [{ role: 'user0', content: '{"text": "post"}' }]);
  assert.deepEqual(like.target, { actions: actionFlags('like'), text: null });
  assert.throws(() => nextActionSample([releaseMessage(1, 'y', 'post', undefined)]), /no actions/);
});
