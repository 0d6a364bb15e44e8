// The privacy engineer's PII engine behind the pipeline's TextRedactor interface, configured for personas.
//
// Narratives (piiRedactor): the engine's default entities plus PERSON, which is opt-in for release text (political
// posts name public figures) but not for personas: the names a writer model carries over are mostly those of the
// user's friends and family. Two persona-specific recognizers add what the engine's PERSON gazetteer misses in
// narrative prose: a capitalised name right after a relation word ("their sister Maria", "a friend named Tobi") and a
// gazetteer given name standing alone mid-sentence ("they often cook with Sarah"). LOCATION is enabled below city
// level only: street addresses and "<Name> Street/Road/…" (cities, regions and countries are kept: the writer may
// state them when the posts do, and subgroup alignment relies on them). See docs/personas.md.
//
// Posts (postRedactor): every post is redacted with the same entities and recognizers before it is put in any prompt
// (handles, "@name" mentions, DIDs, at:// URIs, URLs, e-mail addresses, phone numbers, card/IBAN/SSN numbers, names
// of people, street addresses), plus a first-person pattern for a given name opening a sentence ("Sarah and I …"), so
// no model sees an identifier or the name of a private individual.
import { createPiiEngine, PII_DEFAULT_ENTITIES, resolveOverlaps, type PiiEntity } from '../privacy/index.ts';
import { GIVEN_NAMES, NOT_SURNAMES, PLACES } from '../privacy/pii/gazetteers.ts';

const PLACE_SET = new Set(PLACES);
import type { TextRedactor } from './generate.ts';

const RELATION =
  '(?:best friend|friends?|partner|wife|husband|spouse|boyfriend|girlfriend|fianc[ée]e?|son|daughter|child|kid|baby|mother|mom|mum|father|dad|' +
  'brother|sister|sibling|cousin|aunt|uncle|niece|nephew|grand(?:mother|father|ma|pa|son|daughter)|in-law|colleague|co-?worker|boss|manager|' +
  'roommate|flatmate|housemate|neighbou?r|classmate|teammate|mentor|therapist|dog|cat|pet)';
