// Reading a model's answer to a next-action task: parse status (counted by reason) and the action it stands for.
// Bad answers never throw: an unparsable or empty answer is scored as the reference scores it, a `post` with empty text.
import { ACTION_KEYS, type ActionKey } from '../bluesky/actions.ts';

export type AnswerStatus = 'ok' | 'invalid_json' | 'empty' | 'refusal' | 'unknown_action' | 'not_object' | 'error' | 'missing';

export const ANSWER_PROBLEMS: readonly AnswerStatus[] = ['invalid_json', 'empty', 'refusal', 'unknown_action', 'not_object', 'error', 'missing'];

export interface ParsedAnswer {
  status: AnswerStatus;
  /** Short reason for a non-ok status (never the content itself). */
  reason?: string;
  /** The predicted action: one of the 13 keys, or `ignore` (reply context, no action and no text). */
  action: ActionKey | 'ignore';
  text: string;
  /** Action keys the answer set true that are not in the vocabulary. */
  unknownKeys?: string[];
}

const KNOWN = new Set<string>([...ACTION_KEYS, 'ignore']);

function fallback(status: AnswerStatus, reason: string): ParsedAnswer {
  return { status, reason, action: 'post', text: '' };
}

/**
 * `kind` is the task's schema: `post` (no context) or `reply`. The first true key in the 13-key order (then `ignore`)
 * wins; with none, a reply task is a `reply` when it has text and `ignore` otherwise, a post task is a `post`.
 */
export function parseAnswer(content: string | undefined, kind: 'post' | 'reply', refusal?: string): ParsedAnswer {
  if (refusal) return fallback('refusal', 'model refused');
  if (content === undefined) return fallback('missing', 'no prediction');
  if (content.trim() === '') return fallback('empty', 'empty content');
  let obj: unknown;
  try {
    obj = JSON.parse(content);
  } catch {
    return fallback('invalid_json', 'content is not JSON');
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return fallback('not_object', 'JSON is not an object');
  const rec = obj as Record<string, unknown>;
  const text = typeof rec.text === 'string' ? rec.text : '';
  let actions = rec.actions;
  if (typeof actions === 'string') {
    try {
      actions = JSON.parse(actions);
    } catch {
      actions = undefined;
    }
  }
  const trueKeys = actions && typeof actions === 'object' ? Object.entries(actions).filter(([, v]) => v === true).map(([k]) => k) : [];
  const unknownKeys = trueKeys.filter((k) => !KNOWN.has(k));
  const chosen = [...ACTION_KEYS, 'ignore' as const].find((k) => trueKeys.includes(k));
  const action: ParsedAnswer['action'] = chosen ?? (kind === 'post' ? 'post' : text.trim() ? 'reply' : 'ignore');
  if (unknownKeys.length) return { status: 'unknown_action', reason: `unknown action key(s): ${unknownKeys.slice(0, 3).join(', ')}`.slice(0, 120), action, text, unknownKeys };
  return { status: 'ok', action, text };
}
