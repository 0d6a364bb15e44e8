// Robust reading of questionnaire replies: JSON (bare, fenced, or the first balanced object embedded in prose), or item
// lines ("12: 4", "12. Very accurate", "**12.** 4", "12. I am the life of the party: 4"). Every item gets a value or
// a counted status; refusals are recognised (typographic apostrophes included).
import { isRefusalText, jsonObjectsIn, normaliseApostrophes } from './reply-text.ts';

export type AnswerStatus = 'ok' | 'missing' | 'unparsable' | 'out_of_range';

export interface LikertParse {
  /** values[k] is the answer to statement k+1, or null. */
  values: (number | null)[];
  status: AnswerStatus[];
  refusal: boolean;
}

const VERY = '(?:very|strongly|completely|totally|extremely)';
const MODERATELY = '(?:moderately|somewhat|mostly|slightly|a little|a bit|fairly|rather)';
const NEG = '(?:inaccurate|disagree)';
const POS = '(?:accurate|agree)';

// Order matters: the two-word forms (either word order: "strongly disagree", "disagree strongly") before the bare
// "disagree" / "agree".
const LABEL_VALUES: Array<[RegExp, number]> = [
  [new RegExp(`^${VERY}\\s+${NEG}\\b`), 1],
  [new RegExp(`^${NEG}[,\\s]+${VERY}\\b`), 1],
  [new RegExp(`^${MODERATELY}\\s+${NEG}\\b`), 2],
  [new RegExp(`^${NEG}[,\\s]+${MODERATELY}\\b`), 2],
  [/^(?:neither|neutral|unsure|undecided|not sure)\b/, 3],
  [new RegExp(`^${MODERATELY}\\s+${POS}\\b`), 4],
  [new RegExp(`^${POS}[,\\s]+${MODERATELY}\\b`), 4],
  [new RegExp(`^${VERY}\\s+${POS}\\b`), 5],
  [new RegExp(`^${POS}[,\\s]+${VERY}\\b`), 5],
  [new RegExp(`^${NEG}\\b`), 2],
  [new RegExp(`^${POS}\\b`), 4],
];

