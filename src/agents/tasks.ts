// Next-action tasks (spec §8): the prompt is the thread minus its last message, rendered as chat messages after the
// reference system prompt; the answer follows the reference reply schema (context present) or post schema (none).
// The messages are exactly what the reference's create_batchinput.py sends (compare_vs_gpt/batchinput.jsonl): every
// message, the system prompt included, as `{role}:\n{content}`, with context content in the evaluation files' unified
// shape `{"actions": null, "text": "..."}` (json.dumps, ensure_ascii), and schemas named `reply_schema`/`post_schema`.
import type { ActionKey } from '../bluesky/actions.ts';
import { ACTION_KEYS } from '../bluesky/actions.ts';
import type { ChatMessage } from '../llm/types.ts';
import { pythonJsonDumps } from '../util/python-json.ts';
import { Rng } from '../util/rng.ts';
import { blueprintPrompts, systemPrompt } from './prompts.ts';
import { actionOf, type ReleaseThread, type Split } from './release.ts';
import { sampleRoles } from '../threads/sample.ts';

/** The actions the reference exposes to the model (spec §7.7), or all 13 keys plus `ignore`. */
export type ActionSet = 'blueprint' | 'full';
export const BLUEPRINT_ANSWER_ACTIONS = ['like', 'follow', 'repost', 'ignore'] as const;

export interface TaskTruth {
  action: ActionKey | null;
  text: string | null;
}

export interface NextActionTask {
  id: string;
  cluster: number;
  index: number;
  split: Split;
  kind: 'post' | 'reply';
  messages: ChatMessage[];
  jsonSchema: { name: string; strict: boolean; schema: Record<string, unknown> };
  truth: TaskTruth;
  /** Messages in the thread (context + target). */
  threadLength: number;
  /**
   * Release-time distance (relative_integer_time ranks) from the last context message to the target; null without
   * context. Never shown to LLMs (the reference prompt has no times); the learned baseline uses it.
   */
  gap?: number | null;
}

export function taskId(cluster: number, index: number): string {
  return `task-${cluster}-${index}`;
}

export function parseTaskId(id: string): { cluster: number; index: number } | undefined {
  const m = /^task-(\d+)-(\d+)$/.exec(id);
  return m ? { cluster: Number(m[1]), index: Number(m[2]) } : undefined;
}

export function answerActionKeys(set: ActionSet): readonly string[] {
  return set === 'full' ? [...ACTION_KEYS.filter((k) => k !== 'post' && k !== 'reply'), 'ignore'] : BLUEPRINT_ANSWER_ACTIONS;
}

/** The answer schema: the reference strict (OpenAI) variants for `blueprint`, the same shape over more keys for `full`. */
export function answerSchema(kind: 'post' | 'reply', set: ActionSet = 'blueprint'): NextActionTask['jsonSchema'] {
  const p = blueprintPrompts();
  if (kind === 'post') return { name: 'post_schema', strict: true, schema: p.strictPostSchema };
  if (set === 'blueprint') return { name: 'reply_schema', strict: true, schema: p.strictReplySchema };
  const keys = answerActionKeys(set);
  const schema = structuredClone(p.strictReplySchema) as any;
  schema.properties.actions.properties = Object.fromEntries(keys.map((k) => [k, { type: 'boolean' }]));
  schema.properties.actions.required = [...keys];
  return { name: 'reply_schema', strict: true, schema };
}

/**
 * A context message's content as the reference evaluation files hold it (HF `Dataset.from_dict` unified the keys):
 * `{"actions": null, "text": "..."}`, or `{"actions": "<json.dumps of the action dict>", "text": null}` (spec §4.6).
 */
export function evalMessageContent(m: ReleaseThread['thread'][number]): string {
  let actions: string | null = null;
  if (typeof m.actions === 'string') actions = m.actions;
  else if (m.actions && typeof m.actions === 'object') actions = pythonJsonDumps(m.actions);
  return pythonJsonDumps({ actions, text: typeof m.text === 'string' ? m.text : null });
}

/**
 * The prompt as the reference sends it: the system prompt and every context message written `{role}:\n{content}`;
 * the chat role is kept if it is system/user/assistant, else `user` (`user0:` → role user).
 */
