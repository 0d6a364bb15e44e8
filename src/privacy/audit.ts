// The release audit: scans every file of a release for what must not be in it (DIDs, handles, at:// URIs, raw
// timestamps, e-mail addresses, URLs, phone numbers, the secret, and the identifiers of the collected users when
// given) and reports each leak with file:line, masked. It works from patterns and the raw identifiers, never from the
// writer's idea of what it wrote.
import { closeSync, createReadStream, lstatSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { createPiiEngine, type PiiEngine } from './pii/engine.ts';
import { findKnownHandles, knownHandleSet } from './known-handles.ts';
import { secretForms } from './secret.ts';

export type LeakKind =
  | 'did'
  | 'handle'
  | 'at-uri'
  | 'iso-date'
  | 'epoch-us'
  | 'epoch-ms'
  | 'epoch-ns'
  | 'email'
  | 'url'
  | 'phone'
  | 'secret'
  | 'needle'
  | 'known-did'
  | 'known-handle';

export interface Leak {
  /** Path relative to the audited folder. */
  file: string;
  /** 1-based line (for Parquet: row number). */
  line: number;
  kind: LeakKind;
  /** The leak, masked: enough to find it, not enough to read it. */
  excerpt: string;
}

export interface AuditOptions {
  secret?: string;
  /** Further exact strings that must not appear (e.g. a sample of raw DIDs or handles). Never shown unmasked. */
  extraNeedles?: string[];
  /** Matches (of any kind but the secret, needles and known identifiers) that are allowed, e.g. the licence URL of a dataset card. */
  allow?: RegExp[];
  /**
   * Identifiers of the collected users, read from the store, not from the release writer: every handle (any domain,
   * not only `*.bsky.social`) is looked for as a whole dotted name, case-insensitively (`known-handle`), and every
   * `did:plc` identifier also without its `did:plc:` prefix (`known-did`; the prefixed form is the `did` pattern).
   */
  known?: KnownIdentifiers;
  /** Threads that scan files in parallel (default: 2 for releases of 64 MB or more, where cores allow; else 1). */
  workers?: number;
}

export interface KnownIdentifiers {
  dids?: Iterable<string>;
  handles?: Iterable<string>;
}

export interface AuditReport {
  leaks: Leak[];
  scannedFiles: number;
  /** Files not scanned, with the reason (binary formats other than Parquet). */
  skipped: { file: string; reason: string }[];
}

const TEXT_EXT = new Set(['.jsonl', '.ndjson', '.json', '.md', '.csv', '.tsv', '.txt', '.html', '.htm', '.yaml', '.yml', '.toml', '.svg', '.xml']);

export async function auditRelease(dir: string, opts: AuditOptions = {}): Promise<Leak[]> {
  return (await auditReleaseReport(dir, opts)).leaks;
}

export async function auditReleaseReport(dir: string, opts: AuditOptions = {}): Promise<AuditReport> {
  const report: AuditReport = { leaks: [], scannedFiles: 0, skipped: [] };
  const paths = listFiles(dir, dir, report.skipped);
  const costs = paths.map(scanCost);
  const total = costs.reduce((sum, c) => sum + c, 0);
  const workers = opts.workers ?? (total >= PARALLEL_FROM_BYTES ? Math.min(2, availableParallelism()) : 1);
  const groups = splitByCost(paths, costs, workers);
  // A worker that cannot start or fails leaves its files to this thread: the audit never passes on a crash.
  const results = await Promise.all(
    groups.map((g, i) => (i === 0 ? scanReleaseFiles(dir, g, opts) : scanInWorker(dir, g, opts).catch(() => scanReleaseFiles(dir, g, opts)))),
  );
  const byFile = new Map(results.flat().map((r) => [r.file, r]));
  for (const path of paths) {
    const r = byFile.get(relative(dir, path))!;
    if (r.skipped) report.skipped.push({ file: r.file, reason: r.skipped });
    else {
      report.scannedFiles++;
      for (const leak of r.leaks) report.leaks.push(leak);
    }
  }
  return report;
}

/** What scanning one file found, or why it was not scanned. */
export interface FileScan {
  file: string;
  leaks: Leak[];
  skipped?: string;
}

/** Scans the files (paths under `dir`) one after the other with one scanner. Also the body of the audit worker. */
export async function scanReleaseFiles(dir: string, paths: readonly string[], opts: AuditOptions): Promise<FileScan[]> {
  const scanner = new LineScanner(opts);
  const out: FileScan[] = [];
  for (const path of paths) {
    const file = relative(dir, path);
    const leaks: Leak[] = [];
    const compression = /\.(gz|zst)$/i.exec(path)?.[1].toLowerCase();
    const ext = extname(compression ? path.slice(0, -compression.length - 1) : path).toLowerCase();
    const mode = ext === '.parquet' ? 'json-lines' : scanModeOf(ext);
    scanner.startFile(mode);
    if (compression && TEXT_EXT.has(ext)) {
      let line = 0;
      const rl = createInterface({ input: decompressed(path, compression), crlfDelay: Infinity });
      for await (const text of rl) scanner.scan(text, mode, file, ++line, leaks);
    } else if (ext === '.parquet') {
      const { parquetRowsAsJson } = await import('../store/privacy.ts');
      let line = 0;
      for await (const row of parquetRowsAsJson(path)) scanner.scan(row, mode, file, ++line, leaks);
    } else if (TEXT_EXT.has(ext) || (!ext && !looksBinary(path))) {
      let line = 0;
      const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
      for await (const text of rl) scanner.scan(text, mode, file, ++line, leaks);
    } else {
      out.push({ file, leaks, skipped: `not a text or Parquet file (${ext || 'binary'})` });
      continue;
    }
    out.push({ file, leaks });
  }
  return out;
}

/** Releases smaller than this are audited on one thread (a worker costs about a second to start). */
const PARALLEL_FROM_BYTES = 64 * 2 ** 20;
/** A Parquet file holds about this many times its size in scanned JSON text. */
const PARQUET_EXPANSION = 9;

function scanCost(path: string): number {
  const size = statSync(path).size;
  return path.toLowerCase().endsWith('.parquet') ? size * PARQUET_EXPANSION : size;
}

/** The files in `n` groups of similar scan cost (largest first, each to the lightest group); group 0 is never empty. */
function splitByCost(paths: readonly string[], costs: readonly number[], n: number): string[][] {
  const groups = Array.from({ length: Math.max(1, Math.min(n, paths.length)) }, () => ({ cost: 0, paths: [] as string[] }));
  const order = paths.map((_, i) => i).sort((a, b) => costs[b] - costs[a]);
  for (const i of order) {
    const g = groups.reduce((best, x) => (x.cost < best.cost ? x : best));
    g.cost += costs[i];
    g.paths.push(paths[i]);
  }
  return groups.map((g) => g.paths);
}

/** Scans a group of files in a worker thread (its entry registers tsx: the sources are TypeScript). */
function scanInWorker(dir: string, paths: readonly string[], opts: AuditOptions): Promise<FileScan[]> {
  const known = opts.known ? { dids: [...(opts.known.dids ?? [])], handles: [...(opts.known.handles ?? [])] } : undefined;
  const worker = new Worker(new URL('./audit-worker-entry.mjs', import.meta.url), {
    workerData: { dir, paths, opts: { ...opts, known, workers: 1 } },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: FileScan[]) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`audit worker stopped with exit code ${code}`));
    });
  });
}