// Questionnaire-specific refusals besides the general formulas (a persona "not having personal experiences").
const NO_PERSONAL = /\bI (?:do not|don't) have (?:personal|a personality|feelings|experiences)\b/i;

/** Markdown emphasis, code ticks and quotes removed; apostrophes normalised; whitespace collapsed. */
function clean(s: string): string {
  return normaliseApostrophes(s).replace(/[*_`"“”]/g, '').replace(/\s+/g, ' ').trim();
}

const NUMBER_WORDS: Record<string, number> = { zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
const NUM = `(?:[+-]?\\d+(?:\\.\\d+)?|${Object.keys(NUMBER_WORDS).join('|')})`;
const toNumber = (t: string) => NUMBER_WORDS[t.toLowerCase()] ?? Number(t);
// A number, optionally "out of N" / "/N" (the scale it was given on; only scaleMax is accepted).
const LEADING_NUM = new RegExp(`^(${NUM})(?:\\s*(?:/|out of|of)\\s*(\\d+))?(?!\\w|\\.\\d)`, 'i');
// Two candidate answers: "3-4", "3 or 4", "3 to 4", "3/4 or 5", "between 3 and 4".
const PAIR = `${NUM}\\s*(?:-|–|—|or|to|and|,\\s*or)\\s*${NUM}`;
const AMBIGUOUS = new RegExp(`^(?:between\\s+)?${PAIR}(?!\\w|\\.\\d)`, 'i');
const TRAILING_AMBIGUOUS = new RegExp(`(?:^|[\\s:=([→])(?:between\\s+)?${PAIR}\\s*[)\\]]?\\s*[.!]?$`, 'i');
// What a reply may put before its answer: "Answer: 4", "Rating - 4", "My answer is 4", "I'd say 4", "I would rate this a 4".
const PREFIX =
  /^(?:(?:my\s+)?(?:final\s+)?(?:answer|response|rating|score|value|choice)(?:\s+is)?|i(?:'d|\s+would)?\s+(?:say|rate|answer|choose|pick|go with|give|guess|think)(?:\s+(?:it|this|myself|that))?(?:\s+(?:as|a|an))?|(?:it'?s|that'?s)(?:\s+an?)?)\s*[:=-]?\s*/i;

/** A number read from the start of `s` (with an optional "/N" or "out of N"), or why not; undefined when there is none. */
function leadingNumber(s: string, scaleMax: number): { value: number | null; status: AnswerStatus } | undefined {
  if (AMBIGUOUS.test(s)) return { value: null, status: 'unparsable' };
  const m = LEADING_NUM.exec(s);
  if (!m) return undefined;
  if (m[2] !== undefined && Number(m[2]) !== scaleMax) return { value: null, status: 'out_of_range' };
  return rangeChecked(toNumber(m[1]), scaleMax);
}

function rangeChecked(v: number, scaleMax: number): { value: number | null; status: AnswerStatus } {
  if (!Number.isInteger(v) || v < 1 || v > scaleMax) return { value: null, status: 'out_of_range' };
  return { value: v, status: 'ok' };
}

/** A number or a scale label opening `s` (after any "Answer:"-style prefix or an opening bracket), or undefined. */
function openingAnswer(s: string, scaleMax: number): { value: number | null; status: AnswerStatus } | undefined {
  for (let t = s, k = 0; k < 3; k++) {
    const num = leadingNumber(t, scaleMax);
    if (num) return num;
    const low = t.toLowerCase().replace(/^i\s+(?=(?:strongly|somewhat|slightly|mostly|moderately|completely|totally)?\s*(?:agree|disagree)\b)/, '');
    const hit = LABEL_VALUES.find(([re]) => re.test(low));
    if (hit) return { value: hit[1], status: 'ok' };
    const next = t.replace(PREFIX, '').replace(/^[([{]\s*/, '');
    if (next === t) break;
    t = next;
  }
  return undefined;
}

/**
 * One raw answer → a value on 1..scaleMax, or why not. Read: a number ("4", "4.0", "4/5", "4 out of 5", "four"), a
 * scale label ("Strongly agree", "Very accurate", "Disagree strongly"), either after a prefix ("Answer: 4", "I'd say 4")
 * or in brackets ("(4)"), with anything after it ignored ("4 - they love parties"). Rejected: numbers off the scale or
 * not integers, fractions of another scale ("3/7"), and two candidate answers ("3-4", "3 or 4").
 */
export function readLikertValue(raw: unknown, scaleMax = 5): { value: number | null; status: AnswerStatus } {
  if (raw === null || raw === undefined || raw === '') return { value: null, status: 'missing' };
  if (typeof raw === 'number') return rangeChecked(raw, scaleMax);
  if (typeof raw === 'object' && 'value' in raw) return readLikertValue((raw as { value: unknown }).value, scaleMax);
  if (typeof raw !== 'string') return { value: null, status: 'unparsable' };
  const s = clean(raw);
  if (!s) return { value: null, status: 'missing' };
  return openingAnswer(s, scaleMax) ?? { value: null, status: 'unparsable' };
}

/**
 * The answer on an item line after its number. A leading number or label is the answer ("4", "Very accurate",
 * "4 (moderately accurate)", "Answer: 4"); otherwise the statement was echoed and the answer is what trails it: a
 * final number ("I am the life of the party: 4", "… (4)", "… 4/5", "… 2 out of 5") or a label after the last
 * separator ("… — Very accurate").
 */
export function readItemLineValue(rest: string, scaleMax = 5): { value: number | null; status: AnswerStatus } {
  const s = clean(rest);
  const first = readLikertValue(s, scaleMax);
  if (first.status !== 'unparsable') return first;
  if (AMBIGUOUS.test(s.replace(PREFIX, '')) || TRAILING_AMBIGUOUS.test(s)) return first;
  const trailingNum = new RegExp(`(?:^|[\\s:=([→-])(${NUM})(?:\\s*(?:/|out of)\\s*(\\d+))?\\s*[)\\]]?\\s*[.!]?$`, 'i').exec(s);
  if (trailingNum) {
    if (trailingNum[2] !== undefined && Number(trailingNum[2]) !== scaleMax) return { value: null, status: 'out_of_range' };
    return rangeChecked(toNumber(trailingNum[1]), scaleMax);
  }
  const trailingLabel = /(?:[:=→]|\s[-–—]\s|\()\s*([^:=→()–—]+?)\s*\)?\s*[.!]?$/.exec(s);
  if (trailingLabel) return readLikertValue(trailingLabel[1], scaleMax);
  return first;
}

/** Numbered answers in a parsed JSON value (`{"answers": {...}}`, `{"responses": [...]}`, `{"1": 4}`, `[4, 2]`). */
function answersFromJson(json: unknown): Map<number, unknown> {
  const raw = new Map<number, unknown>();
  if (!json || typeof json !== 'object') return raw;
  const obj = json as Record<string, unknown>;
  const answers = Array.isArray(json) ? json : (obj.answers ?? obj.responses ?? obj);
  if (Array.isArray(answers)) answers.forEach((v, i) => raw.set(i + 1, v));
  else if (answers && typeof answers === 'object') {
    for (const [k, v] of Object.entries(answers as Record<string, unknown>)) {
      const n = Number(/\d+/.exec(k)?.[0]);
      if (Number.isInteger(n)) raw.set(n, v);
    }
  }
  return raw;
}

function tryParse(s: string | undefined): unknown {
  if (!s) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** The first JSON candidate with numbered answers: the whole reply, a fenced block, then each embedded object. */
function jsonAnswers(text: string): Map<number, unknown> {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1]?.trim();
  for (const c of [tryParse(text.trim()), tryParse(fenced), ...jsonObjectsIn(text)]) {
    const m = answersFromJson(c);
    if (m.size) return m;
  }
  return new Map();
}

const ITEM_LINE = /^\s*(?:[-•>]\s*)?(?:item|statement|question|q)?\s*#?\s*(\d{1,3})\s*[:.)=\]-]\s*(.+?)\s*$/i;

/** Reads a reply to `nItems` numbered statements. */
export function parseLikertReply(content: string, nItems: number, scaleMax = 5): LikertParse {
  let raw = jsonAnswers(content);
  const fromLines = raw.size === 0;
  if (fromLines) {
    raw = new Map();
    for (const line of content.split(/\r?\n/)) {
      const m = ITEM_LINE.exec(clean(line));
      if (m && !raw.has(Number(m[1]))) raw.set(Number(m[1]), m[2]);
    }
  }
  // One statement answered in plain words ("4", "Answer: 4", "Strongly agree", "I'd say 4/5 because …"): its first line.
  const single = nItems === 1 && raw.size === 0 && !isRefusalText(content) ? content.split(/\r?\n/).find((l) => clean(l)) : undefined;
  if (single !== undefined) raw.set(1, single);
  const values: (number | null)[] = [];
  const status: AnswerStatus[] = [];
  for (let k = 1; k <= nItems; k++) {
    const r = fromLines && raw.has(k) ? readItemLineValue(String(raw.get(k)), scaleMax) : readLikertValue(raw.get(k), scaleMax);
    values.push(r.value);
    status.push(r.status);
  }
  const refusal = (raw.size === 0 || (single !== undefined && status[0] !== 'ok')) && (isRefusalText(content) || NO_PERSONAL.test(normaliseApostrophes(content)));
  return { values, status, refusal };
}
