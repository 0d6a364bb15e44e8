// Python string semantics the reference metrics depend on: `bytes.decode('unicode_escape')` after UTF-8 encoding,
// `str.strip()` whitespace, and `len()` in code points. Text is handled as arrays of code points so that lone
// surrogates produced by `\uD83E`-style escapes stay separate code points, as in Python.

const PY_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

export function isPySpace(cp: number): boolean {
  return PY_SPACE.has(cp);
}

export function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/** Python `str.strip()` on code points. */
export function pyStrip(cps: number[]): number[] {
  let a = 0;
  let b = cps.length;
  while (a < b && PY_SPACE.has(cps[a])) a++;
  while (b > a && PY_SPACE.has(cps[b - 1])) b--;
  return cps.slice(a, b);
}

const SIMPLE_ESCAPES: Record<number, number> = {
  0x5c: 0x5c, 0x27: 0x27, 0x22: 0x22, 0x61: 0x07, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x76: 0x0b,
};

function hexAt(bytes: Uint8Array, at: number, n: number): number | undefined {
  if (at + n > bytes.length) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[at + i];
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return undefined;
    v = v * 16 + d;
  }
  return v;
}

/**
 * `s.encode('utf-8').decode('unicode_escape')` as code points, or undefined where Python raises UnicodeDecodeError
 * (a truncated \x/\u/\U escape, a code point above U+10FFFF, or `\N{...}`, whose name table is not reproduced here).
 * Bytes outside escapes decode as Latin-1, so non-ASCII text comes out as mojibake, exactly as in the reference.
 */
export function unicodeEscapeDecode(s: string): number[] | undefined {
  const bytes = new TextEncoder().encode(s); // lone surrogates become U+FFFD (Python would raise UnicodeEncodeError)
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x5c) {
      out.push(b);
      continue;
    }
    if (i + 1 >= bytes.length) return undefined; // "\\ at end of string"
    const c = bytes[++i];
    if (c in SIMPLE_ESCAPES) out.push(SIMPLE_ESCAPES[c]);
    else if (c === 0x0a) continue; // backslash-newline is a line continuation
    else if (c >= 0x30 && c <= 0x37) {
      let v = c - 0x30;
      for (let k = 0; k < 2 && i + 1 < bytes.length && bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x37; k++) v = v * 8 + (bytes[++i] - 0x30);
      out.push(v);
    } else if (c === 0x78 || c === 0x75 || c === 0x55) {
      const n = c === 0x78 ? 2 : c === 0x75 ? 4 : 8;
      const v = hexAt(bytes, i + 1, n);
      if (v === undefined || v > 0x10ffff) return undefined;
      out.push(v);
      i += n;
    } else if (c === 0x4e) return undefined;
    else out.push(0x5c, c); // unknown escapes keep the backslash
  }
  return out;
}

/** Code points to a JS string; surrogate code points become U+FFFD (they are never word characters). */
export function fromCodePoints(cps: readonly number[]): string {
  let s = '';
  for (let i = 0; i < cps.length; i += 4096) {
    s += String.fromCodePoint(...cps.slice(i, i + 4096).map((c) => (c >= 0xd800 && c <= 0xdfff ? 0xfffd : c)));
  }
  return s;
}
