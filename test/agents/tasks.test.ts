import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { buildTask, sampleTasks, solutionsObject, answerSchema, type NextActionTask } from '../../src/agents/tasks.ts';
import { blueprintPrompts, systemPrompt } from '../../src/agents/prompts.ts';
import { batchInputLine } from '../../src/agents/batch.ts';
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

test('a reply thread renders as the reference prompt: roles, user{n} numbering, role:\\n{"actions": null, "text": …} content', () => {
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
  assert.equal(task.messages[0].content, `system:\n${systemPrompt()}`);
  assert.ok(task.messages[0].content.endsWith('--- FEED HISTORY ---\nNo user history available.\n--- END OF FEED HISTORY ---\n'));
  assert.deepEqual(task.messages.slice(1), [
    { role: 'user', content: 'user0:\n{"actions": null, "text": "root by B \\u00e9"}' },
    { role: 'assistant', content: 'assistant:\n{"actions": null, "text": "by A earlier"}' },
    { role: 'user', content: 'user2:\n{"actions": null, "text": "by C"}' },
  ]);
  assert.deepEqual(task.truth, { action: 'reply', text: 'final by A' });
  assert.equal(task.jsonSchema.name, 'reply_schema');
  assert.equal((task.jsonSchema.schema as any).additionalProperties, false);
});

test('a single post is a post task with the post schema; an action pair has no truth text', () => {
  const post = buildTask(parseReleaseLine(JSON.stringify({ thread: [{ relative_integer_time: 1, text: 'hi', actions: F('post'), user_id: A }], cluster_id: 0 }), 0, 0), 'test');
  assert.equal(post.kind, 'post');
  assert.equal(post.messages.length, 1);
  assert.equal(post.jsonSchema.name, 'post_schema');
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

test('Batch input lines are the reference batchinput.jsonl byte for byte (fixtures/blueprint-batch)', () => {
  const ref = readFileSync(fileURLToPath(new URL('../../fixtures/blueprint-batch/batchinput-sample.jsonl', import.meta.url)), 'utf8');
  const lines = ref.split('\n').filter((l) => l);
  assert.equal(lines.length, 4);
  for (const line of lines) {
    const req = JSON.parse(line);
    const [, cluster, index] = req.custom_id.split('-').map(Number);
    const msgs = req.body.messages as { content: string }[];
    // the same thread as the reference's: the context post by user0, then the actor's answer (not part of the prompt)
    const thread = msgs.length === 1
      ? [{ relative_integer_time: 1, text: 'whatever the actor posted', actions: F('post'), user_id: A }]
      : [
        { relative_integer_time: 1, text: JSON.parse(msgs[1].content.slice('user0:\n'.length)).text, user_id: B },
        { relative_integer_time: 2, actions: F('follow'), user_id: A },
      ];
    const task = buildTask(parseReleaseLine(JSON.stringify({ thread, cluster_id: cluster }), cluster, index), 'validation');
    assert.equal(batchInputLine(task, { model: 'o3-mini' }), line, req.custom_id);
  }
});

test('sampling: default wants ⌈k/2⌉ non-empty texts at least; blueprint takes exactly ⌈k/2⌉ with text ("" counts)', () => {
  const mk = (i: number, text: string | null): NextActionTask => ({
    id: `task-0-${i}`, cluster: 0, index: i, split: 'validation', kind: 'reply', messages: [], jsonSchema: answerSchema('reply'),
    truth: { action: text === null ? 'like' : 'reply', text }, threadLength: 2,
  });
  // 10 with non-empty text, 4 with "", 10 without text
  const pool = [...Array.from({ length: 10 }, (_, i) => mk(i, `text ${i}`)), ...Array.from({ length: 4 }, (_, i) => mk(10 + i, '')), ...Array.from({ length: 10 }, (_, i) => mk(20 + i, null))];
  for (const seed of [1, 2, 3, 4, 5]) {
    const bp = sampleTasks(pool, 7, seed, 'blueprint');
    assert.equal(bp.length, 7);
    assert.equal(bp.filter((t) => t.truth.text !== null).length, 4, 'exactly ⌈7/2⌉ A candidates');
    const def = sampleTasks(pool, 7, seed);
    assert.ok(def.filter((t) => t.truth.text).length >= 4);
  }
  // "" is an A candidate: with only "" texts available, blueprint still takes ⌈k/2⌉ of them, default none by rule
  const emptyOnly = [...Array.from({ length: 4 }, (_, i) => mk(i, '')), ...Array.from({ length: 6 }, (_, i) => mk(10 + i, null))];
  assert.equal(sampleTasks(emptyOnly, 4, 9, 'blueprint').filter((t) => t.truth.text === '').length, 2);
  // too few without text: the rest comes from the A candidates (k = min(n, 200) tasks in all)
  const fewB = [...Array.from({ length: 8 }, (_, i) => mk(i, `t${i}`)), mk(20, null)];
  const s = sampleTasks(fewB, 6, 1, 'blueprint');
  assert.equal(s.length, 6);
  assert.equal(s.filter((t) => t.truth.text === null).length, 1);
  assert.equal(sampleTasks(fewB, 50, 1, 'blueprint').length, 9);
});

test('tasks --sft with instructions: bad lines located and counted, a file with none usable or a bad fraction refused', async () => {
  const { runTasksCommand, AgentsUsageError } = await import('../../src/agents/command.ts');
  const { writeFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'simpact-inst-'));
  try {
    const rel = join(dir, 'rel');
    writeSyntheticRelease(rel, { clusters: 2, threadsPerCluster: 40, seed: 3 });
    const inst = join(dir, 'inst.jsonl');
    writeFileSync(inst, [JSON.stringify({ instruction: 'Say hi', response: 'hi' }), 'not json', JSON.stringify({ instruction: 'no answer' }), ''].join('\n'));
    const base = { release: rel, split: 'validation' as const, seed: 1, actions: 'blueprint' as const, sft: join(dir, 's.jsonl'), sftTarget: 'schema' as const, instructions: inst, instructionFraction: 0.2 };
    const r = runTasksCommand(base);
    assert.equal(r.sft!.instructionsRead, 3);
    assert.equal(r.sft!.instructionsBad, 2);
    assert.deepEqual(r.sft!.instructionProblems, [`${inst}:2: not JSON`, `${inst}:3: neither {instruction, response} strings nor {messages} with role and content`]);
    assert.equal(r.sft!.instructions, 1, 'the one usable item is mixed');
    assert.equal(r.sft!.instructionsWanted, Math.floor((r.sft!.threads * 0.2) / 0.8));
    assert.ok(r.sft!.instructionsWanted > 1, 'fewer items than the fraction asks for: the CLI warns');
    writeFileSync(inst, 'not json\n');
    assert.throws(() => runTasksCommand(base), (e: Error) => e instanceof AgentsUsageError && e.message === `${inst}: no usable instruction item in 1 line(s) (${inst}:1: not JSON)`);
    assert.throws(() => runTasksCommand({ ...base, instructionFraction: 1.5 }), (e: Error) => e instanceof AgentsUsageError && /--instruction-fraction must be in \[0, 1\), got 1\.5/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
