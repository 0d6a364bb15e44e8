// Big Five questionnaires (IPIP-FFM-50, IPIP-NEO-120): items, keys and scoring on the 1–5 Likert scale.
import { parseCsvObjects } from './csv.ts';
import { TRAITS, type Big5, type Trait } from './types.ts';

export interface InstrumentItem {
  /** Stable item code (EXT1 … OPN10 for the FFM-50; "1" … "120" for the NEO-120). */
  code: string;
  /** First-person wording shown to the respondent. */
  text: string;
  trait: Trait;
  /** Reverse-keyed for `trait` (scored 6 − x). */
  reversed: boolean;
  facet?: string;
}

export interface Instrument {
  id: 'ipip-ffm-50' | 'ipip-neo-120';
  name: string;
  items: InstrumentItem[];
  scale: { min: 1; max: 5; labels: string[] };
}

export const LIKERT_LABELS = ['Very inaccurate', 'Moderately inaccurate', 'Neither accurate nor inaccurate', 'Moderately accurate', 'Very accurate'];

function asTrait(s: string, where: string): Trait {
  if ((TRAITS as readonly string[]).includes(s)) return s as Trait;
  throw new RangeError(`${where}: unknown Big Five domain "${s}"`);
}

function asKey(s: string, where: string): boolean {
  if (s === '+') return false;
  if (s === '-' || s === '−') return true;
  throw new RangeError(`${where}: key "${s}" is neither + nor -`);
}

/** IPIP-FFM-50 from `ipip-ffm-50-items.csv`, keyed for the Big Five domains (EST re-expressed as Neuroticism). */
export function parseFfm50(csv: string): Instrument {
  const rows = parseCsvObjects(csv);
  const items = rows
    .sort((a, b) => Number(a.page_order) - Number(b.page_order))
    .map((r, i) => ({
      code: r.code,
      text: r.text,
      trait: asTrait(r.big5_domain, `ffm row ${i + 2}`),
      reversed: asKey(r.keyed_big5_domain, `ffm row ${i + 2}`),
    }));
  checkInstrument(items, 50, 10);
  return { id: 'ipip-ffm-50', name: 'IPIP Big-Five Factor Markers (50 items)', items, scale: { min: 1, max: 5, labels: LIKERT_LABELS } };
}

/** IPIP-NEO-120 (Johnson 2014) from `ipip-neo-120-items.csv`. Texts are imperative ("Worry about things."). */
export function parseNeo120(csv: string): Instrument {
  const rows = parseCsvObjects(csv);
  const items = rows.map((r, i) => ({
    code: r.item,
    text: `I ${r.text.charAt(0).toLowerCase()}${r.text.slice(1)}`,
    trait: asTrait(r.domain, `neo row ${i + 2}`),
    reversed: asKey(r.keyed, `neo row ${i + 2}`),
    facet: r.facet_code,
  }));
  checkInstrument(items, 120, 24);
  return { id: 'ipip-neo-120', name: 'IPIP-NEO-120', items, scale: { min: 1, max: 5, labels: LIKERT_LABELS } };
}

function checkInstrument(items: InstrumentItem[], n: number, perTrait: number): void {
  if (items.length !== n) throw new RangeError(`instrument has ${items.length} items, expected ${n}`);
  for (const t of TRAITS) {
    const k = items.filter((it) => it.trait === t).length;
    if (k !== perTrait) throw new RangeError(`instrument has ${k} ${t} items, expected ${perTrait}`);
  }
  if (new Set(items.map((i) => i.code)).size !== n) throw new RangeError('instrument has duplicate item codes');
}

export interface ScoreResult {
  /** Per-trait mean of keyed item scores (1–5), or null when a trait has too few valid answers. */
  big5: Big5 | null;
  validItems: Record<Trait, number>;
  /** Why the score is null. */
  reason?: string;
}

/**
 * Scores answers (item code → 1..5; missing, non-integer-ish or out-of-range values are not counted).
 * A trait needs at least `minFraction` of its items answered; the trait score is the mean of its keyed answers.
 */
export function scoreAnswers(inst: Instrument, answers: ReadonlyMap<string, number>, minFraction = 1): ScoreResult {
  const sum: Record<Trait, number> = { O: 0, C: 0, E: 0, A: 0, N: 0 };
  const cnt: Record<Trait, number> = { O: 0, C: 0, E: 0, A: 0, N: 0 };
  const tot: Record<Trait, number> = { O: 0, C: 0, E: 0, A: 0, N: 0 };
  for (const it of inst.items) {
    tot[it.trait]++;
    const v = answers.get(it.code);
    if (v === undefined || !Number.isFinite(v) || v < inst.scale.min || v > inst.scale.max) continue;
    sum[it.trait] += it.reversed ? inst.scale.min + inst.scale.max - v : v;
    cnt[it.trait]++;
  }
  const short = TRAITS.filter((t) => cnt[t] < Math.ceil(minFraction * tot[t]) || cnt[t] === 0);
  if (short.length) return { big5: null, validItems: cnt, reason: `too few valid answers for ${short.join(',')}` };
  const big5 = Object.fromEntries(TRAITS.map((t) => [t, sum[t] / cnt[t]])) as Big5;
  return { big5, validItems: cnt };
}
