// Topic keyword matching. A keyword matches case-insensitively at word boundaries; a keyword ending in `*` matches
// any word starting with it ("elect*" matches "election", "electoral"). Multi-word keywords match as phrases.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The default political-discourse list shipped with simpact (written for simpact, not taken from the reference). */
export const DEFAULT_KEYWORDS_FILE = fileURLToPath(new URL('./keywords/political-en.txt', import.meta.url));

/** One keyword per line; `#` starts a comment; blank lines ignored. */
export function parseKeywordList(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const k = line.replace(/#.*$/, '').trim();
    if (k) out.push(k);
  }
  return out;
}

export function loadKeywordFile(path: string = DEFAULT_KEYWORDS_FILE): string[] {
  return parseKeywordList(readFileSync(path, 'utf8'));
}

export interface KeywordMatcher {
  re: RegExp;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles keywords into one case-insensitive regular expression. */
export function normaliseKeywords(keywords: readonly string[]): KeywordMatcher {
  const alts = keywords
    .map((k) => k.trim().toLowerCase())
    .filter(Boolean)
    .map((k) => {
      const prefix = k.endsWith('*');
      const body = escapeRe(prefix ? k.slice(0, -1) : k).replace(/\s+/g, '\\s+');
      return prefix ? `${body}[\\p{L}\\p{N}_]*` : body;
    });
  if (alts.length === 0) return { re: /$^/u };
  return { re: new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alts.join('|')})(?![\\p{L}\\p{N}_])`, 'iu') };
}

export function matchesKeywords(text: string, m: KeywordMatcher): boolean {
  return m.re.test(text);
}
