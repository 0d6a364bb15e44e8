import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTION_KEYS, actionFlags, classifyCommit, quotedUri } from '../../src/bluesky/actions.ts';

test('the 13 released action keys, in released order', () => {
  assert.deepEqual([...ACTION_KEYS], [
    'like', 'unlike', 'repost', 'unrepost', 'follow', 'unfollow', 'block', 'unblock',
    'post_update', 'post_delete', 'quote', 'post', 'reply',
  ]);
  const f = actionFlags('like');
  assert.equal(Object.values(f).filter(Boolean).length, 1);
  assert.deepEqual(Object.keys(f), [...ACTION_KEYS]);
});

test('quote is checked before reply; recordWithMedia quotes are quotes (in compat too, by the truthiness test)', () => {
  const withMedia = {
    text: 'look', reply: { parent: { uri: 'at://a/app.bsky.feed.post/1' }, root: { uri: 'at://a/app.bsky.feed.post/1' } },
    embed: { $type: 'app.bsky.embed.recordWithMedia', record: { record: { uri: 'at://b/app.bsky.feed.post/2', cid: 'x' } }, media: {} },
  };
  assert.equal(quotedUri(withMedia), 'at://b/app.bsky.feed.post/2');
  assert.equal(classifyCommit('app.bsky.feed.post', 'create', withMedia), 'quote');
  // the reference's `record.get('embed', {}).get('record', False)` is truthy for recordWithMedia as well
  assert.equal(classifyCommit('app.bsky.feed.post', 'create', withMedia, { compatBlueprint: true }), 'quote');
  const emptyRecord = { text: 'e', embed: { $type: 'app.bsky.embed.record', record: {} } };
  assert.equal(classifyCommit('app.bsky.feed.post', 'create', emptyRecord, { compatBlueprint: true }), 'post', 'an empty dict is falsy in Python');
  const images = { text: 'i', embed: { $type: 'app.bsky.embed.images', images: [{}] } };
  assert.equal(classifyCommit('app.bsky.feed.post', 'create', images, { compatBlueprint: true }), 'post');
  const plainQuote = { text: 'q', embed: { $type: 'app.bsky.embed.record', record: { uri: 'at://b/app.bsky.feed.post/2' } } };
  assert.equal(classifyCommit('app.bsky.feed.post', 'create', plainQuote, { compatBlueprint: true }), 'quote');
});

test('commit classes per collection and operation', () => {
  assert.equal(classifyCommit('app.bsky.feed.like', 'delete', undefined), 'unlike');
  assert.equal(classifyCommit('app.bsky.graph.block', 'create', {}), 'block');
  assert.equal(classifyCommit('app.bsky.feed.post', 'update', {}), 'post_update');
  assert.equal(classifyCommit('app.bsky.feed.threadgate', 'create', {}), 'other');
  assert.equal(classifyCommit('blue.flashes.feed.post', 'create', {}), 'unknown');
  assert.equal(classifyCommit('app.bsky.actor.profile', 'update', {}), 'profile_update');
});
