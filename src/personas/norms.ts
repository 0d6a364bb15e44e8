// A parametric reference population from Johnson's published IPIP-NEO-120 norms (raw domain means/SDs by sex × age).
// The norms give no trait correlations, so the joint distribution uses an assumed correlation matrix (below).
import { Rng } from '../util/rng.ts';
import { cholesky } from './linalg.ts';
import { TRAITS, type Points, type Trait } from './types.ts';

export interface NormGroup {
  groupId: number;
  category: string;
  sex: 'M' | 'F';
  ageMin: number | null;
  ageMax: number | null;
  /** Mean and SD of the mean item score (1–5) per domain. */
  domains: Record<Trait, { mean: number; sd: number }>;
}

/** Reads `ipip-neo-norms-johnson.json`'s IPIP-NEO-120 groups; raw sums over 24 items become mean item scores. */
export function parseJohnsonNorms(json: string): NormGroup[] {
  const doc = JSON.parse(json) as {
    scoring: { ipip120_items_per_domain: number };
    norms: Record<string, { group_id: number; category: string; sex: 'M' | 'F'; age_min: number | null; age_max: number | null; domains: Record<string, { mean: number; sd: number }> }[]>;
  };
  const perDomain = doc.scoring.ipip120_items_per_domain;
  const groups = doc.norms['IPIP-NEO-120'];
  if (!Array.isArray(groups) || groups.length === 0) throw new RangeError('norms file has no IPIP-NEO-120 groups');
  return groups.map((g) => ({
    groupId: g.group_id,
    category: g.category,
    sex: g.sex,
    ageMin: g.age_min,
    ageMax: g.age_max,
    domains: Object.fromEntries(
      TRAITS.map((t) => {
        const d = g.domains[t];
        if (!d) throw new RangeError(`norm group ${g.group_id} lacks domain ${t}`);
        return [t, { mean: d.mean / perDomain, sd: d.sd / perDomain }];
      }),
    ) as NormGroup['domains'],
  }));
}

/**
 * ASSUMED trait correlations (order O, C, E, A, N): modest values with the signs usually reported for Big Five scales
 * (N negative with C, E, A; E with O and A positive; A with C positive). Not taken from a citable table; pass your own.
 */
export const ASSUMED_TRAIT_CORRELATION: readonly number[] = [
  // O     C      E      A      N
  1.0, 0.0, 0.25, 0.1, -0.05,
  0.0, 1.0, 0.1, 0.25, -0.3,
  0.25, 0.1, 1.0, 0.15, -0.25,
  0.1, 0.25, 0.15, 1.0, -0.2,
  -0.05, -0.3, -0.25, -0.2, 1.0,
];

export interface NormSampleOptions {
  /** Group weights by groupId (default: equal). */
  weights?: Record<number, number>;
  correlation?: readonly number[];
  /** Clamp draws to the 1–5 scale (default true). */
  clamp?: boolean;
}

/** n draws from the mixture of per-group multivariate normals; returns points in OCEAN order. */
export function sampleFromNorms(groups: readonly NormGroup[], n: number, rng: Rng, opts: NormSampleOptions = {}): Points {
  const d = TRAITS.length;
  const l = cholesky(Float64Array.from(opts.correlation ?? ASSUMED_TRAIT_CORRELATION), d);
  const w = groups.map((g) => Math.max(0, opts.weights?.[g.groupId] ?? 1));
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('norm group weights sum to zero');
  const data = new Float64Array(n * d);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let u = rng.next() * total;
    let gi = 0;
    while (gi < groups.length - 1 && u >= w[gi]) u -= w[gi++];
    const g = groups[gi];
    for (let k = 0; k < d; k++) z[k] = rng.normal();
    for (let a = 0; a < d; a++) {
      let c = 0;
      for (let k = 0; k <= a; k++) c += l[a * d + k] * z[k];
      const { mean, sd } = g.domains[TRAITS[a]];
      let v = mean + sd * c;
      if (opts.clamp !== false) v = Math.min(5, Math.max(1, v));
      data[i * d + a] = v;
    }
  }
  return { n, d, data };
}
