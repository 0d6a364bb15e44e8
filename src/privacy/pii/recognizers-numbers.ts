// Recognizers for numbers and codes: phone numbers (validated with libphonenumber-js), payment cards (Luhn), IBANs
// (mod 97), US social security numbers, crypto addresses (Base58Check, Bech32, Ethereum hex).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Recognizer } from './types.ts';
import { base58CheckValid, bech32Valid, ibanValid, luhnValid } from './checksums.ts';

/** Counts ASCII digits, stopping early once `enough` is reached. */
function hasDigits(text: string, enough: number): boolean {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++n >= enough) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Phone numbers. A candidate is a run of digits with phone-like separators; structural rules then drop dates,
// versions, decimals, year ranges and ISBNs, and libphonenumber-js decides validity in the regions Presidio uses.

const PHONE_RE = /(?<![A-Za-z0-9_$€£¥#@/:.,+-])(?:\+|\b00)?\(?\d[\d ().\u00a0-]{5,22}\d\)?(?![A-Za-z0-9_%/:]|[.,-]\d)/g;
const REGIONS: CountryCode[] = ['US', 'GB', 'DE', 'FR', 'IN', 'CA', 'BR', 'AU', 'IL'];

const DATE_LIKE = [/^\d{4}[-.]\d{1,2}[-.]\d{1,2}$/, /^\d{1,2}[-.]\d{1,2}[-.]\d{2,4}$/, /^\d{4}[-.]\d{4}$/];
const YEAR_RANGE = /^(\d{4}) ?[-–] ?(\d{4})$/;

/** Why a candidate is not a phone number, or null if it may be one. */
export function phoneStructureReject(s: string): string | null {
  const digits = s.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return 'length';
  if (/[.-]{2}|\s{2}|[.-]\s|\s[.-]|\(\(|\)\)/.test(s)) return 'separators';
  const open = s.indexOf('(');
  const close = s.indexOf(')');
  if ((open < 0) !== (close < 0) || close < open || s.split('(').length > 2) return 'parentheses';
  if (DATE_LIKE.some((re) => re.test(s))) return 'date';
  const yr = YEAR_RANGE.exec(s);
  if (yr && Number(yr[1]) >= 1000 && Number(yr[2]) <= 2199) return 'year range';
  if (/^\d+\.\d+$/.test(s)) return 'decimal';
  if (/^\d{3}-\d{2}-\d{4}$/.test(s)) return 'ssn-shaped';
  if (/^97[89]\D?\d/.test(s) && digits.length === 13) return 'isbn';
  const groups = s.split(/[ .\u00a0()-]+/).filter(Boolean);
  // Versions and ISBN-10s end in a one-digit group (`10.0.1`, `0-306-40615-2`); phone numbers do not.
  if (groups.length >= 3 && groups[groups.length - 1].length === 1) return 'version';
  if (!s.startsWith('+') && /^[\d.]+$/.test(s) && groups.some((g) => g.length === 1)) return 'version';
  return null;
}

/** The score of a structurally plausible candidate after validation, or 0 if no region accepts it. */
export function phoneScore(s: string): number {
  const formatted = /[ ().\u00a0-]/.test(s);
  if (s.startsWith('+') || s.startsWith('00')) {
    const p = parsePhoneNumberFromString(s.startsWith('00') ? `+${s.slice(2)}` : s);
    if (!p) return 0;
    return p.isValid() ? 0.9 : p.isPossible() ? 0.45 : 0;
  }
  // Outside the North American plan (and Indian mobiles, 6-9…), national numbers are written with the trunk prefix 0;
  // without it, digits that some region's plan happens to accept (German numbers vary in length) are not evidence.
  const trunk = /^\(?0/.test(s);
  for (const region of REGIONS) {
    if (!trunk && !(region === 'US' || region === 'CA' || (region === 'IN' && /^[6-9]/.test(s)))) continue;
    const p = parsePhoneNumberFromString(s, region);
    if (p?.isValid()) return formatted ? 0.75 : 0.4;
  }
  return 0;
}

export const phoneRecognizer: Recognizer = {
  type: 'PHONE_NUMBER',
  context: ['phone', 'call', 'tel', 'telephone', 'cell', 'mobile', 'number', 'text me', 'whatsapp', 'signal', 'fax', 'contact', 'reach', 'dial'],
  prefilter: (t) => hasDigits(t, 7),
  find(text, out) {
    for (const m of text.matchAll(PHONE_RE)) {
      let s = m[0];
      let start = m.index;
      // A `(` or `)` that the regex took from the surrounding prose.
      if (s.endsWith(')') && !s.includes('(')) s = s.slice(0, -1);
      if (s.startsWith('(') && !s.includes(')')) {
        s = s.slice(1);
        start++;
      }
      if (phoneStructureReject(s)) continue;
      const score = phoneScore(s);
      if (score > 0) out.push({ type: 'PHONE_NUMBER', start, end: start + s.length, score });
    }
  },
};

// ---------------------------------------------------------------------------------------------------------------

const CARD_RE = /(?<![A-Za-z0-9_.,/-])\d(?:[ -]?\d){12,18}(?![A-Za-z0-9_-]|[.,]\d)/g;
const CARD_BRAND = /^(?:4\d{12}(?:\d{3}){0,2}|5[1-5]\d{14}|2[2-7]\d{14}|3[47]\d{13}|3(?:0[0-5]|[689])\d{11,16}|6(?:011|5\d\d|4[4-9]\d)\d{12,15}|35\d{14,17}|62\d{14,17})$/;

export const creditCardRecognizer: Recognizer = {
  type: 'CREDIT_CARD',
  context: ['card', 'credit', 'visa', 'mastercard', 'amex', 'cc', 'payment'],
  prefilter: (t) => hasDigits(t, 13),
  find(text, out) {
    for (const m of text.matchAll(CARD_RE)) {
      const s = m[0];
      const seps = new Set(s.replace(/\d/g, ''));
      if (seps.size > 1) continue;
      const digits = s.replace(/\D/g, '');
      if (!luhnValid(digits)) continue;
      out.push({ type: 'CREDIT_CARD', start: m.index, end: m.index + s.length, score: CARD_BRAND.test(digits) ? 1 : 0.4 });
    }
  },
};

const IBAN_RE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g;

export const ibanRecognizer: Recognizer = {
  type: 'IBAN_CODE',
  context: ['iban', 'bank', 'account', 'transfer', 'sepa'],
  prefilter: (t) => hasDigits(t, 10),
  find(text, out) {
    for (const m of text.matchAll(IBAN_RE)) {
      if (ibanValid(m[0].replace(/ /g, ''))) out.push({ type: 'IBAN_CODE', start: m.index, end: m.index + m[0].length, score: 1 });
    }
  },
};

const SSN_RE = /(?<![A-Za-z0-9_-])(\d{3})([- ])(\d{2})\2(\d{4})(?![A-Za-z0-9_-])/g;
const SSN_EXAMPLES = new Set(['078051120', '219099999', '123456789']);

export const ssnRecognizer: Recognizer = {
  type: 'US_SSN',
  context: ['ssn', 'social security', 'ss#', 'social'],
  prefilter: (t) => hasDigits(t, 9),
  find(text, out) {
    for (const m of text.matchAll(SSN_RE)) {
      const [, area, , group, serial] = m;
      if (area === '000' || area === '666' || area[0] === '9' || group === '00' || serial === '0000') continue;
      if (SSN_EXAMPLES.has(area + group + serial)) continue;
      out.push({ type: 'US_SSN', start: m.index, end: m.index + m[0].length, score: m[2] === '-' ? 0.6 : 0.4 });
    }
  },
};

const BTC_BASE58_RE = /(?<![A-Za-z0-9])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])/g;
const BTC_BECH32_RE = /(?<![A-Za-z0-9])(?:bc1|BC1|tb1)[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}(?![A-Za-z0-9])/g;
const ETH_RE = /(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![A-Za-z0-9])/g;

export const cryptoRecognizer: Recognizer = {
  type: 'CRYPTO',
  context: ['btc', 'bitcoin', 'eth', 'ethereum', 'wallet', 'crypto', 'address', 'send'],
  prefilter: (t) => t.length >= 26,
  find(text, out) {
    for (const m of text.matchAll(BTC_BASE58_RE)) {
      if (base58CheckValid(m[0])) out.push({ type: 'CRYPTO', start: m.index, end: m.index + m[0].length, score: 1 });
    }
    if (text.includes('bc1') || text.includes('BC1') || text.includes('tb1')) {
      for (const m of text.matchAll(BTC_BECH32_RE)) {
        if (bech32Valid(m[0])) out.push({ type: 'CRYPTO', start: m.index, end: m.index + m[0].length, score: 1 });
      }
    }
    if (text.includes('0x')) {
      // EIP-55 mixed-case checksums need Keccak-256, which node:crypto lacks; an address is taken on its shape.
      for (const m of text.matchAll(ETH_RE)) out.push({ type: 'CRYPTO', start: m.index, end: m.index + m[0].length, score: 0.9 });
    }
  },
};
