// Percentile bootstrap confidence intervals over resampled items (seeded).
import { Rng } from '../util/rng.ts';

export interface Interval {
  low: number;
  high: number;
}

/** `stat` receives the resampled item indices. B resamples, two-sided level (default 0.95). */
export function bootstrapCi(n: number, stat: (idx: Uint32Array) => number, opts: { resamples?: number; level?: number; seed?: number } = {}): Interval | null {
  if (n === 0) return null;
  const B = opts.resamples ?? 1000;
  const rng = new Rng(opts.seed ?? 42);
  const values: number[] = [];
  const idx = new Uint32Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    const v = stat(idx);
    if (Number.isFinite(v)) values.push(v);
  }
  if (!values.length) return null;
  values.sort((a, b) => a - b);
  const alpha = (1 - (opts.level ?? 0.95)) / 2;
  return { low: quantile(values, alpha), high: quantile(values, 1 - alpha) };
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
