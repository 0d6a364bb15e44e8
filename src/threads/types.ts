// Threads before privacy: the raw samples that the release is made from (spec §4.1).
import type { ActionKey } from '../bluesky/actions.ts';

/** One message of a thread, still carrying the author's DID; only the last message of a thread has an action. */
export interface RawMessage {
  did: string;
  /**
   * The time this message is ranked by for `relative_integer_time` (Jetstream time_us). Under `--compat blueprint`,
   * conversation messages taken from the reference's URI index carry 0 here, as the reference does (see
   * docs/reference-differences.md).
   */
  timeUs: number;
  text?: string;
  action?: ActionKey;
}

export type ActionThreadKey = Exclude<ActionKey, 'post' | 'reply'>;

export interface Thread {
  kind: 'conversation' | ActionThreadKey;
  messages: RawMessage[];
}

/** The reference's action-pair order (output_formatter.py `compile_cluster_data`). */
export const ACTION_THREAD_ORDER: readonly ActionThreadKey[] = [
  'like', 'unlike', 'repost', 'unrepost', 'follow', 'unfollow', 'block', 'unblock', 'post_update', 'post_delete', 'quote',
];

export type ThreadScope = 'same-cluster' | 'all';

export interface ThreadOptions {
  /** Reproduce the reference exactly (ordering quirks, epoch-0 ranks, dropped quote/post_update text). */
  compat: boolean;
}

/** Why a candidate thread was not emitted, counted by reason (never fatal). */
export type SkipCounts = Record<string, number>;

export function countSkip(skips: SkipCounts, reason: string, n = 1): void {
  skips[reason] = (skips[reason] ?? 0) + n;
}
