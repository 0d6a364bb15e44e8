import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { buildTask, sampleTasks, solutionsObject, answerSchema } from '../../src/agents/tasks.ts';
import { blueprintPrompts } from '../../src/agents/prompts.ts';
import { parseReleaseLine } from '../../src/agents/release.ts';
import { loadRelease, threadsOfSplit } from '../../src/agents/release-files.ts';
import { instructionLine, mixInstructions, sftLine } from '../../src/agents/sft.ts';
import { writeSyntheticRelease } from './helpers/synthetic-release.ts';

const F = (a: string) => Object.fromEntries(['like', 'unlike', 'repost', 'unrepost', 'follow', 'unfollow', 'block', 'unblock', 'post_update', 'post_delete', 'quote', 'post', 'reply'].map((k) => [k, k === a]));
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

test('the bundled prompts are the upstream prompts.toml verbatim', () => {
  const src = readFileSync(fileURLToPath(new URL('../../src/agents/blueprint-prompts.toml', import.meta.url)), 'utf8');
  const fx = readFileSync(fileURLToPath(new URL('../../fixtures/blueprint-examples/prompts.toml', import.meta.url)), 'utf8');
  assert.equal(src, fx);
  const p = blueprintPrompts();
  assert.equal(p.systemPrompt, (parse(fx) as any).SYSTEM_PROMPT);
  assert.deepEqual(Object.keys((p.strictReplySchema as any).properties.actions.properties), ['like', 'follow', 'repost', 'ignore']);
});

test('a reply thread renders as the reference prompt: roles, user{n} numbering, role:\\n{json} content', () => {
  const line = JSON.stringify({
    thread: [
      { relative_integer_time: 1, text: 'root by B é', user_id: B },
      { relative_integer_time: 2, text: 'by A earlier', user_id: A },
      { relative_integer_time: 3, text: 'by C', user_id: C },
      { relative_integer_time: 4, text: 'final by A', actions: F('reply'), user_id: A },
    ],
    cluster_id: 7,
  });
  const task = buildTask(parseReleaseLine(line, 7, 12), 'validation');
  assert.equal(task.id, 'task-7-12');
  assert.equal(task.kind, 'reply');
  assert.equal(task.messages.length, 4);
  assert.equal(task.messages[0].role, 'system');
  assert.ok(task.messages[0].content.includes('--- FEED HISTORY ---\nNo user history available.\n--- END OF FEED HISTORY ---'));
  assert.deepEqual(task.messages.slice(1), [
    { role: 'user', content: 'user0:\n{"text": "root by B \\u00e9"}' },
    { role: 'assistant', content: 'assistant:\n{"text": "by A earlier"}' },
    { role: 'user', content: 'user2:\n{"text": "by C"}' },
  ]);
  assert.deepEqual(task.truth, { action: 'reply', text: 'final by A' });
  assert.equal(task.jsonSchema.name, 'reply');
  assert.equal((task.jsonSchema.schema as any).additionalProperties, false);
});

test('a single post is a post task with the post schema; an action pair has no truth text', () => {
  const post = buildTask(parseReleaseLine(JSON.stringify({ thread: [{ relative_integer_time: 1, text: 'hi', actions: F('post'), user_id: A }], cluster_id: 0 }), 0, 0), 'test');
  assert.equal(post.kind, 'post');
  assert.equal(post.messages.length, 1);
  assert.equal(post.jsonSchema.name, 'post');
  const like = buildTask(parseReleaseLine(JSON.stringify({ thread: [{ relative_integer_time: 1, text: 'x', user_id: B }, { relative_integer_time: 2, actions: F('like'), user_id: A }], cluster_id: 0 }), 0, 1), 'test');
  assert.deepEqual(like.truth, { action: 'like', text: null });
  const sol = solutionsObject([post, like]);
  assert.deepEqual(JSON.parse(sol['task-0-0'][0].content), { actions: null, text: 'hi' });
  const likeSol = JSON.parse(sol['task-0-1'][0].content);
  assert.equal(typeof likeSol.actions, 'string'); // double-encoded, as the reference's solutions
  assert.equal(JSON.parse(likeSol.actions).like, true);
  const full = answerSchema('reply', 'full').schema as any;
  assert.ok(full.properties.actions.required.includes('unfollow'));
  assert.ok(!full.properties.actions.required.includes('reply'));
});

test('release reading with splits, reference sampling keeps at least half text answers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-rel-'));
  try {
    const K = writeSyntheticRelease(dir, { clusters: 3, threadsPerCluster: 60 });
    const rel = loadRelease(dir);
    assert.equal(rel.k, K);
    assert.equal(rel.threads.length, 180);
    assert.equal(rel.problems.length, 0);
    const val = threadsOfSplit(rel, 'validation').map((t) => buildTask(t, 'validation'));
    assert.ok(val.length > 10);
    const s1 = sampleTasks(val, 6, 42);
    const s2 = sampleTasks(val, 6, 42);
    assert.deepEqual(s1.map((t) => t.id), s2.map((t) => t.id));
    for (let c = 0; c < K; c++) {
      const mine = s1.filter((t) => t.cluster === c);
      const avail = val.filter((t) => t.cluster === c);
      assert.equal(mine.length, Math.min(6, avail.length));
      const withText = avail.filter((t) => t.truth.text).length;
      assert.ok(mine.filter((t) => t.truth.text).length >= Math.min(3, withText));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SFT lines end in the schema answer; instruction mixing hits f = n_mix / (n + n_mix)', () => {
  const line = JSON.stringify({ thread: [{ relative_integer_time: 1, text: 'x', user_id: B }, { relative_integer_time: 2, actions: F('follow'), user_id: A }], cluster_id: 0 });
  const l = sftLine(parseReleaseLine(line, 0, 0));
  assert.equal(l.messages[l.messages.length - 1].role, 'assistant');
  assert.deepEqual(JSON.parse(l.messages[l.messages.length - 1].content), { actions: { like: false, follow: true, repost: false, ignore: false }, text: '' });
  const raw = sftLine(parseReleaseLine(line, 0, 0), 'raw');
  assert.ok(raw.messages[raw.messages.length - 1].content.startsWith('{"actions": {"like": false'));
  const dolly = instructionLine({ instruction: 'Say hi', context: 'ctx', response: 'hi' })!;
  assert.deepEqual(dolly.messages, [{ role: 'system', content: 'Say hi' }, { role: 'user', content: 'ctx' }, { role: 'assistant', content: '{"text":"hi"}' }]);
  assert.equal(instructionLine({ nope: 1 }), undefined);
  const threads = Array.from({ length: 80 }, () => l);
  const instr = Array.from({ length: 100 }, () => dolly);
  const mixed = mixInstructions(threads, instr, 0.2, 1);
  assert.equal(mixed.mixed, 20);
  assert.equal(mixed.lines.length, 100);
  assert.deepEqual(mixInstructions(threads, instr, 0.2, 1).lines, mixed.lines);
  assert.throws(() => mixInstructions(threads, instr, 1, 1));
});
