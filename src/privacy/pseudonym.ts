// Per-thread pseudonyms (spec §6.3). The same DID gets one id within a thread and unrelated ids across threads.
//  - 'blueprint': the reference, byte for byte: sha256(did + json.dumps(thread_without_user_ids, sort_keys=True) + secret).
//  - 'hmac' (default): HMAC-SHA256 keyed by the secret over the DID and the same canonical thread dump, so the
//    secret is a real key rather than a suffix of the hashed text.
import { createHash, createHmac } from 'node:crypto';
import { pythonJsonDumps } from '../util/python-json.ts';

export type PseudonymMode = 'hmac' | 'blueprint';
export const PSEUDONYM_MODES: readonly PseudonymMode[] = ['hmac', 'blueprint'];

export interface ThreadMessage {
  did: string;
  [key: string]: unknown;
}

/**
 * The thread as the reference dumps it: every message without its author (`did`, `user_id`), keys sorted, Python
 * separators and \u escapes. The messages should carry exactly the released keys (relative_integer_time, text and/or
 * actions), as at that point of the reference pipeline.
 */
export function canonicalThreadDump(messages: readonly Record<string, unknown>[]): string {
  return pythonJsonDumps(
    messages.map((m) => {
      const rest: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(m)) if (k !== 'did' && k !== 'user_id') rest[k] = v;
      return rest;
    }),
    { sortKeys: true },
  );
}

export function pseudonymizeThread(messages: readonly ThreadMessage[], secret: string, mode: PseudonymMode = 'hmac'): string[] {
  if (!secret) throw new Error('pseudonymizeThread needs a non-empty secret');
  const dump = canonicalThreadDump(messages);
  const cache = new Map<string, string>();
  return messages.map((m) => {
    let id = cache.get(m.did);
    if (id === undefined) {
      id = pseudonymFor(m.did, dump, secret, mode);
      cache.set(m.did, id);
    }
    return id;
  });
}

/** The pseudonym of `did` in the thread whose canonical dump is `dump`. */
export function pseudonymFor(did: string, dump: string, secret: string, mode: PseudonymMode): string {
  if (mode === 'blueprint') return createHash('sha256').update(`${did}${dump}${secret}`, 'utf8').digest('hex');
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`simpact-pseudonym-v1\n${did}\n${dump}`, 'utf8').digest('hex');
}
