import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/util/rng.ts';
import { readNpy, writeNpy } from '../../src/cluster/npy.ts';
import { getUserVectors } from '../../src/store/embeddings.ts';
import { Store } from '../../src/store/store.ts';
import { jetstreamLines } from '../embed/helpers.ts';

const MODEL = fileURLToPath(new URL('../../fixtures/models/tiny-random-bert', import.meta.url));

function simpact(args: string[]) {
  return spawnSync(process.execPath, ['bin/simpact.js', ...args], { encoding: 'utf8', env: { ...process.env, SIMPACT_QUIET: '1' } });
}

test('simpact cluster --vectors writes labels per K and reports sizes, inertia, iterations, seconds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-cli-'));
  try {
    const n = 200;
    const d = 5;
    const rng = new Rng(4);
    const data = Float32Array.from({ length: n * d }, () => rng.normal());
    const vectors = join(dir, 'v.npy');
    writeNpy(vectors, data, [n, d]);
    const out = join(dir, 'out');
    const res = simpact(['cluster', '--vectors', vectors, '--k', '2,7', '--min-size', '20', '--n-init', '2', '--out', out, '--json']);
    assert.equal(res.status, 0, res.stderr);
    const report = JSON.parse(res.stdout);
    assert.equal(report.n, n);
    assert.equal(report.d, d);
    assert.deepEqual(report.perK.map((r: { k: number }) => r.k), [2, 7]);
    for (const r of report.perK) {
      assert.equal(r.sizes.length, r.k);
      assert.ok(r.sizes.every((s: number) => s >= 20));
      assert.ok(r.inertia > 0 && r.iterations >= 1 && r.seconds >= 0);
      const labels = readNpy(r.labelsFile);
      assert.equal(labels.dtype, 'int32');
      const counts = new Array(r.k).fill(0);
      for (const l of labels.data) counts[l]++;
      assert.deepEqual(counts, r.sizes);
    }
    // A seeded seeding sample gives labels of its own, the same on every run; a bad value is a usage error.
    const sampledRun = () => simpact(['cluster', '--vectors', vectors, '--k', '7', '--min-size', '20', '--n-init', '1', '--seed-sample', '50', '--out', out, '--json']);
    const s1 = sampledRun();
    assert.equal(s1.status, 0, s1.stderr);
    const labels1 = Array.from(readNpy(JSON.parse(s1.stdout).perK[0].labelsFile).data);
    const labels2 = Array.from(readNpy(JSON.parse(sampledRun().stdout).perK[0].labelsFile).data);
    assert.deepEqual(labels1, labels2);
    assert.ok(JSON.parse(s1.stdout).perK[0].sizes.every((s: number) => s >= 20));
    for (const bad of ['0', 'some', '1.5']) {
      const r = simpact(['cluster', '--vectors', vectors, '--k', '2', '--seed-sample', bad, '--out', out]);
      assert.equal(r.status, 2, bad);
      assert.match(r.stderr, /--seed-sample: expected all, auto or a positive integer/);
    }
    const tooSmall = simpact(['cluster', '--vectors', vectors, '--k', '7', '--min-size', '20', '--seed-sample', '5', '--out', out]);
    assert.equal(tooSmall.status, 2);
    assert.match(tooSmall.stderr, /seedSample must be an integer >= k/);
    const infeasible = simpact(['cluster', '--vectors', vectors, '--k', '2,25', '--min-size', '10', '--out', out]);
    assert.equal(infeasible.status, 2);
    assert.match(infeasible.stderr, /infeasible: 200 points cannot fill 25 clusters of at least 10/);
    data[3 * d + 1] = NaN;
    writeNpy(vectors, data, [n, d]);
    const nan = simpact(['cluster', '--vectors', vectors, '--k', '2', '--out', out]);
    assert.equal(nan.status, 2);
    assert.match(nan.stderr, /row 3 \(0-based\), column 1 is NaN/);
    data[3 * d + 1] = 0;
    data.fill(0, 5 * d, 6 * d);
    writeNpy(vectors, data, [n, d]);
    const zero = simpact(['cluster', '--vectors', vectors, '--k', '2', '--out', out]);
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /1 all-zero vector\(s\), the first at row 5 .*keep them with --allow-zero-vectors/);
    const kept = simpact(['cluster', '--vectors', vectors, '--k', '2', '--n-init', '1', '--allow-zero-vectors', '--out', out]);
    assert.equal(kept.status, 0, kept.stderr);
    const missing = simpact(['cluster', '--vectors', join(dir, 'nope.npy'), '--k', '2']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface KReport { k: number; labelsFile: string; sizes: number[]; inertia: number; iterations: number; reused: boolean }

test('simpact cluster (store): the embedder and filters of `simpact embed` reuse its user vectors; labels files, iterations; infeasible K refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-cli-store-'));
  try {
    const db = join(dir, 's.duckdb');
    writeFileSync(join(dir, 'events.jsonl'), jetstreamLines());
    assert.equal(simpact(['--db', db, 'ingest', join(dir, 'events.jsonl')]).status, 0);
    const embedder = `transformers:${MODEL}`;
    const embedded = simpact(['--db', db, 'embed', '--embedder', embedder, '--json']);
    assert.equal(embedded.status, 0, embedded.stderr);
    const e = JSON.parse(embedded.stdout);
    assert.equal(e.embedder.dim, 32);

    const out = join(dir, 'out');
    const args = ['--db', db, 'cluster', '--embedder', embedder, '--k', '2,3', '--min-size', '3', '--n-init', '2', '--tol', '0', '--out', out, '--json'];
    const first = simpact(args);
    assert.equal(first.status, 0, first.stderr);
    const r = JSON.parse(first.stdout);
    assert.equal(r.input, 'store');
    assert.equal(r.embedder.id, 'transformers:tiny-random-bert');
    assert.equal(r.d, 32);
    assert.equal(r.embedKey, e.embedKey, 'the same user vectors');
    assert.deepEqual(r.embedding, { reusedUserVectors: true, embedded: 0, fromCache: e.stats.distinctTexts });
    // the labels files index the stored user vectors: the reported inertia is theirs
    const store = await Store.open(db);
    const stored = await getUserVectors(store, e.embedKey);
    store.close();
    assert.equal(stored.length, 12);
    for (const k of r.perK as KReport[]) {
      assert.ok(k.iterations >= 1, `K=${k.k} iterations ${k.iterations}`);
      assert.equal(k.labelsFile, join(out, `labels_k${k.k}.npy`));
      const labels = readNpy(k.labelsFile);
      assert.equal(labels.dtype, 'int32');
      assert.equal(labels.data.length, 12);
      const counts = new Array(k.k).fill(0);
      for (const l of labels.data) counts[l]++;
      assert.deepEqual(counts, k.sizes);
      assert.ok(k.sizes.every((x) => x >= 3));
      const means = Array.from({ length: k.k }, () => new Float64Array(32));
      stored.forEach((u, i) => u.vec.forEach((x, q) => (means[labels.data[i]][q] += x / counts[labels.data[i]])));
      let inertia = 0;
      stored.forEach((u, i) => u.vec.forEach((x, q) => (inertia += (x - means[labels.data[i]][q]) ** 2)));
      assert.ok(Math.abs(inertia - k.inertia) <= 1e-4 * inertia, `K=${k.k}: inertia of the stored vectors ${inertia} vs reported ${k.inertia}`);
    }
    assert.ok(existsSync(join(out, 'clustering.json')));
    const again = JSON.parse(simpact(args).stdout);
    assert.ok(again.perK.every((k: KReport) => k.reused && k.iterations >= 1 && existsSync(k.labelsFile)));
    assert.deepEqual(again.perK.map((k: KReport) => k.iterations), r.perK.map((k: KReport) => k.iterations));

    // an infeasible K is refused up front, naming it; nothing is printed on stdout
    const infeasible = simpact(['--db', db, 'cluster', '--embedder', embedder, '--k', '2,5,100000', '--min-size', '1', '--json']);
    assert.equal(infeasible.status, 2, infeasible.stderr);
    assert.match(infeasible.stderr, /infeasible K: K=100000: 12 users cannot form 100000 clusters \(12 kept users; lower --k or --min-size/);
    assert.equal(infeasible.stdout, '');
    const tooSmall = simpact(['--db', db, 'cluster', '--embedder', embedder, '--k', '2,5', '--min-size', '3']);
    assert.equal(tooSmall.status, 2);
    assert.match(tooSmall.stderr, /K=5: 12 users cannot fill 5 clusters of at least 3 \(needs 15\)/);

    // the filters reach the stage: a keyword filter and another embedder setting select the vectors `embed` stored
    writeFileSync(join(dir, 'kw.txt'), 'garden\n');
    const filterArgs = ['--embedder', 'lsa:dim=4', '--keywords', join(dir, 'kw.txt'), '--min-posts', '1'];
    const e2 = JSON.parse(simpact(['--db', db, 'embed', ...filterArgs, '--json']).stdout);
    assert.ok(e2.stats.users > 2 && e2.stats.users < 12, `${e2.stats.users} users`);
    const r2 = simpact(['--db', db, 'cluster', ...filterArgs, '--k', '2', '--min-size', '1', '--n-init', '1', '--json']);
    assert.equal(r2.status, 0, r2.stderr);
    const c2 = JSON.parse(r2.stdout);
    assert.equal(c2.embedKey, e2.embedKey);
    assert.equal(c2.embedding.reusedUserVectors, true);
    assert.equal(c2.n, e2.stats.users);
    assert.equal(c2.d, e2.embedder.dim);
    assert.equal(c2.embedder.settingsHash, e2.embedder.settingsHash);
    const badKw = simpact(['--db', db, 'cluster', '--keywords', join(dir, 'nope.txt'), '--k', '2']);
    assert.equal(badKw.status, 2);
    assert.match(badKw.stderr, /cannot read the keyword file/);
    // store-only options make no sense with --vectors
    const v = simpact(['cluster', '--vectors', join(dir, 'x.npy'), '--embedder', 'lsa', '--min-posts', '3']);
    assert.equal(v.status, 2);
    assert.match(v.stderr, /--embedder, --min-posts: only for store input, not with --vectors/);
    assert.doesNotMatch(first.stderr + infeasible.stderr + r2.stderr, /did:plc/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('embed, cluster and build share one definition of the embedder and filter options', async () => {
  const { Command } = await import('commander');
  const program = new Command();
  for (const name of ['build', 'cluster', 'embed']) (await import(`../../src/cli/commands/${name}.ts`)).default(program);
  const opt = (cmd: string, flag: string) => program.commands.find((c) => c.name() === cmd)!.options.find((o) => o.long === flag)!;
  const sample: Record<string, string> = { '--min-posts': '3', '--languages': 'en,de', '--keywords': 'k.txt', '--compat': 'blueprint' };
  for (const flag of Object.keys(sample)) {
    const [b, c, e] = ['build', 'cluster', 'embed'].map((cmd) => opt(cmd, flag));
    const parse = (o: typeof b) => (o.parseArg ? o.parseArg(sample[flag], undefined) : sample[flag]);
    for (const o of [c, e]) {
      assert.ok(o, `${flag} missing`);
      assert.deepEqual([o.defaultValue, o.argChoices, parse(o)], [b.defaultValue, b.argChoices, parse(b)], flag);
    }
    assert.equal(e.description, b.description, flag);
  }
  for (const cmd of ['build', 'cluster', 'embed']) assert.ok(opt(cmd, '--embedder'), cmd);
});
