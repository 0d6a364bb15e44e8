// Reading a BluePrint release (spec §4.4): `processed_{K}_clusters/cluster_{id}.jsonl`, one thread per line.
// Pure parsing lives here; file access is in release-files.ts.
import { ACTION_KEYS, type ActionKey } from '../bluesky/actions.ts';

export interface ReleaseMessage {
  relative_integer_time?: number;
  text?: string | null;
  actions?: Record<string, boolean> | string | null;
  user_id: string;
}

export interface ReleaseThread {
  cluster: number;
  /** 0-based line number in the cluster file (the chain index of task ids). */
  index: number;
  thread: ReleaseMessage[];
}

/** The single true key of a 13-key action vector (a JSON string is accepted, as in older exports); null when none. */
export function actionOf(actions: ReleaseMessage['actions']): ActionKey | null {
  let obj = actions;
  if (typeof obj === 'string') {
    try {
      obj = JSON.parse(obj) as Record<string, boolean>;
    } catch {
      return null;
    }
  }
  if (!obj || typeof obj !== 'object') return null;
  for (const k of ACTION_KEYS) if ((obj as Record<string, unknown>)[k] === true) return k;
  return null;
}

/** Parses one release line; throws with a reason (no content) when it is not a release thread. */
export function parseReleaseLine(line: string, cluster: number, index: number): ReleaseThread {
  let rec: any;
  try {
    rec = JSON.parse(line);
  } catch {
    throw new Error('not JSON');
  }
  const thread = rec?.thread;
  if (!Array.isArray(thread) || thread.length === 0) throw new Error('no "thread" array');
  for (const m of thread) if (!m || typeof m !== 'object' || typeof m.user_id !== 'string') throw new Error('message without user_id');
  const c = typeof rec.cluster_id === 'number' ? rec.cluster_id : cluster;
  return { cluster: c, index, thread };
}

export type Split = 'train' | 'validation' | 'test';
