// The real post texts bundled for the generator (fixtures/texts, MIT-licensed sources; see its PROVENANCE.md).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TextSample } from './generate.ts';

export const BUNDLED_TEXTS = fileURLToPath(new URL('../../fixtures/texts/posts.jsonl', import.meta.url));

export function loadTexts(path: string = BUNDLED_TEXTS): TextSample[] {
  const out: TextSample[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const v = JSON.parse(line) as { text?: unknown; langs?: unknown };
    if (typeof v.text !== 'string' || !v.text) continue;
    const langs = Array.isArray(v.langs) && v.langs.every((l) => typeof l === 'string') ? (v.langs as string[]) : null;
    out.push({ text: v.text, langs });
  }
  return out;
}
