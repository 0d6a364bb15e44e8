// File loading for the pure parsers: instruments and norms (bundled under fixtures/bigfive-instruments, public-domain
// items and MIT norms) and the human reference file, which is read where it lies and never copied.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseHumanReference, type ReferenceParse } from './human-reference.ts';
import { parseFfm50, parseNeo120, type Instrument } from './instruments.ts';
import { parseJohnsonNorms, type NormGroup } from './norms.ts';

export const DEFAULT_INSTRUMENTS_DIR = fileURLToPath(new URL('../../fixtures/bigfive-instruments/', import.meta.url));

export type InstrumentId = Instrument['id'];
export const INSTRUMENT_IDS: InstrumentId[] = ['ipip-ffm-50', 'ipip-neo-120'];

export function loadInstrument(id: InstrumentId, dir = DEFAULT_INSTRUMENTS_DIR): Instrument {
  if (id === 'ipip-ffm-50') return parseFfm50(readFileSync(`${dir}/ipip-ffm-50-items.csv`, 'utf8'));
  if (id === 'ipip-neo-120') return parseNeo120(readFileSync(`${dir}/ipip-neo-120-items.csv`, 'utf8'));
  throw new RangeError(`unknown instrument "${id as string}" (use ${INSTRUMENT_IDS.join(' or ')})`);
}

export function loadNormGroups(dir = DEFAULT_INSTRUMENTS_DIR): NormGroup[] {
  return parseJohnsonNorms(readFileSync(`${dir}/ipip-neo-norms-johnson.json`, 'utf8'));
}

const READ_ERRORS: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'is a directory, not a file', EACCES: 'permission denied' };

/**
 * Reads and scores the Open-Source Psychometrics BIG5 file (data.csv) in place. A file that cannot be read or has no
 * IPIP-FFM item columns is a RangeError naming the file (one line for the CLI).
 */
export function loadHumanReference(path: string, dir = DEFAULT_INSTRUMENTS_DIR): ReferenceParse {
  const inst = loadInstrument('ipip-ffm-50', dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new RangeError(`reference file ${path}: ${READ_ERRORS[code] ?? (err as Error).message}`);
  }
  try {
    return parseHumanReference(text, inst);
  } catch (err) {
    if (err instanceof RangeError) throw new RangeError(`reference file ${path}: ${err.message}`);
    throw err;
  }
}
