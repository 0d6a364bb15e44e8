// Recognizers for addresses on the web and on the AT Protocol: e-mail, URL (with and without a scheme), Bluesky
// handles, DIDs, at:// URIs, IPv4/IPv6. Spans are JavaScript string indices.
import { isIPv6 } from 'node:net';
import type { PiiEntity, Recognizer } from './types.ts';
import { KNOWN_HOSTS, TLD_STRONG, TLD_WEAK, tldWeight } from './tlds.ts';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
// A domain: labels separated by dots, not followed by more domain characters or `.x` (so `a.b.c` is taken whole).
const DOMAIN = `((?:${LABEL}\\.)+([A-Za-z]{2,24}))(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`;

/** Drops trailing punctuation that ends a sentence rather than the address; keeps a `)` that closes a `(` inside. */
function trimTrailing(text: string, start: number, end: number): number {
  while (end > start) {
    const c = text[end - 1];
    if ('.,;:!?\'"]}>*…'.includes(c)) end--;
    else if (c === ')') {
      const inner = text.slice(start, end);
      if ((inner.match(/\(/g)?.length ?? 0) >= (inner.match(/\)/g)?.length ?? 0)) break;
      end--;
    } else break;
  }
  return end;
}

const EMAIL_RE = new RegExp(`(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@${DOMAIN}`, 'g');

export const emailRecognizer: Recognizer = {
  type: 'EMAIL_ADDRESS',
  context: ['email', 'e-mail', 'mail', 'contact', 'write'],
  prefilter: (t) => t.includes('@'),
  find(text, out) {
    for (const m of text.matchAll(EMAIL_RE)) {
      out.push({ type: 'EMAIL_ADDRESS', start: m.index, end: m.index + m[0].length, score: tldWeight(m[2]) > 0 ? 1 : 0.6 });
    }
  },
};

// A Bluesky mention: `@` + a domain name (every handle is one). The span leaves out the `@`, which the reference keeps
// (`@<USERNAME>`).
const HANDLE_RE = new RegExp(`(?<![A-Za-z0-9_.@])@${DOMAIN}`, 'g');

export const handleRecognizer: Recognizer = {
  type: 'USERNAME',
  context: ['follow', 'thanks', 'via', 'cc', 'h/t'],
  prefilter: (t) => t.includes('@'),
  find(text, out) {
    for (const m of text.matchAll(HANDLE_RE)) {
      const host = m[1].toLowerCase();
      const w = tldWeight(m[2]);
      const score = host.endsWith('.bsky.social') ? 0.95 : w >= TLD_WEAK ? 0.85 : 0.6;
      out.push({ type: 'USERNAME', start: m.index + 1, end: m.index + m[0].length, score });
    }
  },
};

const SCHEME_URL_RE = /\b(?:https?|ftp):\/\/[^\s<>"'`{}|\\^]+/gi;
const WWW_URL_RE = /(?<![A-Za-z0-9.@/-])www\.(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}(?:[:/?#][^\s<>"'`]*)?/gi;
const BARE_URL_RE = new RegExp(`(?<![A-Za-z0-9_.@/:%+-])${DOMAIN}(?::\\d{2,5})?([/?#][^\\s<>"'\`]*)?`, 'g');

export const urlRecognizer: Recognizer = {
  type: 'URL',
  context: ['link', 'site', 'website', 'visit', 'url', 'check out', 'homepage', 'blog'],
  prefilter: (t) => t.includes('.') || t.includes('://'),
  find(text, out) {
    if (text.includes('://')) {
      for (const m of text.matchAll(SCHEME_URL_RE)) push(out, text, m.index, m.index + m[0].length, 0.95);
    }
    if (text.includes('www.') || text.includes('WWW.')) {
      for (const m of text.matchAll(WWW_URL_RE)) push(out, text, m.index, m.index + m[0].length, 0.9);
    }
    for (const m of text.matchAll(BARE_URL_RE)) {
      const host = m[1].toLowerCase();
      let score = tldWeight(m[2]);
      if (score === 0) continue;
      if (KNOWN_HOSTS.has(host)) score = 0.95;
      else if (m[3] && m[3].length > 1) score = Math.min(TLD_STRONG + 0.05, Math.round((score + 0.2) * 100) / 100);
      push(out, text, m.index, m.index + m[0].length, score);
    }
  },
};

function push(out: PiiEntity[], text: string, start: number, end: number, score: number): void {
  const e = trimTrailing(text, start, end);
  if (e > start) out.push({ type: 'URL', start, end: e, score });
}

const DID_RE = /\bdid:(plc|web):[A-Za-z0-9._:%-]*[A-Za-z0-9]/g;

export const didRecognizer: Recognizer = {
  type: 'DID',
  context: [],
  prefilter: (t) => t.includes('did:'),
  find(text, out) {
    for (const m of text.matchAll(DID_RE)) {
      const valid = m[1] === 'web' || /^did:plc:[a-z2-7]{24}$/.test(m[0]);
      out.push({ type: 'DID', start: m.index, end: m.index + m[0].length, score: valid ? 1 : 0.85 });
    }
  },
};

const AT_URI_RE = /\bat:\/\/[^\s<>"'`]+/g;

export const atUriRecognizer: Recognizer = {
  type: 'AT_URI',
  context: [],
  prefilter: (t) => t.includes('at://'),
  find(text, out) {
    for (const m of text.matchAll(AT_URI_RE)) {
      const end = trimTrailing(text, m.index, m.index + m[0].length);
      out.push({ type: 'AT_URI', start: m.index, end, score: 1 });
    }
  },
};

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_RE = new RegExp(`(?<![A-Za-z0-9_.])${OCTET}(?:\\.${OCTET}){3}(?![A-Za-z0-9_]|\\.\\d)`, 'g');
const IPV6_RE = /(?<![A-Za-z0-9_:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![A-Za-z0-9_:])/g;

export const ipRecognizer: Recognizer = {
  type: 'IP_ADDRESS',
  context: ['ip', 'server', 'address', 'host', 'ping'],
  prefilter: (t) => t.includes('.') || t.includes(':'),
  find(text, out) {
    if (text.includes('.')) {
      for (const m of text.matchAll(IPV4_RE)) out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.9 });
    }
    if (!text.includes(':')) return;
    for (const m of text.matchAll(IPV6_RE)) {
      const s = m[0];
      // At least three groups (or loopback / a short link-local), so `a::b` and clock times (`12:30:45`) stay out.
      if (s.split(':').filter((g) => g.length > 0).length < 3 && !/^(?:::1|fe80::[0-9a-f]{1,4})$/i.test(s)) continue;
      if (!isIPv6(s)) continue;
      out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + s.length, score: 0.9 });
    }
  },
};