/** A gzip or zstd file as a text stream (zstd is decoded whole: fzstd has no Node stream adapter). */
function decompressed(path: string, compression: string): Readable {
  if (compression === 'gz') return createReadStream(path).pipe(createGunzip()).setEncoding('utf8');
  return Readable.from([Buffer.from(zstdDecompress(readFileSync(path))).toString('utf8')]);
}

/** Regular files under `dir`, sorted; symbolic links and special files are not followed but reported. */
function listFiles(dir: string, root: string, skipped: AuditReport['skipped']): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...listFiles(p, root, skipped));
    else if (st.isFile()) out.push(p);
    else skipped.push({ file: relative(root, p), reason: st.isSymbolicLink() ? 'symbolic link (not followed)' : 'not a regular file' });
  }
  return out;
}

function looksBinary(path: string): boolean {
  const buf = Buffer.alloc(4096);
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).includes(0);
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** Each identifier pattern with a literal every match contains (a fast test that skips the regex on most lines). */
const PATTERNS: [LeakKind, RegExp, RegExp][] = [
  ['did', /\bdid:(?:plc|web):[A-Za-z0-9._:%-]*[A-Za-z0-9]/g, /did:/],
  ['at-uri', /\bat:\/\/[^\s"'<>\\]+/g, /at:\/\//],
  ['handle', /(?<![A-Za-z0-9_.@/-])@?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+bsky\.social\b/gi, /bsky\.social/i],
];

/** Raw timestamps written as dates (the epoch integers follow below). */
const TIME_PATTERNS: [LeakKind, RegExp][] = [
  ['iso-date', /(?<![0-9A-Za-z])(?:19[7-9]\d|20\d\d|21\d\d)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![0-9])/g],
  ['iso-date', /(?<![0-9A-Za-z])(?:20\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])T\d{4,6}Z?(?![0-9A-Za-z])/g],
];

