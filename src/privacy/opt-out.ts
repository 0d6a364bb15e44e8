// Opt-out (spec §6.5): users listed by DID are removed with every thread they appear in, before or after release.
import { readFileSync } from 'node:fs';
import { canonicalThreadDump, pseudonymFor, type PseudonymMode } from './pseudonym.ts';

/** Reads an opt-out list: one DID per line; blank lines and `#` comments are ignored. */
export function loadOptOut(path: string): Set<string> {
  return parseOptOut(readFileSync(path, 'utf8'), path);
}

export function parseOptOut(text: string, name = 'opt-out list'): Set<string> {
  const out = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/#.*/, '').trim();
    if (!line) continue;
    // The value is not echoed: an opt-out list is exactly what must not reach a log.
    if (!/^did:[a-z]+:[A-Za-z0-9._:%-]+$/.test(line)) throw new Error(`${name}:${i + 1}: not a DID`);
    out.add(line);
  }
  return out;
}

/** True if any message of the thread is by an opted-out user (the whole thread is then removed). */
export function threadHasOptedOutUser(messages: readonly { did: string }[], optOut: ReadonlySet<string>): boolean {
  if (optOut.size === 0) return false;
  return messages.some((m) => optOut.has(m.did));
}

/**
 * For an already released thread (`user_id` = pseudonym): recomputes each opted-out DID's pseudonym for this thread
 * and reports whether any message carries it, as the reference's remove.py does.
 */
export function releasedThreadHasOptedOutUser(
  thread: readonly { user_id: string; [key: string]: unknown }[],
  optOut: ReadonlySet<string>,
  secret: string,
  mode: PseudonymMode,
): boolean {
  if (optOut.size === 0) return false;
  const ids = new Set(thread.map((m) => m.user_id));
  const dump = canonicalThreadDump(thread);
  for (const did of optOut) if (ids.has(pseudonymFor(did, dump, secret, mode))) return true;
  return false;
}
