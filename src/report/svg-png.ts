// Charts without a browser: a vega-lite spec → SVG (vega's headless view, renderer "none") → PNG (resvg).
// Generic on purpose: any report can hand a vega-lite spec to `renderChart` or `writeChart`.
import { writeFileSync } from 'node:fs';

export type VegaLiteSpec = Record<string, unknown>;

export async function vegaLiteToSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function svgToPng(svg: string, opts: { scale?: number; background?: string } = {}): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    background: opts.background ?? 'white',
    fitTo: opts.scale && opts.scale !== 1 ? { mode: 'zoom', value: opts.scale } : { mode: 'original' },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

export async function renderChart(spec: VegaLiteSpec, opts: { scale?: number } = {}): Promise<{ svg: string; png: Uint8Array }> {
  const svg = await vegaLiteToSvg(spec);
  return { svg, png: await svgToPng(svg, { scale: opts.scale ?? 2 }) };
}

/** Writes `<basePath>.svg` and `<basePath>.png`; returns the two paths. */
export async function writeChart(spec: VegaLiteSpec, basePath: string, opts: { scale?: number } = {}): Promise<{ svg: string; png: string }> {
  const { svg, png } = await renderChart(spec, opts);
  writeFileSync(`${basePath}.svg`, svg);
  writeFileSync(`${basePath}.png`, png);
  return { svg: `${basePath}.svg`, png: `${basePath}.png` };
}
