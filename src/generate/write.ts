// Writes generated events to a file (buffered, constant memory) and says loudly that they are synthetic.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateEvents, type SyntheticOptions } from './generate.ts';
import { loadTexts } from './texts.ts';

export const SYNTHETIC_NOTICE =
  'SYNTHETIC data: generated Jetstream events for benchmarks and scale tests only; not real Bluesky activity.';

export interface SyntheticFileOptions extends Omit<SyntheticOptions, 'texts'> {
  out: string;
  textsPath?: string;
}

export interface SyntheticSummary {
  synthetic: true;
  out: string;
  events: number;
  users: number;
  seed: number;
  bytes: number;
  seconds: number;
}

export function generateFile(o: SyntheticFileOptions): SyntheticSummary {
  const started = performance.now();
  const texts = loadTexts(o.textsPath);
  mkdirSync(dirname(o.out), { recursive: true });
  const fd = openSync(o.out, 'w');
  let bytes = 0;
  let n = 0;
  try {
    let buf: string[] = [];
    let len = 0;
    for (const line of generateEvents({ ...o, texts })) {
      buf.push(line, '\n');
      len += line.length + 1;
      n++;
      if (len >= 1 << 20) {
        bytes += writeSync(fd, buf.join(''));
        buf = [];
        len = 0;
      }
    }
    if (buf.length) bytes += writeSync(fd, buf.join(''));
  } finally {
    closeSync(fd);
  }
  return { synthetic: true, out: o.out, events: n, users: o.users, seed: o.seed, bytes, seconds: (performance.now() - started) / 1000 };
}
