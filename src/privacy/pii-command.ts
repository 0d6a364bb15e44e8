// `simpact pii`: JSONL in, one JSONL result per input line out. Lines that are not {"text": string} objects, blank
// lines included, get an {"error", "line"} object in their place, so output line n always answers input line n.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createPiiEngine, resolveEntityNames, type PiiOperator } from './pii/engine.ts';
import { loadSecret } from './secret.ts';

export interface PiiCommandOptions {
  entities?: string[];
  operator?: PiiOperator;
  compatBlueprint?: boolean;
  /** `TYPE=score` strings. */
  thresholds?: string[];
  secretFile?: string;
}

export function parseThresholds(specs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z_]+)=([0-9.]+)$/.exec(spec.trim());
    const score = m ? Number(m[2]) : NaN;
    if (!m || !(score >= 0 && score <= 1)) throw new Error(`--threshold "${spec}": expected TYPE=score with a score in 0..1`);
    out[resolveEntityNames([m[1]])[0]] = score;
  }
  return out;
}

/** Runs the command over `input`; returns the number of bad input lines (blank lines count as bad). */
export async function runPiiCommand(input: Readable, output: Writable, opts: PiiCommandOptions): Promise<number> {
  const operator = opts.operator ?? 'replace';
  const engine = createPiiEngine({
    entities: opts.entities,
    operator,
    compatBlueprint: opts.compatBlueprint,
    thresholds: parseThresholds(opts.thresholds ?? []),
    hashKey: operator === 'hash' ? Buffer.from(loadSecret({ keyFile: opts.secretFile }), 'utf8') : undefined,
  });
  let lineNo = 0;
  let bad = 0;
  let buffer = '';
  const flush = async () => {
    if (!buffer) return;
    const chunk = buffer;
    buffer = '';
    if (!output.write(chunk)) await new Promise<void>((resolve) => output.once('drain', () => resolve()));
  };
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) {
    lineNo++;
    let text: unknown;
    const blank = line.trim() === '';
    if (!blank) {
      try {
        text = (JSON.parse(line) as { text?: unknown })?.text;
      } catch {
        text = undefined;
      }
    }
    if (typeof text !== 'string') {
      bad++;
      buffer += `${JSON.stringify({ error: blank ? 'blank line' : 'expected a JSON object with a string "text"', line: lineNo })}\n`;
    } else {
      const { redacted, entities } = engine.redact(text);
      buffer += `${JSON.stringify({ text, redacted, entities: entities.map(({ type, start, end, score }) => ({ type, start, end, score: Math.round(score * 1e4) / 1e4 })) })}\n`;
    }
    if (buffer.length > 1 << 16) await flush();
  }
  await flush();
  return bad;
}
