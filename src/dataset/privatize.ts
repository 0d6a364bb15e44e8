// The privacy steps between scrubbed threads (scrub.ts) and release lines, in the reference's order (spec §4.2–§6):
// rank every message instance globally by time (relative_integer_time), drop opted-out users' threads, then replace
// DIDs by per-thread pseudonyms computed over the thread's canonical dump. Pure: ranker and pseudonym are passed in.
import type { ActionKey } from '../bluesky/actions.ts';
import type { Thread } from '../threads/types.ts';
import { canonicalDumpFast, escapeText, releaseThreadJson, type FastMessage } from './fast-json.ts';

export interface PrivacySteps {
  /** Ranks of `times` (0-based, ties broken by position). */
  rank(times: Float64Array): ArrayLike<number>;
  /** The pseudonym of `did` in the thread whose canonical dump (json.dumps, sorted keys, no user ids) is `dump`. */
  pseudonym(did: string, dump: string): string;
  optOut: ReadonlySet<string>;
}

/** A finished thread: its serialised message array (no DID inside) and what the release writer needs to place it. */
export interface PrivateThread {
  json: string;
  /** The acting user, kept in memory only to look up its cluster per K. */
  actorDid: string;
  action: ActionKey;
  length: number;
}

export interface PrivatizeResult {
  threads: PrivateThread[];
  optedOut: number;
}

export function privatizeThreads(threads: readonly Thread[], steps: PrivacySteps): PrivatizeResult {
  let total = 0;
  for (const t of threads) total += t.messages.length;
  const times = new Float64Array(total);
  let i = 0;
  for (const t of threads) for (const m of t.messages) times[i++] = m.timeUs;
  const ranks = steps.rank(times);

  const escaped = new Map<string, string>();
  const out: PrivateThread[] = [];
  let optedOut = 0;
  i = 0;
  for (const t of threads) {
    const base = i;
    i += t.messages.length;
    if (steps.optOut.size > 0 && t.messages.some((m) => steps.optOut.has(m.did))) {
      optedOut++;
      continue;
    }
    const msgs: FastMessage[] = t.messages.map((m, j) => {
      const fm: FastMessage = { rank: ranks[base + j] };
      if (m.text !== undefined) {
        let e = escaped.get(m.text);
        if (e === undefined) escaped.set(m.text, (e = escapeText(m.text)));
        fm.textJson = e;
      }
      if (m.action !== undefined) fm.action = m.action;
      return fm;
    });
    const dump = canonicalDumpFast(msgs);
    const ids = new Map<string, string>();
    const userIds = t.messages.map((m) => {
      let id = ids.get(m.did);
      if (id === undefined) ids.set(m.did, (id = steps.pseudonym(m.did, dump)));
      return id;
    });
    const last = t.messages[t.messages.length - 1];
    out.push({ json: releaseThreadJson(msgs, userIds), actorDid: last.did, action: last.action!, length: t.messages.length });
  }
  return { threads: out, optedOut };
}
