import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findKnownHandles, knownHandleSet, redactKnownHandles } from '../../src/privacy/index.ts';

test('known handles: whole dotted names only, any domain, case-insensitive; the placeholder handle and one-label names are ignored', () => {
  const known = knownHandleSet(['Sam.NYC', '@eve.lol', 'handle.invalid', 'localhost', ' jo.bsky.social ']);
  assert.deepEqual([...known].sort(), ['eve.lol', 'jo.bsky.social', 'sam.nyc']);
  const text = 'thanks sam.nyc, @EVE.LOL and jo.bsky.social! not www.sam.nyc, sam.nyc.example, sam.nycx, xsam.nyc or handle.invalid 😀';
  assert.deepEqual(
    findKnownHandles(text, known).map((h) => text.slice(h.start, h.end)),
    ['sam.nyc', 'EVE.LOL', 'jo.bsky.social'],
  );
  assert.equal(redactKnownHandles(text, known), 'thanks <USERNAME>, @<USERNAME> and <USERNAME>! not www.sam.nyc, sam.nyc.example, sam.nycx, xsam.nyc or handle.invalid 😀');
  assert.equal(redactKnownHandles('end with sam.nyc.', known), 'end with <USERNAME>.');
  assert.equal(redactKnownHandles('東京 sam.nyc 東京', known), '東京 <USERNAME> 東京');
  const none = 'nothing to see at sam.nyc';
  assert.equal(redactKnownHandles(none, new Set()), none);
});
