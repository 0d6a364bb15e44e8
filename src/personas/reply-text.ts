// Reading free-text LLM replies: typographic apostrophes, the first balanced JSON object in a reply, and refusal prose
// (a model that answers "I can’t help with that" in the content instead of the API's refusal field).

/** Curly and modifier apostrophes (’ ‘ ʼ ′ ＇) become ASCII ', so that "I can’t" reads like "I can't". */
export function normaliseApostrophes(s: string): string {
  return s.replace(/[\u2018\u2019\u201B\u02BC\u2032\uFF07]/g, "'");
}

/**
 * The JSON objects embedded in a text, in order: every balanced `{…}` (braces inside JSON strings are skipped) that
 * parses. A reply with valid JSON followed by prose containing `{…}` yields the JSON first.
 */
export function jsonObjectsIn(text: string, max = 8): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let from = 0;
  while (out.length < max) {
    const start = text.indexOf('{', from);
    if (start < 0) break;
    const end = balancedEnd(text, start);
    if (end < 0) {
      from = start + 1;
      continue;
    }
    try {
      const v = JSON.parse(text.slice(start, end + 1)) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        out.push(v as Record<string, unknown>);
        from = end + 1;
        continue;
      }
    } catch {
      // not JSON: look for the next opening brace inside it
    }
    from = start + 1;
  }
  return out;
}

/** Index of the `}` closing the `{` at `start`, or −1 (strings and escapes respected). */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

// First-person refusal formulas. Narratives are third-person ("They …"), so one of these opening a reply, or the
// unmistakable "as an AI …, I", is a refusal and not a persona.
const REFUSAL_OPENING =
  /^\W*(?:(?:I'm|I am) sorry|sorry|unfortunately|apologies)?[,.!]?\s*(?:but\s+)?(?:I\s+(?:can't|cannot|can not|won't|will not|am unable to|am not able to|must decline|do not feel comfortable|don't feel comfortable)|(?:I'm|I am)\s+(?:unable to|not able to|not comfortable|an AI\b)|as an AI\b)/i;
const REFUSAL_ANYWHERE =
  /\bas an (?:AI|artificial intelligence)(?: language model| assistant| model)?,?\s+I\b|\bI (?:can't|cannot|am unable to|'m unable to|won't) (?:help|assist|comply|fulfil|fulfill|provide|create|write|do that|answer|complete|role-?play|pretend)\b/i;

/** True when a reply reads as a refusal: a first-person refusal formula opening it, or anywhere in its first 400 characters. */
export function isRefusalText(text: string): boolean {
  const s = normaliseApostrophes(text).trim().slice(0, 400);
  if (!s) return false;
  return REFUSAL_OPENING.test(s) || REFUSAL_ANYWHERE.test(s);
}
