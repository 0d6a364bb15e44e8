// Vega-lite specs for simpact's charts (rendered by svg-png.ts).
import type { VegaLiteSpec } from './svg-png.ts';

export interface ScatterPoint {
  x: number;
  y: number;
  group: string | number;
}

export interface ScatterOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  groupTitle?: string;
  width?: number;
  height?: number;
  /** Hide the legend (automatic above 20 groups). */
  legend?: boolean;
}

/** A scatter plot coloured by group. */
export function scatterSpec(points: readonly ScatterPoint[], opts: ScatterOptions = {}): VegaLiteSpec {
  const groups = new Set(points.map((p) => p.group)).size;
  const legend = opts.legend ?? groups <= 20;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? 480,
    height: opts.height ?? 360,
    background: 'white',
    data: { values: points.map((p) => ({ x: p.x, y: p.y, group: String(p.group) })) },
    mark: { type: 'circle', size: 18, opacity: 0.7 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: opts.xTitle ?? 'x', scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: opts.yTitle ?? 'y', scale: { zero: false } },
      color: {
        field: 'group',
        type: 'nominal',
        title: opts.groupTitle ?? 'group',
        scale: { scheme: groups <= 10 ? 'category10' : 'tableau20' },
        ...(legend ? {} : { legend: null }),
      },
    },
  };
}

/** A bar chart of one value per category (e.g. cluster sizes). */
export function barSpec(bars: readonly { label: string | number; value: number }[], opts: { title?: string; xTitle?: string; yTitle?: string; width?: number; height?: number } = {}): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? 480,
    height: opts.height ?? 240,
    background: 'white',
    data: { values: bars.map((b) => ({ label: String(b.label), value: b.value })) },
    mark: 'bar',
    encoding: {
      x: { field: 'label', type: 'ordinal', title: opts.xTitle ?? '', sort: null },
      y: { field: 'value', type: 'quantitative', title: opts.yTitle ?? '' },
    },
  };
}
