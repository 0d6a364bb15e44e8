// The PII engine: a registry of recognizers, context enhancement, per-type thresholds, overlap resolution and the
// anonymisation operators (replace with <ENTITY_TYPE> as the reference does, mask, or keyed hash).
import { createHmac } from 'node:crypto';
import type { PiiEntity, Recognizer } from './types.ts';
import { atUriRecognizer, didRecognizer, emailRecognizer, handleRecognizer, ipRecognizer, urlRecognizer } from './recognizers-web.ts';
import { creditCardRecognizer, cryptoRecognizer, ibanRecognizer, phoneRecognizer, ssnRecognizer } from './recognizers-numbers.ts';
import { locationRecognizer, personRecognizer } from './recognizers-names.ts';
import { dateTimeRecognizer } from './recognizers-dates.ts';

export const PII_RECOGNIZERS: readonly Recognizer[] = [
  emailRecognizer,
  handleRecognizer,
  urlRecognizer,
  didRecognizer,
  atUriRecognizer,
  ipRecognizer,
  phoneRecognizer,
  creditCardRecognizer,
  ibanRecognizer,
  ssnRecognizer,
  cryptoRecognizer,
  personRecognizer,
  locationRecognizer,
  dateTimeRecognizer,
];

export const PII_ALL_ENTITIES: readonly string[] = PII_RECOGNIZERS.map((r) => r.type);

/** The reference's set (Presidio inclusion list plus its USERNAME recognizer), see spec §6.1. */
export const PII_BLUEPRINT_ENTITIES: readonly string[] = ['CREDIT_CARD', 'CRYPTO', 'EMAIL_ADDRESS', 'IP_ADDRESS', 'PHONE_NUMBER', 'URL', 'USERNAME'];

/** Our default: the reference's set plus IBANs, US SSNs, DIDs and at:// URIs. PERSON, LOCATION and DATE_TIME are opt-in. */
export const PII_DEFAULT_ENTITIES: readonly string[] = [...PII_BLUEPRINT_ENTITIES, 'IBAN_CODE', 'US_SSN', 'DID', 'AT_URI'];

const ALIASES: Record<string, string> = {
  EMAIL: 'EMAIL_ADDRESS',
  PHONE: 'PHONE_NUMBER',
  IP: 'IP_ADDRESS',
  IBAN: 'IBAN_CODE',
  SSN: 'US_SSN',
  HANDLE: 'USERNAME',
  CARD: 'CREDIT_CARD',
  DATE: 'DATE_TIME',
};

/** Canonical entity names for user input (case-insensitive, aliases accepted); throws on an unknown name. */
export function resolveEntityNames(names: readonly string[]): string[] {
  return names.map((n) => {
    const up = n.trim().toUpperCase();
    const name = ALIASES[up] ?? up;
    if (!PII_ALL_ENTITIES.includes(name)) throw new Error(`unknown entity type "${n}" (known: ${PII_ALL_ENTITIES.join(', ')})`);
    return name;
  });
}

export const PII_DEFAULT_THRESHOLD = 0.5;
const CONTEXT_BOOST = 0.35;
const CONTEXT_BEFORE = 48;
const CONTEXT_AFTER = 24;

export type PiiOperator = 'replace' | 'mask' | 'hash';

export interface PiiEngineOptions {
  entities?: readonly string[];
  operator?: PiiOperator;
  /** Key for the `hash` operator (HMAC-SHA256); required with it. */
  hashKey?: Uint8Array;
  thresholds?: Partial<Record<string, number>>;
  /** The reference's entity set, every detection kept (Presidio ran with score_threshold=0). */
  compatBlueprint?: boolean;
}

export interface PiiEngine {
  readonly entities: readonly string[];
  analyze(text: string): PiiEntity[];
  redact(text: string): { redacted: string; entities: PiiEntity[] };
}

