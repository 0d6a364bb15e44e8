import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { barSpec, scatterSpec } from '../../src/report/plots.ts';
import { renderChart, vegaLiteToSvg, writeChart } from '../../src/report/svg-png.ts';

test('a vega-lite scatter renders to SVG (one circle per point) and PNG without a browser', async () => {
  const points = Array.from({ length: 30 }, (_, i) => ({ x: i, y: (i * 7) % 11, group: i % 3 }));
  const spec = scatterSpec(points, { title: 'PCA', xTitle: 'PC1', yTitle: 'PC2', groupTitle: 'cluster' });
  const { svg, png } = await renderChart(spec);
  assert.match(svg, /^<svg/);
  assert.equal((svg.match(/aria-roledescription="circle"/g) ?? []).length, 30);
  assert.ok(svg.includes('PC1') && svg.includes('cluster'));
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = Buffer.from(png).readUInt32BE(16);
  assert.ok(width > 500, `png width ${width}`);
});

test('many groups: no legend; bars; writeChart writes both files', async () => {
  const many = scatterSpec(Array.from({ length: 50 }, (_, i) => ({ x: i, y: i, group: i })));
  const enc = many.encoding as { color: { legend?: unknown } };
  assert.equal(enc.color.legend, null);
  const svg = await vegaLiteToSvg(barSpec([{ label: 'a', value: 3 }, { label: 'b', value: 5 }], { title: 'sizes' }));
  assert.equal((svg.match(/aria-roledescription="bar"/g) ?? []).length, 2);
  const dir = mkdtempSync(join(tmpdir(), 'simpact-plot-'));
  try {
    const out = await writeChart(barSpec([{ label: 1, value: 1 }]), join(dir, 'x'));
    assert.match(readFileSync(out.svg, 'utf8'), /^<svg/);
    assert.equal(readFileSync(out.png).subarray(1, 4).toString(), 'PNG');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
