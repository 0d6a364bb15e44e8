// Optional PERSON and LOCATION recognizers (off by default, as in the reference, which keeps names: political posts
// name public figures and places). Gazetteers plus a few patterns — far below a trained NER model in recall; see
// docs/privacy.md.
import type { Recognizer } from './types.ts';
import { AMBIGUOUS_PLACES, GIVEN_NAMES, NOT_SURNAMES, PLACES, TITLES } from './gazetteers.ts';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PLACE_RE = new RegExp(
  `(?<![\\p{L}\\p{N}_@#.])(?:${[...PLACES].sort((a, b) => b.length - a.length).map(escape).join('|')})(?![\\p{L}\\p{N}_])`,
  'gu',
);
const PLACE_SET = new Set(PLACES);

export const locationRecognizer: Recognizer = {
  type: 'LOCATION',
  context: ['in', 'from', 'near', 'live', 'lives', 'living', 'moved to', 'visiting', 'born', 'based', 'trip', 'travel', 'hometown'],
  prefilter: (t) => /[A-Z]/.test(t),
  find(text, out) {
    for (const m of text.matchAll(PLACE_RE)) {
      out.push({ type: 'LOCATION', start: m.index, end: m.index + m[0].length, score: AMBIGUOUS_PLACES.has(m[0]) ? 0.3 : 0.6 });
    }
  },
};

const NAME = '[A-Z][a-z]+(?:-[A-Z][a-z]+)?';
const TITLE_RE = new RegExp(`\\b(?:${TITLES.join('|')})\\.? (${NAME}(?: ${NAME})?)`, 'g');
// Only the given name is consumed, so that "Hello Sarah Connor" still tries "Sarah Connor".
const GIVEN_RE = new RegExp(`(?<![\\p{L}])(${NAME})(?= (${NAME})(?![\\p{L}]))`, 'gu');
const INTRO_RE = new RegExp(`\\b(?:[Mm]y name is|[Ii]'m|[Ii] am|[Cc]all me) (${NAME}(?: ${NAME})?)`, 'g');

export const personRecognizer: Recognizer = {
  type: 'PERSON',
  context: ['named', 'called', 'wife', 'husband', 'son', 'daughter', 'friend', 'mom', 'dad', 'brother', 'sister'],
  prefilter: (t) => /[A-Z][a-z]/.test(t),
  find(text, out) {
    for (const m of text.matchAll(TITLE_RE)) {
      const end = m.index + m[0].length;
      out.push({ type: 'PERSON', start: end - m[1].length, end, score: 0.7 });
    }
    for (const m of text.matchAll(GIVEN_RE)) {
      const surname = m[2];
      if (!GIVEN_NAMES.has(m[1]) || NOT_SURNAMES.has(surname) || (PLACE_SET.has(surname) && !AMBIGUOUS_PLACES.has(surname))) continue;
      out.push({ type: 'PERSON', start: m.index, end: m.index + m[1].length + 1 + surname.length, score: 0.6 });
    }
    for (const m of text.matchAll(INTRO_RE)) {
      const name = m[1];
      const first = name.split(' ')[0];
      // "I'm Happy" is not a name; "my name is Zed" is.
      if (!m[0].toLowerCase().startsWith('my name') && !GIVEN_NAMES.has(first)) continue;
      const end = m.index + m[0].length;
      out.push({ type: 'PERSON', start: end - name.length, end, score: 0.85 });
    }
  },
};