export function createPiiEngine(opts: PiiEngineOptions = {}): PiiEngine {
  const entities = opts.entities ? resolveEntityNames(opts.entities) : opts.compatBlueprint ? [...PII_BLUEPRINT_ENTITIES] : [...PII_DEFAULT_ENTITIES];
  const recognizers = PII_RECOGNIZERS.filter((r) => entities.includes(r.type));
  const baseThreshold = opts.compatBlueprint ? 0 : PII_DEFAULT_THRESHOLD;
  const thresholds = new Map(entities.map((e) => [e, opts.thresholds?.[e] ?? baseThreshold]));
  const operator = opts.operator ?? 'replace';
  if (operator === 'hash' && !opts.hashKey?.length) throw new Error('the hash operator needs a key (hashKey)');
  const hashKey = opts.hashKey;

  function analyze(text: string): PiiEntity[] {
    const found: PiiEntity[] = [];
    for (const r of recognizers) {
      if (!r.prefilter(text)) continue;
      const from = found.length;
      r.find(text, found);
      if (r.context.length) for (let i = from; i < found.length; i++) enhance(text, found[i], r.context);
    }
    // Hits whose score is 0 carry no evidence; Presidio with score_threshold=0 keeps only positive scores too.
    return resolveOverlaps(found.filter((e) => e.score > 0 && e.score >= (thresholds.get(e.type) ?? PII_DEFAULT_THRESHOLD)));
  }

  function replacement(type: string, value: string): string {
    if (operator === 'replace') return `<${type}>`;
    if (operator === 'mask') return '*'.repeat(value.length);
    const h = createHmac('sha256', hashKey!).update(`${type}\n${value}`).digest('hex');
    return `<${type}:${h.slice(0, 16)}>`;
  }

  function redact(text: string): { redacted: string; entities: PiiEntity[] } {
    const hits = analyze(text);
    if (hits.length === 0) return { redacted: text, entities: hits };
    let out = '';
    let pos = 0;
    for (const e of hits) {
      out += text.slice(pos, e.start) + replacement(e.type, text.slice(e.start, e.end));
      pos = e.end;
    }
    return { redacted: out + text.slice(pos), entities: hits };
  }

  return { entities, analyze, redact };
}

/** Presidio-style context enhancement: a context word shortly before (or after) a hit raises its score. */
function enhance(text: string, e: PiiEntity, words: readonly string[]): void {
  if (e.score >= 1) return;
  const window = text.slice(Math.max(0, e.start - CONTEXT_BEFORE), e.start).toLowerCase() + ' ' + text.slice(e.end, e.end + CONTEXT_AFTER).toLowerCase();
  for (const w of words) {
    for (let i = window.indexOf(w); i >= 0; i = window.indexOf(w, i + 1)) {
      const before = i === 0 ? ' ' : window[i - 1];
      const after = window[i + w.length] ?? ' ';
      if (/[a-z0-9]/.test(before) || /[a-z0-9]/.test(after)) continue;
      e.score = Math.min(1, Math.round((e.score + CONTEXT_BOOST) * 100) / 100);
      return;
    }
  }
}

/**
 * Resolves overlapping hits, returned in text order: a hit inside another is dropped (the DID inside an at:// URI or a
 * URL is redacted with it); of partly overlapping hits the higher score wins, then the longer span, then the earlier.
 * O(n log n) plus the lengths of overlap chains, so that a pathological text with thousands of hits stays fast.
 */
export function resolveOverlaps(hits: PiiEntity[]): PiiEntity[] {
  if (hits.length <= 1) return hits;
  // By start, longer first, then higher score: a hit is inside another iff an earlier one reaches as far.
  const byStart = [...hits].sort((a, b) => a.start - b.start || b.end - a.end || b.score - a.score);
  const outer: PiiEntity[] = [];
  let reach = -1;
  for (const h of byStart) {
    if (h.end <= reach) continue;
    outer.push(h);
    reach = h.end;
  }
  // Now starts and ends both increase along `outer`, so the hits overlapping outer[i] are contiguous around i.
  const order = outer.map((_, i) => i).sort((a, b) => {
    const x = outer[a];
    const y = outer[b];
    return y.score - x.score || y.end - y.start - (x.end - x.start) || x.start - y.start;
  });
  const kept = new Uint8Array(outer.length);
  for (const i of order) {
    const h = outer[i];
    let free = true;
    for (let j = i - 1; free && j >= 0 && outer[j].end > h.start; j--) if (kept[j]) free = false;
    for (let j = i + 1; free && j < outer.length && outer[j].start < h.end; j++) if (kept[j]) free = false;
    if (free) kept[i] = 1;
  }
  return outer.filter((_, i) => kept[i]);
}
