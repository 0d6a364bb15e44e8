// A serializer that writes exactly what CPython's `json.dumps` writes, so BluePrint lines and the reference's
// pseudonym hash input can be reproduced byte for byte. Defaults match `json.dumps(obj)`: separators ", " and ": ",
// ensure_ascii=True (every code unit outside 0x20..0x7e as lowercase \uXXXX, astral characters as surrogate pairs),
// allow_nan=True (NaN, Infinity), insertion key order unless `sortKeys`.
//
// Python distinguishes int from float; JavaScript does not. An integral JS number is written as an int (`5`); wrap a
// value in `PyFloat` to have it written as Python writes a float (`5.0`). Non-integral numbers are always floats.
// Keys whose value is `undefined` are left out (as JSON.stringify does); `undefined` in an array becomes null.
// Typed arrays are written as lists; other class instances (Date, ...) throw, as Python's encoder does.
// Plain objects keep JavaScript's own key order, which puts integer-like keys first; pass a Map where that matters.

export class PyFloat {
  constructor(readonly value: number) {}
}

export interface PythonJsonOptions {
  sortKeys?: boolean;
  ensureAscii?: boolean;
  /** [item separator, key separator]; Python's default is [", ", ": "]. */
  separators?: readonly [string, string];
}

export function pythonJsonDumps(value: unknown, opts: PythonJsonOptions = {}): string {
  const ctx: Ctx = {
    sortKeys: opts.sortKeys ?? false,
    ensureAscii: opts.ensureAscii ?? true,
    itemSep: opts.separators?.[0] ?? ', ',
    keySep: opts.separators?.[1] ?? ': ',
    stack: new Set(),
  };
  const out: string[] = [];
  write(value, ctx, out);
  return out.join('');
}

interface Ctx {
  sortKeys: boolean;
  ensureAscii: boolean;
  itemSep: string;
  keySep: string;
  stack: Set<object>;
}

function write(value: unknown, ctx: Ctx, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
  } else if (typeof value === 'string') {
    out.push(pythonJsonString(value, ctx.ensureAscii));
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'number') {
    out.push(Number.isInteger(value) && !Object.is(value, -0) ? pythonIntRepr(value) : pythonFloatRepr(value));
  } else if (typeof value === 'bigint') {
    out.push(value.toString());
  } else if (value instanceof PyFloat) {
    out.push(pythonFloatRepr(value.value));
  } else if (typeof value === 'object') {
    if (ctx.stack.has(value)) throw new TypeError('Circular reference detected');
    ctx.stack.add(value);
    if (Array.isArray(value)) writeArray(value, ctx, out);
    else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) writeArray(Array.from(value as unknown as ArrayLike<number>), ctx, out);
    else if (value instanceof Map) writeObject([...value.entries()], ctx, out);
    else if (isPlainObject(value)) writeObject(Object.entries(value), ctx, out);
    else throw new TypeError(`Object of type ${value.constructor?.name ?? 'object'} is not JSON serializable`);
    ctx.stack.delete(value);
  } else {
    throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
  }
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function writeArray(items: unknown[], ctx: Ctx, out: string[]): void {
  out.push('[');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(ctx.itemSep);
    write(items[i], ctx, out);
  }
  out.push(']');
}

function writeObject(entries: [unknown, unknown][], ctx: Ctx, out: string[]): void {
  const kept = entries.filter(([, v]) => v !== undefined).map(([k, v]) => [pythonKey(k), v] as [string, unknown]);
  if (ctx.sortKeys) kept.sort((a, b) => compareCodePoints(a[0], b[0]));
  out.push('{');
  for (let i = 0; i < kept.length; i++) {
    if (i > 0) out.push(ctx.itemSep);
    out.push(pythonJsonString(kept[i][0], ctx.ensureAscii), ctx.keySep);
    write(kept[i][1], ctx, out);
  }
  out.push('}');
}

/** Python converts int, float, bool and None keys to strings; we accept the JS equivalents. */
function pythonKey(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number') return Number.isInteger(k) ? pythonIntRepr(k) : pythonFloatRepr(k);
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (k === null) return 'null';
  throw new TypeError(`keys must be str, int, float, bool or None, not ${typeof k}`);
}

/** Orders strings by Unicode code point, as Python does (JS's default `<` compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts after every BMP code unit at or above U+E000.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) {
      if (xs && y >= 0xe000) return 1;
      if (ys && x >= 0xe000) return -1;
    }
    return x - y;
  }
  return a.length - b.length;
}

const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };

// Characters Python escapes: with ensure_ascii everything outside ' '..'~' plus '"' and '\'; without it only control
// characters, '"' and '\'.
const NEEDS_ESCAPE_ASCII = /[^ !#-[\]-~]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE_UNICODE = /[\u0000-\u001f"\\]/;

export function pythonJsonString(s: string, ensureAscii = true): string {
  if (!(ensureAscii ? NEEDS_ESCAPE_ASCII : NEEDS_ESCAPE_UNICODE).test(s)) return `"${s}"`;
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const plain = ensureAscii ? c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c : c >= 0x20 && c !== 0x22 && c !== 0x5c;
    if (plain) continue;
    out += s.slice(runStart, i);
    out += SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`;
    runStart = i + 1;
  }
  return `${out}${s.slice(runStart)}"`;
}

/** An integral number as Python writes an int: all digits, never an exponent. */
function pythonIntRepr(x: number): string {
  return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
}

/** CPython's `repr(float)`: shortest round-trip digits, exponent form when exp < -4 or exp >= 16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = Math.abs(x).toExponential().split('e');
  const sign = x < 0 ? '-' : '';
  const digits = mant.replace('.', '');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}
