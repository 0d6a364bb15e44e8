// The reference prompts (spec §7.7), kept verbatim in blueprint-prompts.toml (a copy of upstream shared/prompts.toml).
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

export interface BlueprintPrompts {
  systemPrompt: string;
  replySchema: Record<string, unknown>;
  postSchema: Record<string, unknown>;
  /** OpenAI strict-mode variants: no maxLength, additionalProperties false. */
  strictReplySchema: Record<string, unknown>;
  strictPostSchema: Record<string, unknown>;
}

let cached: BlueprintPrompts | undefined;

export function blueprintPrompts(): BlueprintPrompts {
  if (cached) return cached;
  const toml = parse(readFileSync(new URL('./blueprint-prompts.toml', import.meta.url), 'utf8')) as Record<string, string>;
  cached = {
    systemPrompt: toml.SYSTEM_PROMPT,
    replySchema: JSON.parse(toml.REPLY_SCHEMA),
    postSchema: JSON.parse(toml.POST_SCHEMA),
    strictReplySchema: JSON.parse(toml.CHATGPT_REPLY_SCHEMA),
    strictPostSchema: JSON.parse(toml.CHATGPT_POST_SCHEMA),
  };
  return cached;
}

export const NO_HISTORY = 'No user history available.';

export function systemPrompt(history: string = NO_HISTORY): string {
  return blueprintPrompts().systemPrompt.replace('{{history}}', history);
}
