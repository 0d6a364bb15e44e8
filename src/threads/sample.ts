// Next-action samples (spec §4.6): a released thread seen as "context → the actor's next action".
import type { ActionFlags } from '../bluesky/actions.ts';
import type { BlueprintMessage } from '../dataset/format.ts';
import { pythonJsonDumps } from '../util/python-json.ts';

export interface SampleMessage {
  role: string;
  content: string;
}

export interface NextActionSample {
  /** Every message but the last, with per-thread roles. */
  context: SampleMessage[];
  /** The last message: its 13 action booleans and its text (null when it has none, e.g. a like). */
  target: { actions: ActionFlags; text: string | null };
}

/**
 * Roles as finetuning.py assigns them: authors are numbered `user{n}` in order of first appearance over all
 * messages, the actor included, and the actor (author of the last message) is then renamed `assistant`, so
 * numbers can skip (`assistant`, `user1`).
 */
export function sampleRoles(thread: readonly Pick<BlueprintMessage, 'user_id'>[], prefix = 'user'): string[] {
  if (thread.length === 0) return [];
  const actor = thread[thread.length - 1].user_id;
  const number = new Map<string, number>();
  for (const m of thread) if (!number.has(m.user_id)) number.set(m.user_id, number.size);
  return thread.map((m) => (m.user_id === actor ? 'assistant' : `${prefix}${number.get(m.user_id)}`));
}

/** Message content as the reference writes it: json.dumps of the message without user_id and time. */
export function sampleContent(m: BlueprintMessage): string {
  const body: Record<string, unknown> = {};
  if (m.text !== undefined) body.text = m.text;
  if (m.actions !== undefined) body.actions = m.actions;
  return pythonJsonDumps(body);
}

export function nextActionSample(thread: readonly BlueprintMessage[], prefix = 'user'): NextActionSample {
  if (thread.length === 0) throw new Error('empty thread');
  const last = thread[thread.length - 1];
  if (!last.actions) throw new Error('the last message of a released thread has no actions');
  const roles = sampleRoles(thread, prefix);
  return {
    context: thread.slice(0, -1).map((m, i) => ({ role: roles[i], content: sampleContent(m) })),
    target: { actions: last.actions, text: last.text ?? null },
  };
}
