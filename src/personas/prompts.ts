// Versioned prompt templates. Changing a template's wording means bumping its version: the version is part of every
// stored persona, verdict and LLM cache key, so old and new outputs are never mixed silently.
import type { ChatMessage } from '../llm/types.ts';
import { postRedactor } from './pii-redactor.ts';

// v2: posts are redacted (handles, DIDs, URLs, e-mail addresses, phone numbers) before they are put in the prompt.
// v3: names of people and street addresses are redacted from the posts too (postRedactor).
export const PERSONA_PROMPT_VERSION = 'persona-v3';
export const JUDGE_PROMPT_VERSION = 'judge-v3';
export const QUESTIONNAIRE_PROMPT_VERSION = 'questionnaire-v1';
export const REVISE_PROMPT_VERSION = 'revise-v1';

/**
 * Posts are numbered and quoted, without dates, and with every handle (@mention), DID, at:// URI, URL, e-mail address,
 * phone number, name of a person and street address replaced by a <TYPE> placeholder (postRedactor), so no identifier
 * reaches the writer or the judge.
 */
export function formatPosts(posts: readonly string[]): string {
  const red = postRedactor();
  return posts.map((t, i) => `[${i + 1}] ${red.redact(t.replace(/\s+/g, ' ').trim()).text}`).join('\n');
}

// Deliberately no Big Five labels or trait vocabulary: alignment must measure what the persona expresses.
export function personaMessages(posts: readonly string[], words: { min: number; max: number }): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You write faithful third-person narrative personas of social media users, grounded ONLY in the posts you are given. ' +
        'Never invent facts the posts do not support. Mention age, gender, location or occupation only when the posts state them. ' +
        'Never include names, usernames, handles, e-mail addresses, phone numbers, street addresses, links or any other identifying detail.',
    },
    {
      role: 'user',
      content:
        `Here are posts written by one person, oldest first:\n\n${formatPosts(posts)}\n\n` +
        `Write a narrative persona of this person in ${words.min}–${words.max} words, in the third person ("They ..."). ` +
        'Cover what the posts show about their life situation, interests, values, habits, how they communicate and the feelings they typically express. ' +
        'Write flowing prose only: no headings, lists or preamble.',
    },
  ];
}

export const JUDGE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['faithfulness', 'specificity', 'consistency', 'privacy', 'reasons'],
  properties: {
    faithfulness: { type: 'integer', enum: [1, 2, 3, 4, 5] },
    specificity: { type: 'integer', enum: [1, 2, 3, 4, 5] },
    consistency: { type: 'integer', enum: [1, 2, 3, 4, 5] },
    privacy: { type: 'integer', enum: [1, 2, 3, 4, 5] },
    reasons: { type: 'string' },
  },
} as const;

export function judgeMessages(posts: readonly string[], narrative: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content: 'You are a strict reviewer of persona descriptions written from social media posts. Answer with JSON only.',
    },
    {
      role: 'user',
      content:
        `POSTS:\n${formatPosts(posts)}\n\nPERSONA:\n${narrative}\n\n` +
        'Score the persona from 1 (very poor) to 5 (excellent) on each criterion:\n' +
        '- faithfulness: every claim is supported by the posts; nothing is invented;\n' +
        '- specificity: it describes this individual rather than a generic person;\n' +
        '- consistency: it does not contradict itself;\n' +
        '- privacy: it contains no personal data (names, handles, contact details, exact places, identifying facts); 5 = none at all.\n' +
        'Reply as JSON: {"faithfulness": n, "specificity": n, "consistency": n, "privacy": n, "reasons": "one or two sentences"}.',
    },
  ];
}

export function questionnaireSchema(nItems: number): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  // enum rather than minimum/maximum: grammar-constrained local models honour enums, not numeric bounds.
  for (let i = 1; i <= nItems; i++) props[String(i)] = { type: 'integer', enum: [1, 2, 3, 4, 5] };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['answers'],
    properties: { answers: { type: 'object', additionalProperties: false, required: Object.keys(props), properties: props } },
  };
}

export function questionnaireMessages(narrative: string, statements: readonly string[], labels: readonly string[]): ChatMessage[] {
  const scale = labels.map((l, i) => `${i + 1} = ${l}`).join(', ');
  return [
    {
      role: 'system',
      content: `You are the person described below. Stay in character and answer as they would, honestly, from their point of view.\n\n${narrative}`,
    },
    {
      role: 'user',
      content:
        `How accurately does each statement describe you? Use this scale: ${scale}.\n\n` +
        statements.map((s, i) => `${i + 1}. ${s}`).join('\n') +
        `\n\nAnswer every statement. Reply as JSON: {"answers": {"1": n, "2": n, ...}} with one integer from 1 to ${labels.length} per statement number.`,
    },
  ];
}

export function reviseMessages(narrative: string, groupDescription: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You adapt narrative personas to a target population while keeping the person recognisably the same. ' +
        'Never include names, handles, contact details or other identifying detail.',
    },
    {
      role: 'user',
      content:
        `PERSONA:\n${narrative}\n\nRewrite this persona as a person who belongs to this group: ${groupDescription}. ` +
        'Adjust only what membership in the group changes (place, culture, everyday circumstances, language habits); keep their interests, values, ' +
        'habits and the way they express themselves. Reply with the rewritten persona only, as flowing third-person prose.',
    },
  ];
}
