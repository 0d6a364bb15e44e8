// The released last message as the reference fine-tuning target: json.dumps of the message without user_id and time.
import { pythonJsonDumps } from '../util/python-json.ts';
import type { ReleaseMessage } from './release.ts';

export function messageContentRaw(m: ReleaseMessage): string {
  const body: Record<string, unknown> = {};
  if (m.text !== undefined && m.text !== null) body.text = m.text;
  if (m.actions !== undefined && m.actions !== null) body.actions = m.actions;
  return pythonJsonDumps(body);
}
