// PII scrubbing of thread texts, each distinct text scrubbed once.
import type { Thread } from '../threads/types.ts';

export function scrubThreads(threads: readonly Thread[], scrub: (text: string) => string): Thread[] {
  const done = new Map<string, string>();
  return threads.map((t) => ({
    kind: t.kind,
    messages: t.messages.map((m) => {
      if (m.text === undefined) return m;
      let s = done.get(m.text);
      if (s === undefined) done.set(m.text, (s = scrub(m.text)));
      return { ...m, text: s };
    }),
  }));
}
