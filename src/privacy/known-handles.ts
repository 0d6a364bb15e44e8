// The collected accounts' own handles in texts. The PII engine finds `@` mentions and names on the domains it knows
// as URLs, but a handle on any domain is a valid handle (`sam.nyc`, `eve.lol`), and one written without `@` passes
// it. With the list of handles the store holds, such a name is found by an exact lookup of each whole dotted name,
// case-insensitively: the build replaces it with `<USERNAME>` and the audit reports any that is left. Pure.

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

/**
 * Each whole dotted name of `text` (letters, digits, hyphens and inner full stops, not part of a longer name:
 * `www.sam.nyc` and `sam.nyc.example` are other names) that is in `known` (lower-cased), with its position. Driven
 * by the full stops (`indexOf`), so a line costs little more than one pass over it.
 */
export function findKnownHandles(text: string, known: ReadonlySet<string>): { start: number; end: number }[] {
  if (known.size === 0) return [];
  const out: { start: number; end: number }[] = [];
  const len = text.length;
  let dot = text.indexOf('.');
  while (dot !== -1) {
    if (dot === 0 || dot + 1 >= len || !isLabelChar(text.charCodeAt(dot - 1)) || !isLabelChar(text.charCodeAt(dot + 1))) {
      dot = text.indexOf('.', dot + 1);
      continue;
    }
    let start = dot - 1;
    while (start > 0 && isNameChar(text.charCodeAt(start - 1))) start--;
    let end = dot + 1;
    while (end < len && isNameChar(text.charCodeAt(end))) end++;
    dot = text.indexOf('.', end);
    // edges: a name neither starts nor ends with a full stop or a hyphen
    while (start < end && !isAlnum(text.charCodeAt(start))) start++;
    while (end > start && !isAlnum(text.charCodeAt(end - 1))) end--;
    if (end - start >= 3 && known.has(text.slice(start, end).toLowerCase())) out.push({ start, end });
  }
  return out;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isLabelChar(c: number): boolean {
  return isAlnum(c) || c === 45;
}
function isNameChar(c: number): boolean {
  return isLabelChar(c) || c === 46;
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