const NAME = "[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?";
// "sister Maria", "sister, Maria,", "a friend named Tobi", "friend called Jo", "sister (Maria)"
const RELATION_NAME_RE = new RegExp(`\\b${RELATION}s?(?:,|\\s+\\()?\\s+(?:(?:named|called)\\s+)?(${NAME}(?:\\s${NAME})?)`, 'g');
const NAMED_RE = new RegExp(`\\b(?:named|called)\\s+(${NAME})`, 'g');
const WORD_RE = /(?<![\p{L}\p{N}_@#<])\p{Lu}\p{Ll}+(?![\p{L}\p{N}_>])/gu;

/** Capitalised words that are not names after a relation word ("their friend In Tokyo", "a colleague They …"). */
const NOT_NAMES = new Set(
  ('The A An And But Or In On At For From With Of To By As They Their Them He She His Her It Its We Our You Your I This That These Those ' +
    'Who Whom Which When Where While After Before Since Until Because Although Though If So Also Often Sometimes Usually Every Each ' +
    'Mr Mrs Ms Dr Christmas Easter Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August ' +
    'September October November December').split(' '),
);

const STREET_TYPES = '(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Terrace|Way|Crescent|Close|Square|Sq|Alley|Parkway|Highway)';
const STREET_RE = new RegExp(`\\b(?:\\d{1,5}[A-Za-z]?\\s+)?(?:[A-Z][a-z]+\\s+){1,3}${STREET_TYPES}\\b`, 'g');

function personaFinds(text: string): PiiEntity[] {
  const out: PiiEntity[] = [];
  for (const m of text.matchAll(RELATION_NAME_RE)) {
    const [first, second] = m[1].split(' ');
    if (NOT_NAMES.has(first)) continue;
    const start = m.index + m[0].length - m[1].length;
    out.push({ type: 'PERSON', start, end: start + (second && !NOT_NAMES.has(second) ? m[1].length : first.length), score: 0.75 });
  }
  for (const m of text.matchAll(NAMED_RE)) {
    if (NOT_NAMES.has(m[1])) continue;
    const start = m.index + m[0].length - m[1].length;
    out.push({ type: 'PERSON', start, end: start + m[1].length, score: 0.75 });
  }
  for (const m of text.matchAll(WORD_RE)) {
    if (!GIVEN_NAMES.has(m[0]) || PLACE_SET.has(m[0])) continue;
    // Mid-sentence only: a capital after ". " or at the start may be an ordinary word ("Grace under pressure …").
    const before = text.slice(0, m.index).trimEnd();
    if (!before || /[.!?:;"“(]$/.test(before)) continue;
    const next = /^\s+(\p{Lu}\p{Ll}+)/u.exec(text.slice(m.index + m[0].length));
    if (next && NOT_SURNAMES.has(next[1])) continue; // "Grace Church", "Victoria Station"
    out.push({ type: 'PERSON', start: m.index, end: m.index + m[0].length, score: 0.6 });
  }
  for (const m of text.matchAll(STREET_RE)) {
    const words = m[0].split(/\s+/);
    if (NOT_NAMES.has(words[0])) {
      // "The Elm Street diner": drop the leading article, keep the street.
      const cut = m[0].indexOf(words[1]);
      if (words.length < 3) continue;
      out.push({ type: 'LOCATION', start: m.index + cut, end: m.index + m[0].length, score: 0.7 });
      continue;
    }
    out.push({ type: 'LOCATION', start: m.index, end: m.index + m[0].length, score: 0.7 });
  }
  return out;
}

function compose(engineHits: (text: string) => PiiEntity[], extra: (text: string) => PiiEntity[]): TextRedactor {
  return {
    redact(text) {
      const hits = resolveOverlaps([...engineHits(text), ...extra(text)]);
      if (!hits.length) return { text, count: 0 };
      let out = '';
      let pos = 0;
      for (const e of hits) {
        out += `${text.slice(pos, e.start)}<${e.type}>`;
        pos = e.end;
      }
      return { text: out + text.slice(pos), count: hits.length };
    },
  };
}

/** Entities redacted from persona narratives (the engine's part; see the header for the persona recognizers). */
export const PERSONA_PII_ENTITIES: readonly string[] = [...PII_DEFAULT_ENTITIES, 'PERSON'];

export function piiRedactor(): TextRedactor {
  const engine = createPiiEngine({ entities: PERSONA_PII_ENTITIES });
  return compose((t) => engine.analyze(t), personaFinds);
}

/** Entities removed from posts before they are put in any prompt: the personas' set (names included). */
export const POST_PII_ENTITIES: readonly string[] = PERSONA_PII_ENTITIES;

let postEngine: ReturnType<typeof createPiiEngine> | undefined;

export function postRedactor(): TextRedactor {
  postEngine ??= createPiiEngine({ entities: POST_PII_ENTITIES });
  const engine = postEngine;
  return compose((t) => engine.analyze(t), (t) => [...mentionFinds(t), ...personaFinds(t), ...sentenceStartNames(t)]);
}

// A gazetteer given name opening a sentence of a first-person post, when what follows reads as a person acting
// ("Sarah and I went …", "Tom said …", "Priya's new job"); mid-sentence names are personaFinds' part.
const NAME_ACTS =
  /^(?:'s\b|\s+(?:and (?:I|me|my)\b|said|says|told|texted|called|asked|came|visited|helped|sent|gave|brought|just|finally|is|was|has|had|and his|and her)\b)/;
const SENTENCE_START_WORD = /(?:^|[.!?]\s+|\n\s*)(\p{Lu}\p{Ll}+)/gu;

function sentenceStartNames(text: string): PiiEntity[] {
  const out: PiiEntity[] = [];
  for (const m of text.matchAll(SENTENCE_START_WORD)) {
    const name = m[1];
    if (!GIVEN_NAMES.has(name) || PLACE_SET.has(name) || NOT_NAMES.has(name)) continue;
    const end = m.index + m[0].length;
    if (!NAME_ACTS.test(text.slice(end))) continue;
    out.push({ type: 'PERSON', start: end - name.length, end, score: 0.6 });
  }
  return out;
}

// "@bob" as well as "@alice.bsky.social", with its "@" (the engine keeps the "@" and needs a domain-like handle).
const MENTION_RE = /(?<![\p{L}\p{N}_.@])@[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?/gu;

function mentionFinds(text: string): PiiEntity[] {
  return [...text.matchAll(MENTION_RE)].map((m) => ({ type: 'USERNAME', start: m.index, end: m.index + m[0].length, score: 0.9 }));
}
