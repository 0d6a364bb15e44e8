// Supervised fine-tuning export: chat JSONL (`{"messages": [{role, content}...]}`, the format OpenAI fine-tuning,
// TRL, Axolotl and LLaMA-Factory accept), one line per training thread: the task prompt (system + context, spec §8)
// followed by the assistant's answer. Optionally mixed with a user-supplied instruction dataset at fraction f of the
// result (the reference used f = 0.2 in its instruction set, spec §7.6).
import type { ChatMessage } from '../llm/types.ts';
import { Rng } from '../util/rng.ts';
import { messageContentRaw } from './sft-target.ts';
import { answerActionKeys, buildTask, type ActionSet } from './tasks.ts';
import type { ReleaseThread } from './release.ts';

export interface SftLine {
  messages: ChatMessage[];
}

/**
 * `schema` (default): the target is the answer in the task's schema shape, so training matches what `predict` asks
 * for. `raw`: the target is the released message JSON itself, as the reference fine-tuning used it.
 */
export type SftTarget = 'schema' | 'raw';

export function sftLine(t: ReleaseThread, target: SftTarget = 'schema', set: ActionSet = 'blueprint'): SftLine {
  const task = buildTask(t, 'train', set);
  const last = t.thread[t.thread.length - 1];
  let answer: string;
  if (target === 'raw') answer = messageContentRaw(last);
  else if (task.kind === 'post') answer = JSON.stringify({ text: task.truth.text ?? '' });
  else {
    const keys = answerActionKeys(set);
    const actions = Object.fromEntries(keys.map((k) => [k, k === task.truth.action]));
    answer = JSON.stringify({ actions, text: task.truth.action === 'reply' ? (task.truth.text ?? '') : '' });
  }
  return { messages: [...task.messages, { role: 'assistant', content: answer }] };
}

/**
 * An instruction item as a chat line. Accepts Dolly-style `{instruction, context?, response}` (formatted as the
 * reference does: instruction as system, context as a user turn, answer as json.dumps({"text": response})) or an
 * item that already has `messages`.
 */
export function instructionLine(item: unknown): SftLine | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const o = item as Record<string, unknown>;
  if (Array.isArray(o.messages)) {
    const msgs = o.messages.filter((m: any) => m && typeof m.content === 'string' && ['system', 'user', 'assistant'].includes(m.role));
    return msgs.length ? { messages: msgs as ChatMessage[] } : undefined;
  }
  if (typeof o.instruction !== 'string' || typeof o.response !== 'string') return undefined;
  const messages: ChatMessage[] = [{ role: 'system', content: o.instruction }];
  if (typeof o.context === 'string' && o.context) messages.push({ role: 'user', content: o.context });
  messages.push({ role: 'assistant', content: JSON.stringify({ text: o.response }) });
  return { messages };
}

/** n_mix = floor(n · f / (1 − f)) instruction items, drawn without replacement, then everything shuffled (seeded). */
export function mixInstructions(threadLines: readonly SftLine[], instructions: readonly SftLine[], fraction: number, seed: number): { lines: SftLine[]; mixed: number } {
  if (!(fraction >= 0 && fraction < 1)) throw new Error('the instruction fraction must be in [0, 1)');
  const rng = new Rng(seed);
  const want = Math.floor((threadLines.length * fraction) / (1 - fraction));
  const picked = rng.fork('pick').shuffle([...instructions]).slice(0, want);
  const lines = rng.fork('mix').shuffle([...threadLines, ...picked]);
  return { lines, mixed: picked.length };
}
