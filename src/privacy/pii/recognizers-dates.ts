// DATE_TIME (opt-in, off by default): dates and times written in a text. The release audit checks the structured
// timestamps of a release; a date a user typed is content (an election day, a court date) and stays by default.
// This recognizer is for data where typed dates themselves are sensitive (appointments, birthdays). Regex + calendar
// validation; no NER, so "next Tuesday" or "the 90s" are not found.
import type { PiiEntity, Recognizer } from './types.ts';

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const MONTH_INDEX: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const MONTH = `(?:${MONTHS})`;
const TIME = '(?:[T ]?(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?(?:Z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)?)';

const ISO_RE = new RegExp(`(?<![0-9A-Za-z.])(\\d{4})([-/])(\\d{2})\\2(\\d{2})(${TIME})?(?![0-9A-Za-z]|\\.\\d)`, 'g');
const COMPACT_ISO_RE = /(?<![0-9A-Za-z])(\d{4})(\d{2})(\d{2})T\d{4,6}(?:\.\d+)?Z?(?![0-9A-Za-z])/g;
const NUMERIC_RE = /(?<![0-9A-Za-z./-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![0-9A-Za-z]|[./-]\d)/g;
const NAMED_RE = new RegExp(
  `(?<![A-Za-z])(?:(${MONTH})\\.? (\\d{1,2})(?:st|nd|rd|th)?(?:,? (\\d{4}))?|(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(${MONTH})\\.?,? (\\d{4}))(?![0-9A-Za-z])`,
  'gi',
);
const CLOCK_RE = /(?<![0-9A-Za-z:.])((?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)(?: ?([ap]\.?m\.?))?(?![0-9A-Za-z:]|\.\d)/gi;
const HOUR_RE = /(?<![0-9A-Za-z:.])(?:1[0-2]|0?[1-9]) ?[ap]\.?m\b\.?/gi;
const EPOCH_RE = /(?<![0-9A-Za-z_.$€£¥#])\d{10}(?:\d{3}){0,3}(?![0-9A-Za-z_]|[.,]\d)/g;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function monthOf(name: string): number {
  return MONTH_INDEX[name.slice(0, 3).toLowerCase()];
}

/** A month name written in a date's usual case: `Nov`, `November`, `NOV` (not the verb "may" or "march"). */
function monthCased(name: string): boolean {
  return name[0] === name[0].toUpperCase() && (name.slice(1) === name.slice(1).toLowerCase() || name === name.toUpperCase());
}

// Epoch integers between 2000-01-01 and 2100-01-01 in seconds, ms, µs or ns.
const EPOCH_RANGE: Record<number, [number, number]> = {
  10: [946684800, 4102444800],
  13: [946684800e3, 4102444800e3],
  16: [946684800e6, 4102444800e6],
  19: [946684800e9, 4102444800e9],
};

export const dateTimeRecognizer: Recognizer = {
  type: 'DATE_TIME',
  context: ['date', 'time', 'on', 'at', 'since', 'until', 'born', 'birthday', 'dob', 'appointment', 'deadline', 'timestamp', 'epoch', 'unix', 'posted', 'when'],
  prefilter: (t) => /\d/.test(t),
  find(text, out) {
    const push = (start: number, end: number, score: number) => out.push({ type: 'DATE_TIME', start, end, score } satisfies PiiEntity);
    for (const m of text.matchAll(ISO_RE)) {
      if (validDate(Number(m[1]), Number(m[3]), Number(m[4]))) push(m.index, m.index + m[0].length, m[5] ? 0.9 : 0.7);
    }
    if (text.includes('T')) {
      for (const m of text.matchAll(COMPACT_ISO_RE)) if (validDate(Number(m[1]), Number(m[2]), Number(m[3]))) push(m.index, m.index + m[0].length, 0.85);
    }
    for (const m of text.matchAll(NUMERIC_RE)) {
      const a = Number(m[1]);
      const b = Number(m[3]);
      const y = m[4].length === 2 ? 2000 + Number(m[4]) : Number(m[4]);
      // Month/day or day/month: either reading must be a real date. A two-digit year (3/5/25) is weaker evidence.
      if (!validDate(y, a, b) && !validDate(y, b, a)) continue;
      push(m.index, m.index + m[0].length, m[4].length === 4 ? 0.6 : 0.4);
    }
    for (const m of text.matchAll(NAMED_RE)) {
      const name = m[1] ?? m[5];
      if (!monthCased(name)) continue;
      const day = Number(m[2] ?? m[4]);
      const year = m[3] ?? m[6];
      if (!validDate(year ? Number(year) : 2000, monthOf(name), day)) continue;
      push(m.index, m.index + m[0].length, year ? 0.75 : 0.55);
    }
    if (text.includes(':')) {
      // A clock time: with am/pm or seconds fairly sure; a bare `20:15` may be a score or a verse (needs context).
      for (const m of text.matchAll(CLOCK_RE)) push(m.index, m.index + m[0].length, m[2] || m[1].split(':').length === 3 ? 0.6 : 0.3);
    }
    for (const m of text.matchAll(HOUR_RE)) push(m.index, m.index + m[0].length, 0.5);
    for (const m of text.matchAll(EPOCH_RE)) {
      const range = EPOCH_RANGE[m[0].length];
      const v = Number(m[0]);
      // A bare 10- or 13-digit number is more often an amount or an id: it needs a context word ("timestamp", "epoch").
      if (range && v >= range[0] && v < range[1]) push(m.index, m.index + m[0].length, m[0].length >= 16 ? 0.5 : 0.2);
    }
  },
};