export function promptMessages(thread: ReleaseThread['thread'], history?: string): ChatMessage[] {
  const roles = sampleRoles(thread);
  return [
    { role: 'system', content: `system:\n${systemPrompt(history)}` },
    ...thread.slice(0, -1).map((m, i) => ({
      role: (roles[i] === 'assistant' || roles[i] === 'system' || roles[i] === 'user' ? roles[i] : 'user') as ChatMessage['role'],
      content: `${roles[i]}:\n${evalMessageContent(m)}`,
    })),
  ];
}

export function buildTask(t: ReleaseThread, split: Split, set: ActionSet = 'blueprint'): NextActionTask {
  const last = t.thread[t.thread.length - 1];
  const messages = promptMessages(t.thread);
  const kind = messages.length > 1 ? 'reply' : 'post';
  return {
    id: taskId(t.cluster, t.index),
    cluster: t.cluster,
    index: t.index,
    split,
    kind,
    messages,
    jsonSchema: answerSchema(kind, set),
    truth: { action: actionOf(last.actions), text: typeof last.text === 'string' ? last.text : null },
    threadLength: t.thread.length,
    gap: contextGap(t.thread),
  };
}

/**
 * Per-cluster sampling of `perCluster` tasks (spec §8), seeded; output keeps cluster and index order.
 *   `default`: at least ⌈k/2⌉ tasks with a non-empty text answer when that many exist, the rest drawn from all others.
 *   `blueprint`: the reference's pick_indices: exactly min(⌈k/2⌉, #A) from the A candidates (a ground truth whose
 *     `text` is not null; "" counts), the rest from the others, and more A candidates only when the others run out.
 * (The reference shuffles with Python's random.seed(42); the draws themselves cannot be reproduced, the split can.)
 */
export function sampleTasks(tasks: readonly NextActionTask[], perCluster: number, seed: number, mode: 'default' | 'blueprint' = 'default'): NextActionTask[] {
  const byCluster = new Map<number, NextActionTask[]>();
  for (const t of tasks) (byCluster.get(t.cluster) ?? byCluster.set(t.cluster, []).get(t.cluster)!).push(t);
  const out: NextActionTask[] = [];
  for (const [cluster, list] of [...byCluster].sort((a, b) => a[0] - b[0])) {
    const rng = new Rng(seed).fork(`cluster-${cluster}`);
    const target = Math.ceil(perCluster / 2);
    let chosen: Set<NextActionTask>;
    if (mode === 'blueprint') {
      const a = rng.shuffle(list.filter((t) => t.truth.text !== null));
      const b = rng.shuffle(list.filter((t) => t.truth.text === null));
      const k = Math.min(perCluster, list.length);
      let fromA = Math.min(a.length, target);
      let fromB = k - fromA;
      if (fromB > b.length) {
        fromB = b.length;
        fromA = k - fromB;
      }
      chosen = new Set([...a.slice(0, fromA), ...b.slice(0, fromB)]);
    } else {
      const withText = rng.shuffle(list.filter((t) => t.truth.text !== null && t.truth.text !== ''));
      chosen = new Set(withText.slice(0, Math.min(target, withText.length)));
      const rest = rng.shuffle(list.filter((t) => !chosen.has(t)));
      for (const t of rest) {
        if (chosen.size >= perCluster) break;
        chosen.add(t);
      }
    }
    out.push(...[...chosen].sort((a, b) => a.index - b.index));
  }
  return out;
}

/** The reference solutions file shape: `{ "task-<c>-<i>": [{role:"assistant", content: json}] }` (spec §8). */
export function solutionsObject(tasks: readonly NextActionTask[]): Record<string, { role: string; content: string }[]> {
  const out: Record<string, { role: string; content: string }[]> = {};
  for (const t of tasks) {
    const actions = t.truth.action && t.truth.action !== 'post' && t.truth.action !== 'reply' ? JSON.stringify(actionVector(t.truth.action)) : null;
    out[t.id] = [{ role: 'assistant', content: JSON.stringify({ actions, text: actions ? null : t.truth.text }) }];
  }
  return out;
}

function actionVector(a: ActionKey): Record<string, boolean> {
  return Object.fromEntries(ACTION_KEYS.map((k) => [k, k === a]));
}

function contextGap(thread: ReleaseThread['thread']): number | null {
  if (thread.length < 2) return null;
  const a = thread[thread.length - 2].relative_integer_time;
  const b = thread[thread.length - 1].relative_integer_time;
  return typeof a === 'number' && typeof b === 'number' ? b - a : null;
}
