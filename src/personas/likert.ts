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

/** One raw answer → a value on 1..scaleMax, or why not. */
export function readLikertValue(raw: unknown, scaleMax = 5): { value: number | null; status: AnswerStatus } {
  if (raw === null || raw === undefined || raw === '') return { value: null, status: 'missing' };
  let v: number;
  if (typeof raw === 'number') v = raw;
  else if (typeof raw === 'string') {
    const s = clean(raw);
    if (!s) return { value: null, status: 'missing' };
    const num = /^[+-]?\d+(?:\.\d+)?/.exec(s);
    if (num) v = Number(num[0]);
    else {
      const low = s.toLowerCase();
      const hit = LABEL_VALUES.find(([re]) => re.test(low));
      if (!hit) return { value: null, status: 'unparsable' };
      v = hit[1];
    }
  } else if (typeof raw === 'object' && raw !== null && 'value' in raw) return readLikertValue((raw as { value: unknown }).value, scaleMax);
  else return { value: null, status: 'unparsable' };
  if (!Number.isInteger(v) || v < 1 || v > scaleMax) return { value: null, status: 'out_of_range' };
  return { value: v, status: 'ok' };
}

/**
 * The answer on an item line after its number. A leading number or label is the answer ("4", "Very accurate",
 * "4 (moderately accurate)"); otherwise the statement was echoed and the answer is what trails it: a final number
 * ("I am the life of the party: 4", "… (4)", "… 4/5") or a label after the last separator ("… — Very accurate").
 */
export function readItemLineValue(rest: string, scaleMax = 5): { value: number | null; status: AnswerStatus } {
  const s = clean(rest);
  const first = readLikertValue(s, scaleMax);
  if (first.status !== 'unparsable') return first;
  const trailingNum = /(?:^|[\s:=([→-])([+-]?\d+(?:\.\d+)?)\s*(?:\/\s*\d+)?\s*[)\]]?\s*[.!]?$/.exec(s);
  if (trailingNum) return readLikertValue(Number(trailingNum[1]), scaleMax);
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
  const values: (number | null)[] = [];
  const status: AnswerStatus[] = [];
  for (let k = 1; k <= nItems; k++) {
    const r = fromLines && raw.has(k) ? readItemLineValue(String(raw.get(k)), scaleMax) : readLikertValue(raw.get(k), scaleMax);
    values.push(r.value);
    status.push(r.status);
  }
  const refusal = raw.size === 0 && (isRefusalText(content) || NO_PERSONAL.test(normaliseApostrophes(content)));
  return { values, status, refusal };
}
