// Per-trait density plots as self-contained inline SVG (Gaussian KDE curves on the 1–5 scale), no dependencies.
import { TRAIT_NAMES, type Trait } from './types.ts';

export interface DensitySeries {
  label: string;
  values: ArrayLike<number>;
  color: string;
  dashed?: boolean;
}

/** 1-D Gaussian KDE on a grid, Silverman's bandwidth. */
export function density1d(values: ArrayLike<number>, grid: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return grid.map(() => 0);
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - m) ** 2;
  const sd = Math.sqrt(v / Math.max(1, n - 1)) || 0.1;
  const h = 1.06 * sd * n ** -0.2;
  const c = 1 / (n * h * Math.sqrt(2 * Math.PI));
  return grid.map((x) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(-0.5 * ((x - values[i]) / h) ** 2);
    return s * c;
  });
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function densitySvg(trait: Trait, series: readonly DensitySeries[], width = 440, height = 230): string {
  const grid = Array.from({ length: 81 }, (_, i) => 1 + (4 * i) / 80);
  const curves = series.map((s) => density1d(s.values, grid));
  const ymax = Math.max(1e-9, ...curves.flat());
  const pad = { l: 36, r: 10, t: 24, b: 28 };
  const X = (x: number) => pad.l + ((x - 1) / 4) * (width - pad.l - pad.r);
  const Y = (y: number) => height - pad.b - (y / ymax) * (height - pad.t - pad.b);
  const paths = curves
    .map((c, k) => {
      const d = c.map((y, i) => `${i ? 'L' : 'M'}${X(grid[i]).toFixed(1)},${Y(y).toFixed(1)}`).join('');
      return `<path d="${d}" fill="none" stroke="${series[k].color}" stroke-width="1.8"${series[k].dashed ? ' stroke-dasharray="5,3"' : ''}/>`;
    })
    .join('');
  const ticks = [1, 2, 3, 4, 5].map((t) => `<text x="${X(t)}" y="${height - 10}" font-size="10" text-anchor="middle">${t}</text>`).join('');
  const legend = series
    .map((s, k) => `<text x="${width - pad.r}" y="${pad.t + 12 * k}" font-size="10" text-anchor="end" fill="${s.color}">${esc(s.label)} (n=${s.values.length})</text>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${TRAIT_NAMES[trait]} density">` +
    `<text x="${pad.l}" y="14" font-size="12" font-weight="bold">${TRAIT_NAMES[trait]}</text>` +
    `<line x1="${pad.l}" y1="${height - pad.b}" x2="${width - pad.r}" y2="${height - pad.b}" stroke="#888"/>${ticks}${paths}${legend}</svg>`
  );
}
