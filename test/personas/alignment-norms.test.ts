// The acceptance check of issue 7 on synthetic data: a reference population drawn from Johnson's published IPIP-NEO-120
// norms, a pool deliberately skewed to high extraversion and low neuroticism, and alignment of the pool to the
// reference. Construction (all seeded):
//   reference  3,000 draws from the norms (equal mix of the 8 sex × age groups, assumed trait correlations), seed 1
//   population 20,000 draws from the same norms, seed 2
//   pool       3,000 of the population drawn without replacement ∝ exp(1.0·z_E − 0.7·z_N), seed 3
//              (≈ +1 SD extraversion, −0.7 SD neuroticism)
//   aligned    300 personas (KDE IS → 900 candidates → partial entropic OT against 300 reference draws), seed 4
// Required: the per-trait Wasserstein-1 of the biased traits (E, N) and the mean per-trait W1 fall by at least 70 %.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/util/rng.ts';
import { parseJohnsonNorms, sampleFromNorms } from '../../src/personas/norms.ts';
import { tiltedSample } from '../../src/personas/bias.ts';
import { alignToReference } from '../../src/personas/align.ts';
import { compareToReference, errorReduction } from '../../src/personas/metrics.ts';
import { colMeans } from '../../src/personas/linalg.ts';
import { selectRows, TRAITS } from '../../src/personas/types.ts';

const normsPath = fileURLToPath(new URL('../../fixtures/bigfive-instruments/ipip-neo-norms-johnson.json', import.meta.url));
const groups = parseJohnsonNorms(readFileSync(normsPath, 'utf8'));

test('Johnson norms become per-item means; draws follow them', () => {
  assert.equal(groups.length, 8);
  assert.ok(Math.abs(groups[0].domains.N.mean - 67.84 / 24) < 1e-12);
  const pts = sampleFromNorms(groups.slice(0, 1), 20000, new Rng(1));
  const m = colMeans(pts);
  TRAITS.forEach((t, k) => assert.ok(Math.abs(m[k] - groups[0].domains[t].mean) < 0.02, `${t}: ${m[k]}`));
  assert.ok(pts.data.every((v) => v >= 1 && v <= 5));
});

test('aligning a pool skewed to high E / low N cuts its per-trait W1 to the reference by at least 70 %', () => {
  const reference = sampleFromNorms(groups, 3000, new Rng(1));
  const population = sampleFromNorms(groups, 20000, new Rng(2));
  const pool = tiltedSample(population, 3000, { E: 1.0, N: -0.7 }, new Rng(3)).points;
  const r = alignToReference(pool, reference, { targetSize: 300, seed: 4 });
  assert.equal(new Set(r.selected).size, 300);
  assert.ok(r.ot?.converged);
  const before = compareToReference(pool, reference, { projections: 32, mmdMaxRows: 400 });
  const after = compareToReference(selectRows(pool, r.selected), reference, { projections: 32, mmdMaxRows: 400 });
  const random = compareToReference(selectRows(pool, new Rng(5).shuffle([...Array(pool.n).keys()]).slice(0, 300)), reference, { projections: 32, mmdMaxRows: 400 });
  assert.ok(before.perTrait.E.w1 > 0.4 && before.perTrait.N.w1 > 0.3, 'the pool really is biased');
  for (const t of ['E', 'N'] as const) {
    const red = errorReduction(before.perTrait[t].w1, after.perTrait[t].w1);
    assert.ok(red >= 0.7, `${t}: W1 ${before.perTrait[t].w1.toFixed(3)} → ${after.perTrait[t].w1.toFixed(3)} (${(100 * red).toFixed(1)} %)`);
  }
  assert.ok(errorReduction(before.meanW1, after.meanW1) >= 0.7, `mean W1 ${before.meanW1} → ${after.meanW1}`);
  assert.ok(after.slicedW1 < 0.35 * random.slicedW1 && after.mmd2 < 0.2 * random.mmd2);
  // stage 3a alone already helps, the OT refinement helps further
  const isOnly = compareToReference(selectRows(pool, r.importanceOnly), reference, { projections: 32, mmdMaxRows: 400 });
  assert.ok(isOnly.meanW1 < 0.5 * before.meanW1 && after.meanW1 < isOnly.meanW1);
});
