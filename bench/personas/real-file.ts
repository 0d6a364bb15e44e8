// The alignment check on the real human file (Open-Source Psychometrics BIG5, 19,719 rows, read in place; its licence
// is unknown, so it is never copied). Seeded split into a reference half and a pool half; the pool half is then skewed
// (∝ exp(1.0·z_E − 0.7·z_N), i.e. towards high extraversion and low neuroticism) and aligned back to the reference.
// A second check aligns US respondents to the Indian respondents of the reference half (a subgroup target).
//   node --import tsx bench/personas/real-file.ts [path/to/data.csv] [--size 500] [--pool 3000] [--seed 1]
import { performance } from 'node:perf_hooks';
import { Rng } from '../../src/util/rng.ts';
import { loadHumanReference } from '../../src/personas/data-files.ts';
import { filterReference, type ReferenceRespondent } from '../../src/personas/human-reference.ts';
import { tiltedSample } from '../../src/personas/bias.ts';
import { alignToReference } from '../../src/personas/align.ts';
import { compareToReference, errorReduction, type SetMetrics } from '../../src/personas/metrics.ts';
import { pointsFromBig5, selectRows, TRAITS, type Points } from '../../src/personas/types.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const path = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? '/work/shared/data/big5-openpsychometrics/data.csv';
const K = flag('--size', 500);
const poolN = flag('--pool', 3000);
const seed = flag('--seed', 1);

function row(name: string, m: SetMetrics): string {
  return `${name.padEnd(22)} n=${String(m.n).padStart(5)}  ${TRAITS.map((t) => `${t} ${m.perTrait[t].w1.toFixed(3)}`).join('  ')}  meanW1 ${m.meanW1.toFixed(3)}  SW ${m.slicedW1.toFixed(3)}  MMD² ${m.mmd2.toFixed(4)}  corr ${m.correlationDistance.toFixed(3)}`;
}

function check(label: string, pool: Points, reference: Points, k: number): Record<string, unknown> {
  const t0 = performance.now();
  const r = alignToReference(pool, reference, { targetSize: k, seed: seed + 3 });
  const ms = performance.now() - t0;
  const random = selectRows(pool, new Rng(seed + 4).shuffle([...Array(pool.n).keys()]).slice(0, k));
  const sets: Array<[string, Points]> = [
    ['biased pool (before)', pool],
    ['random subset', random],
    ['importance sampling', selectRows(pool, r.importanceOnly)],
    ['aligned (IS + OT)', selectRows(pool, r.selected)],
  ];
  const m = sets.map(([name, p]) => [name, compareToReference(p, reference, { seed })] as const);
  console.log(`\n## ${label}: pool ${pool.n}, reference ${reference.n}, aligned set ${k}`);
  for (const [name, x] of m) console.log(row(name, x));
  const before = m[0][1];
  const after = m[3][1];
  const red = Object.fromEntries(TRAITS.map((t) => [t, errorReduction(before.perTrait[t].w1, after.perTrait[t].w1)]));
  console.log(`W1 reduction: ${TRAITS.map((t) => `${t} ${(100 * red[t]).toFixed(1)} %`).join('  ')}  mean ${(100 * errorReduction(before.meanW1, after.meanW1)).toFixed(1)} %`);
  console.log(`ESS ${r.weights.ess.toFixed(1)} (before clipping ${r.weights.essBeforeClip.toFixed(1)}, ${r.weights.clipped} clipped); Sinkhorn ε ${r.ot?.epsilon.toFixed(4)}, ${r.ot?.iterations} iterations, converged ${r.ot?.converged}; align ${(ms / 1000).toFixed(2)} s`);
  return { label, pool: pool.n, reference: reference.n, k, alignSeconds: ms / 1000, ess: r.weights.ess, w1Reduction: red, meanW1Reduction: errorReduction(before.meanW1, after.meanW1), metrics: Object.fromEntries(m) };
}

const t0 = performance.now();
const parsed = loadHumanReference(path);
console.log(`parsed + scored ${parsed.rows} rows in ${((performance.now() - t0) / 1000).toFixed(2)} s: kept ${parsed.respondents.length}; excluded ${JSON.stringify(parsed.excluded)}`);
const shuffled = new Rng(seed).shuffle([...parsed.respondents]);
const half = Math.floor(shuffled.length / 2);
const refHalf: ReferenceRespondent[] = shuffled.slice(0, half);
const poolHalf: ReferenceRespondent[] = shuffled.slice(half);
const reference = pointsFromBig5(refHalf.map((r) => r.big5));
const poolAll = pointsFromBig5(poolHalf.map((r) => r.big5));
const biased = tiltedSample(poolAll, Math.min(poolN, poolAll.n), { E: 1.0, N: -0.7 }, new Rng(seed + 2)).points;
const results = [check('global: skewed half → reference half', biased, reference, K)];

const us = pointsFromBig5(filterReference(poolHalf, { countries: ['US'] }).map((r) => r.big5));
const india = pointsFromBig5(filterReference(refHalf, { countries: ['IN'] }).map((r) => r.big5));
results.push(check('subgroup: US respondents (pool half) → IN respondents (reference half)', us, india, Math.min(300, Math.floor(india.n / 2))));
if (args.includes('--json')) console.log(JSON.stringify({ path: '(human file)', seed, results }, null, 2));