// Epoch integers between 2000-01-01 and 2100-01-01, bounded by non-alphanumerics so that 64-hex pseudonyms, which
// may hold runs of digits, do not count; relative_integer_time values are far smaller.
const NUMBER_RE = /(?<![0-9A-Za-z_.])\d{12,19}(?![0-9A-Za-z_]|\.\d)/g;
const EPOCH_RANGES: [LeakKind, number, number][] = [
  ['epoch-ms', 946684800e3, 4102444800e3],
  ['epoch-us', 946684800e6, 4102444800e6],
  ['epoch-ns', 946684800e9, 4102444800e9],
];

const JSON_STRING_RE = /"(?:[^"\\]|\\.)*"/g;

/** A bare did:plc identifier (24 base32 characters) standing alone (with its prefix it is the `did` pattern's). */
const PLC_ID_RE = /(?<![A-Za-z0-9]|did:plc:)[a-z2-7]{24}(?![A-Za-z0-9])/g;
/** Always allowed: the W3C namespace URLs every SVG plot carries (they identify no one). */
const STANDARD_ALLOW: RegExp[] = [/^https?:\/\/www\.w3\.org\/(?:2000\/svg|1999\/xlink|XML\/1998\/namespace)\/?$/];

const ENGINE_KINDS: Record<string, LeakKind> = { EMAIL_ADDRESS: 'email', URL: 'url', PHONE_NUMBER: 'phone', USERNAME: 'handle' };

/**
 * The audit's own score thresholds, below the scrubber's (0.5), so that it catches what the scrubber lets through as
 * too uncertain: a bare digit run valid as a phone number (0.4), a number only "possible" in its plan (0.45). URLs
 * stay at 0.5: the candidates below it are file names and words joined by a full stop (`README.md`, `this.is`),
 * which name no one.
 */
export const AUDIT_THRESHOLDS: Readonly<Record<string, number>> = { EMAIL_ADDRESS: 0.3, USERNAME: 0.3, PHONE_NUMBER: 0.3, URL: 0.5 };

/** Redaction placeholders of every operator but `mask`: `<TYPE>` and `<TYPE:16 hex>` (hash). */
const PLACEHOLDER_RE = /^<[A-Z_]+(?::[0-9a-f]{16})?>$/;

/**
 * JSON keys whose string values are prose written by users (post texts, and the medoid posts and top terms of the
 * cluster diagnostics). A date or a long number inside them is content, not a leaked event time: the raw-timestamp
 * patterns skip them (every other check still reads them).
 */
export const PROSE_KEYS: ReadonlySet<string> = new Set(['text', 'medoidPosts', 'topTerms']);

/**
 * How a file's lines are read: `text` (the whole line is checked for everything), `json-lines` (each line is one JSON
 * value; prose values are exempt from the timestamp patterns), `json-document` (one JSON document over many lines,
 * e.g. pretty-printed: the same, with the nesting carried from line to line).
 */
export type ScanMode = 'text' | 'json-lines' | 'json-document';

function scanModeOf(ext: string): ScanMode {
  if (ext === '.jsonl' || ext === '.ndjson') return 'json-lines';
  if (ext === '.json') return 'json-document';
  return 'text';
}

class LineScanner {
  private readonly engine: PiiEngine;
  private readonly secrets: string[];
  private readonly needles: string[];
  private readonly allow: RegExp[];
  private readonly plcIds = new Set<string>();
  private readonly handles: ReadonlySet<string>;
  private doc: JsonProse | null = null;
  private readonly analyzed = new Map<string, readonly (readonly [LeakKind, string])[]>();

