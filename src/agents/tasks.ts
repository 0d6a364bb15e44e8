// Next-action tasks (spec §8): the prompt is the thread minus its last message, rendered as chat messages after the
// reference system prompt; the answer follows the reference reply schema (context present) or post schema (none).
import type { ActionKey } from '../bluesky/actions.ts';
import { ACTION_KEYS } from '../bluesky/actions.ts';
import type { ChatMessage } from '../llm/types.ts';
import { Rng } from '../util/rng.ts';
import { blueprintPrompts, systemPrompt } from './prompts.ts';
import { actionOf, type ReleaseThread, type Split } from './release.ts';
import { renderThread } from './roles.ts';

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
  if (kind === 'post') return { name: 'post', strict: true, schema: p.strictPostSchema };
  if (set === 'blueprint') return { name: 'reply', strict: true, schema: p.strictReplySchema };
  const keys = answerActionKeys(set);
  const schema = structuredClone(p.strictReplySchema) as any;
  schema.properties.actions.properties = Object.fromEntries(keys.map((k) => [k, { type: 'boolean' }]));
  schema.properties.actions.required = [...keys];
  return { name: 'reply', strict: true, schema };
}

/** Context messages as the reference sends them: role kept if system/user/assistant else `user`, content `role:\n{json}`. */
export function promptMessages(thread: ReleaseThread['thread'], history?: string): ChatMessage[] {
  const rendered = renderThread(thread).slice(0, -1);
  return [
    { role: 'system', content: systemPrompt(history) },
    ...rendered.map((m) => ({
      role: (m.role === 'assistant' || m.role === 'system' || m.role === 'user' ? m.role : 'user') as ChatMessage['role'],
      content: `${m.role}:\n${m.content}`,
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
 * The reference sampling (spec §8): per cluster `perCluster` tasks, at least ⌈k/2⌉ of them with a text answer when
 * that many exist; seeded. Output keeps cluster and index order.
 */
export function sampleTasks(tasks: readonly NextActionTask[], perCluster: number, seed: number): NextActionTask[] {
  const byCluster = new Map<number, NextActionTask[]>();
  for (const t of tasks) (byCluster.get(t.cluster) ?? byCluster.set(t.cluster, []).get(t.cluster)!).push(t);
  const out: NextActionTask[] = [];
  for (const [cluster, list] of [...byCluster].sort((a, b) => a[0] - b[0])) {
    const rng = new Rng(seed).fork(`cluster-${cluster}`);
    const withText = rng.shuffle(list.filter((t) => t.truth.text !== null && t.truth.text !== ''));
    const chosen = new Set(withText.slice(0, Math.min(Math.ceil(perCluster / 2), withText.length)));
    const rest = rng.shuffle(list.filter((t) => !chosen.has(t)));
    for (const t of rest) {
      if (chosen.size >= perCluster) break;
      chosen.add(t);
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
