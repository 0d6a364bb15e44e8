// The human reference: the Open-Source Psychometrics "BIG5" file (tab-separated, 50 IPIP-FFM items coded E1..O10,
// 0 = missed) scored with the same instrument code as the personas. Pure: takes the file's text.
import type { Instrument } from './instruments.ts';
import { scoreAnswers } from './instruments.ts';
import { countExclusion, type Big5, type ExclusionCounts } from './types.ts';

export interface ReferenceRespondent {
  big5: Big5;
  country?: string;
  age?: number;
  gender?: 'male' | 'female' | 'other';
}

export interface ReferenceParse {
  respondents: ReferenceRespondent[];
  rows: number;
  excluded: ExclusionCounts;
}

/** The file's E/N/A/C/O item columns are the FFM-50's EXT/EST/AGR/CSN/OPN items in the same order. */
const COLUMN_PREFIX: Record<string, string> = { E: 'EXT', N: 'EST', A: 'AGR', C: 'CSN', O: 'OPN' };

export function ffmCodeForColumn(col: string): string | undefined {
  const m = /^([ENACO])(\d{1,2})$/.exec(col);
  return m ? `${COLUMN_PREFIX[m[1]]}${m[2]}` : undefined;
}

const GENDER: Record<string, ReferenceRespondent['gender']> = { '1': 'male', '2': 'female', '3': 'other' };

export interface ReferenceParseOptions {
  /** Largest plausible age; larger entries are kept as respondents but their age is dropped (default 100). */
  maxAge?: number;
}

/**
 * Parses and scores the reference file. A row is excluded (and counted by reason) when it has the wrong number of
 * fields, any missing (0) or out-of-range item answer. Demographics that are 0/missing or implausible become undefined.
 */
export function parseHumanReference(text: string, inst: Instrument, opts: ReferenceParseOptions = {}): ReferenceParse {
  if (inst.id !== 'ipip-ffm-50') throw new RangeError('the human reference file is scored with the IPIP-FFM-50');
  const maxAge = opts.maxAge ?? 100;
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.split('\t').map((h) => h.trim()) ?? [];
  const itemCols = header.map((h, i) => ({ i, code: ffmCodeForColumn(h) })).filter((c) => c.code) as { i: number; code: string }[];
  if (itemCols.length !== 50) throw new RangeError(`reference header has ${itemCols.length} item columns (E1..O10), expected 50`);
  const col = (name: string) => header.indexOf(name);
  const [iCountry, iAge, iGender] = [col('country'), col('age'), col('gender')];
  const excluded: ExclusionCounts = {};
  const respondents: ReferenceRespondent[] = [];
  let rows = 0;
  for (let ln = 1; ln < lines.length; ln++) {
    if (lines[ln].trim() === '') continue;
    rows++;
    const f = lines[ln].split('\t');
    if (f.length !== header.length) {
      countExclusion(excluded, 'wrong number of fields');
      continue;
    }
    const answers = new Map<string, number>();
    let missing = 0;
    let bad = 0;
    for (const c of itemCols) {
      const v = Number(f[c.i]);
      if (v === 0) missing++;
      else if (!Number.isInteger(v) || v < 1 || v > 5) bad++;
      else answers.set(c.code, v);
    }
    if (bad) {
      countExclusion(excluded, 'unparsable or out-of-range item answer');
      continue;
    }
    if (missing) {
      countExclusion(excluded, 'missing item answer (0)');
      continue;
    }
    const s = scoreAnswers(inst, answers);
    if (!s.big5) {
      countExclusion(excluded, s.reason ?? 'unscorable');
      continue;
    }
    const r: ReferenceRespondent = { big5: s.big5 };
    const country = iCountry >= 0 ? f[iCountry].trim() : '';
    if (/^[A-Z]{2}$/.test(country)) r.country = country; // '(null)' and anonymiser codes like A1 are dropped
    const age = iAge >= 0 ? Number(f[iAge]) : NaN;
    if (Number.isInteger(age) && age >= 13 && age <= maxAge) r.age = age;
    const g = iGender >= 0 ? GENDER[f[iGender].trim()] : undefined;
    if (g) r.gender = g;
    respondents.push(r);
  }
  return { respondents, rows, excluded };
}

export interface SubgroupFilter {
  countries?: string[];
  minAge?: number;
  maxAge?: number;
  gender?: ReferenceRespondent['gender'];
}

/** Respondents matching every given criterion; a respondent without the asked field does not match. */
export function filterReference(rs: readonly ReferenceRespondent[], f: SubgroupFilter): ReferenceRespondent[] {
  const countries = f.countries?.map((c) => c.toUpperCase());
  return rs.filter(
    (r) =>
      (!countries || (r.country !== undefined && countries.includes(r.country))) &&
      (f.minAge === undefined || (r.age !== undefined && r.age >= f.minAge)) &&
      (f.maxAge === undefined || (r.age !== undefined && r.age <= f.maxAge)) &&
      (!f.gender || r.gender === f.gender),
  );
}

export function describeFilter(f: SubgroupFilter): string {
  const parts: string[] = [];
  if (f.countries?.length) parts.push(`country in ${f.countries.join('/')}`);
  if (f.minAge !== undefined || f.maxAge !== undefined) parts.push(`age ${f.minAge ?? ''}–${f.maxAge ?? ''}`);
  if (f.gender) parts.push(`gender ${f.gender}`);
  return parts.length ? parts.join(', ') : 'everyone';
}
