// Action labels. The reference label rule (compat) maps an answer to one of 6 labels; the corrected view uses the
// 13 released action keys plus `ignore` (a prediction-only label: no real thread ends in it).
import { ACTION_KEYS, type ActionKey } from '../bluesky/actions.ts';

export const COMPAT_LABELS = ['post', 'reply', 'like', 'repost', 'follow', 'ignore'] as const;
export type CompatLabel = (typeof COMPAT_LABELS)[number];

/**
 * `get_label_vector` of the reference: a JSON string is parsed first; {} → post; else the first true of
 * like > repost > follow > ignore; else post. (The reference raises KeyError when one of those keys is missing;
 * here a missing key counts as false.)
 */
export function compatLabel(actions: Record<string, unknown> | string): CompatLabel {
  let a: unknown = actions;
  if (typeof a === 'string') {
    try {
      a = JSON.parse(a);
    } catch {
      return 'post';
    }
  }
  if (!a || typeof a !== 'object' || Object.keys(a).length === 0) return 'post';
  const o = a as Record<string, unknown>;
  if (o.like) return 'like';
  if (o.repost) return 'repost';
  if (o.follow) return 'follow';
  if (o.ignore) return 'ignore';
  return 'post';
}

export type ActionLabel = ActionKey | 'ignore';
export const ACTION_LABELS: readonly ActionLabel[] = [...ACTION_KEYS, 'ignore'];
