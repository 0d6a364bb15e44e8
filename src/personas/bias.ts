// Deliberately biased samples for tests and benchmarks: exponential tilting of a population along chosen traits.
import { Rng } from '../util/rng.ts';
import { weightedSampleWithoutReplacement } from './importance.ts';
import { colMeans, covariance } from './linalg.ts';
import { selectRows, TRAITS, type Points, type Trait } from './types.ts';

/**
 * n rows drawn without replacement with probability ∝ exp(Σ_t tilt_t · z_t), z_t the row's trait z-score in `pop`.
 * For a normal trait, a tilt of β moves the sample mean by about β SD (e.g. { E: 1 } skews to high extraversion).
 */
export function tiltedSample(pop: Points, n: number, tilt: Partial<Record<Trait, number>>, rng: Rng): { points: Points; indices: number[] } {
  const mu = colMeans(pop);
  const cov = covariance(pop, mu);
  const logW = new Float64Array(pop.n);
  for (let i = 0; i < pop.n; i++) {
    let s = 0;
    TRAITS.forEach((t, k) => {
      const b = tilt[t];
      if (b) s += (b * (pop.data[i * pop.d + k] - mu[k])) / Math.sqrt(cov[k * pop.d + k] || 1);
    });
    logW[i] = s;
  }
  const indices = weightedSampleWithoutReplacement(logW, n, rng).sort((a, b) => a - b);
  return { points: selectRows(pop, indices), indices };
}
