// Shared shapes of the population-aligned persona pipeline (arXiv 2509.10127; our design where the paper is silent).

export const TRAITS = ['O', 'C', 'E', 'A', 'N'] as const;
export type Trait = (typeof TRAITS)[number];
export const TRAIT_NAMES: Record<Trait, string> = {
  O: 'Openness',
  C: 'Conscientiousness',
  E: 'Extraversion',
  A: 'Agreeableness',
  N: 'Neuroticism',
};

/** Mean item score per trait on the 1–5 scale. */
export type Big5 = Record<Trait, number>;

/** Row-major n×d matrix of doubles. */
export interface Points {
  n: number;
  d: number;
  data: Float64Array;
}

export function pointsFromRows(rows: readonly (readonly number[])[], d = rows[0]?.length ?? 0): Points {
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    if (r.length !== d) throw new RangeError(`row ${i} has ${r.length} values, expected ${d}`);
    data.set(r, i * d);
  });
  return { n: rows.length, d, data };
}

export function big5ToRow(b: Big5): number[] {
  return TRAITS.map((t) => b[t]);
}

export function rowToBig5(r: ArrayLike<number>): Big5 {
  return { O: r[0], C: r[1], E: r[2], A: r[3], N: r[4] };
}

export function pointsFromBig5(list: readonly Big5[]): Points {
  return pointsFromRows(list.map(big5ToRow), TRAITS.length);
}

export function row(p: Points, i: number): Float64Array {
  return p.data.subarray(i * p.d, (i + 1) * p.d);
}

export function selectRows(p: Points, idx: readonly number[]): Points {
  const data = new Float64Array(idx.length * p.d);
  idx.forEach((i, k) => data.set(row(p, i), k * p.d));
  return { n: idx.length, d: p.d, data };
}

export function column(p: Points, j: number): Float64Array {
  const out = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) out[i] = p.data[i * p.d + j];
  return out;
}

/** A counted reason why an input was excluded. */
export type ExclusionCounts = Record<string, number>;

export function countExclusion(c: ExclusionCounts, reason: string, by = 1): void {
  c[reason] = (c[reason] ?? 0) + by;
}
