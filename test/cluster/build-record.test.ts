// `simpact build` with the real clustering stage and a non-default embedder and seed: the dataset card and
// release.json record the embedder, its settings and the seeds that made the clusters (issue 4, item 5).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from '../../src/dataset/build-stage.ts';
import { parseSplitFractions } from '../../src/dataset/splits.ts';
import { generateFile } from '../../src/generate/write.ts';
import { Store } from '../../src/store/store.ts';
import { silentLogger } from '../../src/util/log.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simpact-buildrecord-'));
  writeFileSync(join(dir, 'secret'), 'a-test-secret-that-is-long-enough\n', { mode: 0o600 });
  generateFile({ out: join(dir, 'gen.jsonl'), users: 150, events: 4000, seed: 8 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the card and release.json record the embedder, its settings and the clustering and split seeds', async () => {
  const store = await Store.open(join(dir, 's.duckdb'));
  try {
    const out = join(dir, 'rel');
    const report = await runBuild(store, {
      out, inputs: [join(dir, 'gen.jsonl')], ks: [2, 3], chainK: 3, compat: false, scope: 'same-cluster', seed: 7,
      secretFile: join(dir, 'secret'), minPosts: 2, languages: 'blueprint', keywords: 'none', split: parseSplitFractions('80/10/10'),
      parquet: false, log: silentLogger, embedder: 'lsa:dim=16,powerIterations=3',
    });
    assert.deepEqual(report.ks, [2, 3]);
    const manifest = JSON.parse(readFileSync(join(out, 'release.json'), 'utf8'));
    assert.deepEqual(manifest.seeds, { split: 7, clustering: 7 });
    const e = manifest.settings.embedder;
    assert.equal(e.id, 'lsa');
    assert.equal(e.dim, 16);
    assert.equal(e.settings.dim, 16);
    assert.equal(e.settings.powerIterations, 3);
    assert.equal(e.spec.dim, 16);
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    assert.match(card, /- embedder: `lsa` \(16 dimensions\); settings: `\{[^`]*"dim":16[^`]*"powerIterations":3[^`]*\}`/);
    assert.match(card, /- seeds: split 7, clustering 7/);
    assert.match(card, /size-constrained k-means \(minimum 10 users per cluster, seed 7\) over lsa user vectors/);
    const clustering = JSON.parse(readFileSync(join(out, 'diagnostics', 'clustering.json'), 'utf8'));
    assert.equal(clustering.settings.seed, 7);
    assert.equal(clustering.seeds.kmeans, 7);
    assert.equal(clustering.seeds.embedder, e.settings.seed, 'the embedder seed is recorded, in the card settings too');
    assert.equal(clustering.embedder.settings.dim, 16);
  } finally {
    store.close();
  }
});
