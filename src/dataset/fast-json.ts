// Byte-exact json.dumps output for the release's fixed message shape, about ten times faster than the generic
// serializer (src/util/python-json.ts), which stays the reference: tests check both agree. Each text is escaped once
// and shared by the release line and the pseudonym hash input.
import { ACTION_KEYS, actionFlags, type ActionKey } from '../bluesky/actions.ts';
import { pythonJsonDumps, pythonJsonString } from '../util/python-json.ts';

export interface FastMessage {
  rank: number;
  /** The text already escaped with pythonJsonString (quotes included), or undefined. */
  textJson?: string;
  action?: ActionKey;
}

const RELEASE_ACTIONS = new Map<ActionKey, string>(ACTION_KEYS.map((k) => [k, pythonJsonDumps(actionFlags(k))]));
const SORTED_ACTIONS = new Map<ActionKey, string>(ACTION_KEYS.map((k) => [k, pythonJsonDumps(actionFlags(k), { sortKeys: true })]));

export function escapeText(text: string): string {
  return pythonJsonString(text, true);
}

/** The released thread array: keys relative_integer_time, text, actions, user_id in that order. */
export function releaseThreadJson(msgs: readonly FastMessage[], userIds: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (i > 0) out += ', ';
    out += `{"relative_integer_time": ${m.rank}`;
    if (m.textJson !== undefined) out += `, "text": ${m.textJson}`;
    if (m.action !== undefined) out += `, "actions": ${RELEASE_ACTIONS.get(m.action)}`;
    out += `, "user_id": ${pythonJsonString(userIds[i], true)}}`;
  }
  return `${out}]`;
}

/** json.dumps(thread_without_user_ids, sort_keys=True): the pseudonym hash input of the reference. */
export function canonicalDumpFast(msgs: readonly FastMessage[]): string {
  let out = '[';
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (i > 0) out += ', ';
    out += m.action === undefined ? '{' : `{"actions": ${SORTED_ACTIONS.get(m.action)}, `;
    out += `"relative_integer_time": ${m.rank}`;
    out += m.textJson === undefined ? '}' : `, "text": ${m.textJson}}`;
  }
  return `${out}]`;
}
