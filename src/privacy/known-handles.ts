// The collected accounts' own handles in texts. The PII engine finds `@` mentions and names on the domains it knows
// as URLs, but a handle on any domain is a valid handle (`sam.nyc`, `eve.lol`), and one written without `@` passes
// it. With the list of handles the store holds, such a name is found by an exact lookup of each whole dotted name,
// case-insensitively: the build replaces it with `<USERNAME>` and the audit reports any that is left. Pure.

/** A whole dotted name: labels of letters, digits and hyphens, not part of a longer name, the last one not all digits. */
export const DOTTED_NAME_RE =
  /(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?![A-Za-z0-9_-]|\.[A-Za-z0-9])/g;

/**
 * The handles to look for, lower-cased, without a leading `@`. A handle has at least two labels; `handle.invalid` is
 * the placeholder of an unresolvable handle, not anyone's name.
 */
export function knownHandleSet(handles: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const h of handles) {
    const handle = h.trim().replace(/^@/, '').toLowerCase();
    if (handle.includes('.') && handle !== 'handle.invalid') out.add(handle);
  }
  return out;
}

/** Each whole dotted name of `text` that is in `known` (lower-cased), with its position. */
export function findKnownHandles(text: string, known: ReadonlySet<string>): { start: number; end: number }[] {
  if (known.size === 0 || !text.includes('.')) return [];
  const out: { start: number; end: number }[] = [];
  for (const m of text.matchAll(DOTTED_NAME_RE)) if (known.has(m[0].toLowerCase())) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** `text` with every known handle replaced by `<USERNAME>` (an `@` before it stays, as the engine's replace does). */
export function redactKnownHandles(text: string, known: ReadonlySet<string>): string {
  const hits = findKnownHandles(text, known);
  if (hits.length === 0) return text;
  let out = '';
  let at = 0;
  for (const h of hits) {
    out += `${text.slice(at, h.start)}<USERNAME>`;
    at = h.end;
  }
  return out + text.slice(at);
}
