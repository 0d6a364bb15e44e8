// Multilingual word tokenisation for LSA: Intl.Segmenter word boundaries (CJK included), lowercased,
// punctuation/space/emoji segments dropped, single characters dropped except in scripts where one character is a word.
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
const ONE_CHAR_WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

export function wordTokens(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text)) {
    if (!s.isWordLike) continue;
    const w = s.segment.toLowerCase();
    if (w.length < 2 && !ONE_CHAR_WORD.test(w)) continue;
    out.push(w);
  }
  return out;
}

/** sklearn's default token pattern `(?u)\b\w\w+\b`, lowercased (used for the diagnostics' top terms, as the reference). */
export function sklearnTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}\p{M}_]{2,}/gu) ?? [];
}
