// The main job with the real clustering stage (lsa user vectors → size-constrained k-means): every feasible K gets
// real clusters, infeasible K values are left out with a reason, and the release carries the cluster diagnostics
// (no DID, clean audit) and the embedder record in its card.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from '../../src/dataset/build-stage.ts';
import { parseSplitFractions } from '../../src/dataset/splits.ts';
import { generateFile } from '../../src/generate/write.ts';
import { auditReleaseReport } from '../../src/privacy/audit.ts';
import { collectedIdentifiers } from '../../src/store/privacy.ts';
import { Store } from '../../src/store/store.ts';
import { silentLogger } from '../../src/util/log.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simpact-clustered-'));
  writeFileSync(join(dir, 'secret'), 'a-test-secret-that-is-long-enough\n', { mode: 0o600 });
  generateFile({ out: join(dir, 'gen.jsonl'), users: 200, events: 6000, seed: 5 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('build clusters users at each feasible K and releases the diagnostics', async () => {
  const store = await Store.open(join(dir, 's.duckdb'));
  try {
    const out = join(dir, 'rel');
    const report = await runBuild(store, {
      out,
      inputs: [join(dir, 'gen.jsonl')],
      ks: [2, 5, 1000],
      chainK: 5,
      compat: false,
      scope: 'same-cluster',
      seed: 42,
      secretFile: join(dir, 'secret'),
      minPosts: 2,
      languages: 'blueprint',
      keywords: 'none',
      split: parseSplitFractions('80/10/10'),
      parquet: false,
      log: silentLogger,
    });
    assert.deepEqual(report.ks, [2, 5], 'K=1000 cannot be filled by a few hundred users and is left out');
    for (const k of [2, 5]) {
      const files = readdirSync(join(out, `processed_${k}_clusters`));
      assert.equal(files.length, k, `K=${k}: one file per cluster`);
      for (const f of files) {
        const lines = readFileSync(join(out, `processed_${k}_clusters`, f), 'utf8').trim().split('\n');
        assert.ok(lines.length > 0);
      }
      const diag = JSON.parse(readFileSync(join(out, 'diagnostics', `clusters-k${k}.json`), 'utf8'));
      assert.equal(diag.sizes.length, k);
      assert.ok(Math.min(...diag.sizes) >= 10, 'every cluster meets the minimum size');
      assert.ok(existsSync(join(out, 'diagnostics', `clusters-k${k}-pca.png`)));
      assert.ok(existsSync(join(out, 'diagnostics', `clusters-k${k}-pca.svg`)));
    }
    const diagText = readdirSync(join(out, 'diagnostics')).map((f) => readFileSync(join(out, 'diagnostics', f), 'latin1')).join('\n');
    assert.doesNotMatch(diagText, /did:(plc|web):/, 'no DID in the diagnostics');
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    assert.match(card, /embedder: `lsa`/);
    const manifest = JSON.parse(readFileSync(join(out, 'release.json'), 'utf8'));
    assert.equal(manifest.settings.embedder.id, 'lsa');
    assert.deepEqual((await auditReleaseReport(out, {})).leaks, []);
    // the generated accounts announce handles (identity events); none is in the release, diagnostics included
    const known = await collectedIdentifiers(store);
    assert.ok(known.handles.length > 0 && known.dids.length >= 200);
    assert.deepEqual((await auditReleaseReport(out, { known })).leaks, []);
  } finally {
    store.close();
  }
});
