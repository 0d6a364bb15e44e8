import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action, Activity, Post } from '../../src/bluesky/activity.ts';
import { filterActivity, isBlueprintEnglish, loadKeywordFile, matchesKeywords, normaliseKeywords, parseKeywordList } from '../../src/filter/index.ts';

let seq = 0;
function post(did: string, text: string, langs: string[], kind: 'post' | 'reply' = 'post'): Post {
  seq++;
  return { uri: `at://${did}/app.bsky.feed.post/r${seq}`, did, rkey: `r${seq}`, timeUs: seq, seq, kind, text, langs };
}
function action(did: string, key: Action['key']): Action {
  seq++;
  return { key, did, rkey: `a${seq}`, timeUs: seq, seq };
}

test('the BluePrint English rule is exactly ["en"]', () => {
  assert.equal(isBlueprintEnglish(['en']), true);
  for (const l of [['en', 'es'], ['en-US'], ['EN'], [], ['es', 'en']]) assert.equal(isBlueprintEnglish(l), false, JSON.stringify(l));
  assert.equal(isBlueprintEnglish(undefined), false);
});

test('filterActivity keeps users with >= minPosts matching posts+replies; quotes and other actions do not count', () => {
  const activity: Activity = {
    posts: [
      post('u1', 'a', ['en']), post('u1', 'b', ['en'], 'reply'), post('u1', 'c', ['en', 'es']),
      post('u2', 'd', ['en']), post('u2', 'e', ['en-US']),
      post('u3', 'f', ['de']),
    ],
    actions: [action('u1', 'like'), action('u2', 'quote'), action('u2', 'quote'), action('u4', 'follow')],
  };
  const r = filterActivity(activity);
  assert.deepEqual([...r.keptUsers], ['u1']);
  assert.deepEqual(r.activity.posts.map((p) => p.text), ['a', 'b']);
  assert.deepEqual(r.activity.actions.map((a) => a.key), ['like']);
  assert.deepEqual(r.counts, {
    usersBefore: 4, usersKept: 1, postsRemovedByLanguage: 3, postsRemovedByKeywords: 0, postsRemovedByMinPosts: 1,
    usersRemovedByMinPosts: 3, actionsRemoved: 3,
  });
  // a configurable language set (primary subtags match) and minPosts
  const multi = filterActivity(activity, { languages: ['en', 'de'], minPosts: 1 });
  assert.deepEqual([...multi.keptUsers].sort(), ['u1', 'u2', 'u3']);
  assert.equal(multi.activity.posts.length, 6);
});

test('keyword filter: word boundaries, prefixes, phrases, case; the shipped list loads', () => {
  const m = normaliseKeywords(['elect*', 'supreme court', 'GOP', 'vote']);
  assert.equal(matchesKeywords('The ELECTION is near', m), true);
  assert.equal(matchesKeywords('the Supreme   Court ruled', m), true);
  assert.equal(matchesKeywords('#gop news', m), true);
  assert.equal(matchesKeywords('devoted fans', m), false, 'vote inside devoted');
  assert.equal(matchesKeywords('selection bias', m), false, 'elect inside selection');
  assert.deepEqual(parseKeywordList('# c\nfoo  # trailing\n\n bar baz \n'), ['foo', 'bar baz']);
  const shipped = loadKeywordFile();
  assert.ok(shipped.length > 50);
  const pm = normaliseKeywords(shipped);
  assert.equal(matchesKeywords('Congress passed the budget bill after the filibuster', pm), true);
  assert.equal(matchesKeywords('my cat likes the sunny window', pm), false);
  const activity: Activity = {
    posts: [post('k', 'new tariffs announced', ['en']), post('k', 'Parliament votes today', ['en']), post('k', 'lunch', ['en'])],
    actions: [],
  };
  const r = filterActivity(activity, { keywords: shipped });
  assert.deepEqual(r.activity.posts.map((p) => p.text), ['new tariffs announced', 'Parliament votes today']);
  assert.equal(r.counts.postsRemovedByKeywords, 1);
});
