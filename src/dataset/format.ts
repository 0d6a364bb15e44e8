// The released thread format (spec §4.4) and its byte-exact serialisation (CPython json.dumps defaults).
import type { ActionFlags, ActionKey } from '../bluesky/actions.ts';
import { actionFlags } from '../bluesky/actions.ts';
import { pythonJsonDumps } from '../util/python-json.ts';

/** A released message. Key order is the reference's: relative_integer_time, text, actions, user_id. */
export interface BlueprintMessage {
  relative_integer_time: number;
  text?: string;
  actions?: ActionFlags;
  user_id: string;
}

export interface BlueprintRecord {
  thread: BlueprintMessage[];
  cluster_id: number;
}

/** Builds a message with the keys in release order (JS keeps insertion order for non-integer keys). */
export function releaseMessage(rank: number, userId: string, text: string | undefined, action: ActionKey | undefined): BlueprintMessage {
  const m = { relative_integer_time: rank } as BlueprintMessage;
  if (text !== undefined) m.text = text;
  if (action !== undefined) m.actions = actionFlags(action);
  m.user_id = userId;
  return m;
}

/** The JSON of a thread array, as json.dumps writes it. */
export function threadJson(thread: readonly BlueprintMessage[]): string {
  return pythonJsonDumps(thread);
}

/** One release line (without the newline) from a thread's serialised array: `{"thread": [...], "cluster_id": k}`. */
export function releaseLine(threadJsonText: string, clusterId: number): string {
  return `{"thread": ${threadJsonText}, "cluster_id": ${clusterId}}`;
}
