// The reference `filter_text` (BluePrint evaluating/compute_metrics.py), reproduced step by step:
// json.loads; actions (None→{}) and text (None→""); text.encode('utf-8').decode('unicode_escape') unless that raises;
// strip(); cut at the first `"`, then at the first `\`; a 1-character text becomes "". Content that is not JSON is kept
// whole (only stripped) as the text, with no actions.
import { codePoints, fromCodePoints, pyStrip, unicodeEscapeDecode } from './python-text.ts';

export interface FilteredAnswer {
  /** The parsed `actions` value: an object, a JSON string of one (older exports), or {} when absent. */
  actions: Record<string, unknown> | string;
  text: string;
  /** False when the content was not a JSON object (the reference then keeps the raw string as text). */
  json: boolean;
}

export function filterText(content: string): FilteredAnswer {
  let obj: unknown;
  try {
    obj = JSON.parse(content);
  } catch {
    return { actions: {}, text: fromCodePoints(pyStrip(codePoints(content))), json: false };
  }
  // Python would crash on a JSON value that is not an object (no .get); we treat it as plain text instead.
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { actions: {}, text: fromCodePoints(pyStrip(codePoints(content))), json: false };
  const rec = obj as Record<string, unknown>;
  const rawActions = rec.actions ?? {};
  const actions = typeof rawActions === 'object' || typeof rawActions === 'string' ? (rawActions as Record<string, unknown> | string) : {};
  const rawText = rec.text ?? '';
  const text = typeof rawText === 'string' ? rawText : JSON.stringify(rawText);
  let cps = unicodeEscapeDecode(text) ?? codePoints(text);
  cps = pyStrip(cps);
  const q = cps.indexOf(0x22);
  if (q !== -1) cps = cps.slice(0, q);
  const bs = cps.indexOf(0x5c);
  if (bs !== -1) cps = cps.slice(0, bs);
  if (cps.length === 1) cps = [];
  return { actions, text: fromCodePoints(cps), json: true };
}

/** The reference embeds `text.encode('utf-8', 'ignore')`: lone surrogates (U+FFFD here) are dropped. */
export function embeddableText(filtered: string): string {
  return filtered.replace(/\uFFFD/g, '');
}