  constructor(opts: AuditOptions) {
    this.engine = createPiiEngine({ entities: Object.keys(ENGINE_KINDS), thresholds: AUDIT_THRESHOLDS });
    this.secrets = opts.secret ? secretForms(opts.secret) : [];
    this.needles = (opts.extraNeedles ?? []).filter((n) => n.length >= 3);
    this.allow = [...STANDARD_ALLOW, ...(opts.allow ?? [])];
    for (const did of opts.known?.dids ?? []) {
      const m = /^did:plc:([a-z2-7]{24})$/.exec(did);
      if (m) this.plcIds.add(m[1]);
    }
    this.handles = knownHandleSet(opts.known?.handles ?? []);
  }

  /** Called before the first line of every file. */
  startFile(mode: ScanMode): void {
    this.doc = mode === 'json-document' ? new JsonProse() : null;
  }

  scan(line: string, mode: ScanMode, file: string, lineNo: number, out: Leak[]): void {
    let seen: Set<string> | null = null;
    const add = (kind: LeakKind, value: string) => {
      if (kind !== 'secret' && kind !== 'needle' && !kind.startsWith('known-') && this.allow.some((re) => re.test(value))) return;
      const excerpt = kind === 'secret' ? '[secret]' : maskLeak(value);
      const key = `${kind}\u0000${value}`;
      if ((seen ??= new Set()).has(key)) return;
      seen.add(key);
      out.push({ file, line: lineNo, kind, excerpt });
    };
    for (const s of this.secrets) if (line.includes(s)) add('secret', s);
    for (const n of this.needles) if (line.includes(n)) add('needle', n);
    // The BluePrint format writes every non-ASCII character as \uXXXX and a newline as \n: in a raw JSON line
    // "\u00abdid:plc:…" has no word boundary before the DID, so a line that has the literal is matched decoded.
    let decodedLine: string | undefined;
    for (const [kind, re, literal] of PATTERNS) {
      if (!literal.test(line)) continue;
      const text = mode !== 'text' && line.includes('\\') ? (decodedLine ??= decodeJsonEscapes(line)) : line;
      for (const m of text.matchAll(re)) add(kind, m[0]);
    }
    // Known identifiers: exact set lookups of candidate tokens, so the cost does not grow with the number of users.
    if (this.plcIds.size) for (const m of line.matchAll(PLC_ID_RE)) if (this.plcIds.has(m[0])) add('known-did', m[0]);
    for (const h of findKnownHandles(line, this.handles)) add('known-handle', line.slice(h.start, h.end));

    // Raw timestamps: anywhere in a text file; in JSON everywhere but inside prose values (see PROSE_KEYS).
    let times: { kind: LeakKind; start: number; value: string }[] | null = null;
    for (const [kind, re] of TIME_PATTERNS) for (const m of line.matchAll(re)) (times ??= []).push({ kind, start: m.index, value: m[0] });
    for (const m of line.matchAll(NUMBER_RE)) {
      const v = Number(m[0]);
      for (const [kind, lo, hi] of EPOCH_RANGES) if (v >= lo && v < hi) (times ??= []).push({ kind, start: m.index, value: m[0] });
    }
    // A JSON document is followed on every line (to know the nesting); a JSON line only when it has a candidate.
    const prose = this.doc ? this.doc.spans(line) : mode === 'json-lines' && times ? new JsonProse().spans(line) : null;
    if (times) for (const t of times) if (!prose || !insideSpan(prose, t.start, t.start + t.value.length)) add(t.kind, t.value);

    const decoded: string[] = [];
    for (const segment of textSegments(line, mode !== 'text', decoded)) {
      for (const [kind, value] of this.engineLeaks(segment)) add(kind, value);
    }
    // Likewise the known identifiers ("\u00abz72i…", "\nsam.nyc"): strings with escapes are also searched decoded
    // (the others are the raw line's own characters, searched above).
    for (const text of decoded) {
      if (this.plcIds.size) for (const m of text.matchAll(PLC_ID_RE)) if (this.plcIds.has(m[0])) add('known-did', m[0]);
      for (const h of findKnownHandles(text, this.handles)) add('known-handle', text.slice(h.start, h.end));
    }
  }

