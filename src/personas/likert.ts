// Robust reading of questionnaire replies: JSON (bare, fenced or embedded in prose), or "12: 4" / "12. Very accurate"
// lines. Every item gets a value or a counted status; refusals are recognised.

export type AnswerStatus = 'ok' | 'missing' | 'unparsable' | 'out_of_range';

export interface LikertParse {
  /** values[k] is the answer to statement k+1, or null. */
  values: (number | null)[];
  status: AnswerStatus[];
  refusal: boolean;
}

const LABEL_VALUES: Array<[RegExp, number]> = [
  [/^(very|strongly|completely) (inaccurate|disagree)/i, 1],
  [/^(moderately|somewhat|mostly|slightly) (inaccurate|disagree)/i, 2],
  [/^(neither|neutral|unsure)/i, 3],
  [/^(moderately|somewhat|mostly|slightly) (accurate|agree)/i, 4],
  [/^(very|strongly|completely) (accurate|agree)/i, 5],
  [/^(inaccurate|disagree)/i, 2],
  [/^(accurate|agree)/i, 4],
];

const REFUSAL = /\b(I can(?:no|')t|I cannot|I am unable|I'm unable|I won't|as an AI|I do not have personal|I don't have personal)\b/i;

/** One raw answer → a value on 1..scaleMax, or why not. */
export function readLikertValue(raw: unknown, scaleMax = 5): { value: number | null; status: AnswerStatus } {
  if (raw === null || raw === undefined || raw === '') return { value: null, status: 'missing' };
  let v: number;
  if (typeof raw === 'number') v = raw;
  else if (typeof raw === 'string') {
    const s = raw.trim();
    const num = /^[+-]?\d+(?:\.\d+)?/.exec(s);
    if (num) v = Number(num[0]);
    else {
      const hit = LABEL_VALUES.find(([re]) => re.test(s));
      if (!hit) return { value: null, status: 'unparsable' };
      v = hit[1];
    }
  } else if (typeof raw === 'object' && raw !== null && 'value' in raw) return readLikertValue((raw as { value: unknown }).value, scaleMax);
  else return { value: null, status: 'unparsable' };
  if (!Number.isInteger(v) || v < 1 || v > scaleMax) return { value: null, status: 'out_of_range' };
  return { value: v, status: 'ok' };
}

function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidates = [text.trim(), fenced?.[1]?.trim(), text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  for (const c of candidates) {
    if (!c) continue;
    try {
      return JSON.parse(c);
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/** Reads a reply to `nItems` numbered statements. */
export function parseLikertReply(content: string, nItems: number, scaleMax = 5): LikertParse {
  const raw = new Map<number, unknown>();
  const json = extractJson(content);
  if (json && typeof json === 'object') {
    const obj = json as Record<string, unknown>;
    const answers = obj.answers ?? obj.responses ?? obj;
    if (Array.isArray(answers)) answers.forEach((v, i) => raw.set(i + 1, v));
    else if (answers && typeof answers === 'object') {
      for (const [k, v] of Object.entries(answers as Record<string, unknown>)) {
        const n = Number(/\d+/.exec(k)?.[0]);
        if (Number.isInteger(n)) raw.set(n, v);
      }
    }
  }
  if (raw.size === 0) {
    for (const line of content.split(/\r?\n/)) {
      const m = /^\s*(?:item\s*|statement\s*|q)?(\d{1,3})\s*[:.)=-]\s*(.+?)\s*$/i.exec(line);
      if (m) raw.set(Number(m[1]), m[2].replace(/[*_`"]/g, '').trim());
    }
  }
  const values: (number | null)[] = [];
  const status: AnswerStatus[] = [];
  for (let k = 1; k <= nItems; k++) {
    const r = readLikertValue(raw.get(k), scaleMax);
    values.push(r.value);
    status.push(r.status);
  }
  const refusal = raw.size === 0 && REFUSAL.test(content);
  return { values, status, refusal };
}
