// Role rendering of a release thread (spec §4.6), delegated to the threads stage so there is one implementation.
import type { BlueprintMessage } from '../dataset/format.ts';
import { sampleContent, sampleRoles } from '../threads/sample.ts';
import type { ReleaseMessage } from './release.ts';

export interface RoleMessage {
  role: string;
  content: string;
}

export function renderThread(thread: readonly ReleaseMessage[], userPrefix = 'user'): RoleMessage[] {
  const roles = sampleRoles(thread, userPrefix);
  return thread.map((m, i) => ({ role: roles[i], content: sampleContent(withoutNulls(m)) }));
}

/** Older exports write `"text": null` / `"actions": null`; the released format omits such keys. */
function withoutNulls(m: ReleaseMessage): BlueprintMessage {
  const out: Record<string, unknown> = { relative_integer_time: m.relative_integer_time ?? 0 };
  if (m.text !== undefined && m.text !== null) out.text = m.text;
  if (m.actions !== undefined && m.actions !== null) out.actions = m.actions;
  out.user_id = m.user_id;
  return out as unknown as BlueprintMessage;
}