  /**
   * The engine's findings in one string, remembered: a release repeats the same texts many times (a post is the
   * context of every thread below it, and the Parquet copy repeats the JSONL), and the engine is most of the cost.
   */
  private engineLeaks(segment: string): readonly (readonly [LeakKind, string])[] {
    const known = this.analyzed.get(segment);
    if (known) return known;
    let found: [LeakKind, string][] | null = null;
    for (const e of this.engine.analyze(segment)) {
      const value = segment.slice(e.start, e.end);
      // Redaction placeholders and bsky handles (reported above) are not new leaks.
      if (PLACEHOLDER_RE.test(value) || /\.bsky\.social$/i.test(value)) continue;
      (found ??= []).push([ENGINE_KINDS[e.type], value]);
    }
    const result = found ?? NO_LEAKS;
    // Only prose is worth remembering: ids and pseudonyms (no spaces) are unique per thread and would flush the rest.
    if (segment.includes(' ')) {
      if (this.analyzed.size >= ANALYZED_CACHE_SIZE) this.analyzed.clear();
      this.analyzed.set(segment, result);
    }
    return result;
  }
}

const NO_LEAKS: readonly (readonly [LeakKind, string])[] = Object.freeze([]);
/** Strings remembered by the scanner before it starts over (bounds memory: ~200k texts of a few hundred bytes). */
const ANALYZED_CACHE_SIZE = 200_000;

/** Whether [start, end) lies inside one of the spans (a flat list of start, end pairs). */
function insideSpan(spans: readonly number[], start: number, end: number): boolean {
  for (let i = 0; i < spans.length; i += 2) if (start >= spans[i] && end <= spans[i + 1]) return true;
  return false;
}

const JSON_TOKEN_RE = /"((?:[^"\\]|\\.)*)(")?|[{}[\]:,]/g;

/**
 * A minimal JSON structure follower: for each line it returns the spans of string values that belong to a prose key
 * (the string's content, without quotes), carrying the nesting across lines. A value inside an array belongs to the
 * key the array belongs to. Malformed input only ever makes less prose (an unterminated string is not prose), so the
 * audit stays strict where the structure is unclear.
 */
export class JsonProse {
  private readonly stack: { array: boolean; key: string | null; expectKey: boolean }[] = [];

  spans(line: string): number[] {
    const out: number[] = [];
    for (const m of line.matchAll(JSON_TOKEN_RE)) {
      const top = this.stack[this.stack.length - 1];
      const tok = m[0];
      if (tok === '{') this.stack.push({ array: false, key: null, expectKey: true });
      else if (tok === '[') this.stack.push({ array: true, key: top ? top.key : null, expectKey: false });
      else if (tok === '}' || tok === ']') this.stack.pop();
      else if (tok === ',') {
        if (top && !top.array) top.expectKey = true;
      } else if (tok === ':') {
        if (top && !top.array) top.expectKey = false;
      } else if (top && !top.array && top.expectKey) {
        top.key = m[2] === undefined ? null : decodeKey(m[1]);
        top.expectKey = false;
      } else if (m[2] !== undefined && top?.key != null && PROSE_KEYS.has(top.key)) {
        out.push(m.index + 1, m.index + tok.length - 1);
      }
    }
    return out;
  }
}

function decodeKey(raw: string): string | null {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return null;
  }
}

const JSON_ESCAPE_RE = /\\(?:u([0-9A-Fa-f]{4})|(.))/g;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/** A line with its JSON string escapes decoded (positions shift: used only for the identifier patterns). */
export function decodeJsonEscapes(line: string): string {
  return line.replace(JSON_ESCAPE_RE, (_, hex: string | undefined, ch: string | undefined) =>
    hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : (SIMPLE_ESCAPES[ch!] ?? ch!),
  );
}

/**
 * The prose of a line: its JSON string values (decoded) for JSON files, so that numbers and keys are not read as
 * phones. The values that held escapes are also pushed to `decoded`.
 */
function textSegments(line: string, isJson: boolean, decoded: string[]): string[] {
  if (!isJson) return [line];
  const out: string[] = [];
  for (const m of line.matchAll(JSON_STRING_RE)) {
    if (m[0].length < 6) continue;
    if (!m[0].includes('\\')) {
      out.push(m[0].slice(1, -1)); // nothing escaped: the content is the string
      continue;
    }
    try {
      const text = JSON.parse(m[0]) as string;
      out.push(text);
      decoded.push(text);
    } catch {
      out.push(m[0]);
    }
  }
  return out;
}

/** Keeps a short prefix (at most a quarter of the value) and the length. */
export function maskLeak(value: string): string {
  const keep = Math.min(6, Math.floor(value.length / 4));
  return `${value.slice(0, keep)}${'*'.repeat(Math.min(8, value.length - keep))} (${value.length} chars)`;
}
