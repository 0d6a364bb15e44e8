import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfeasibleKError, infeasibility, runClustering } from '../../src/cluster/stage.ts';
import { writeClusterDiagnostics } from '../../src/cluster/diagnostics-write.ts';
import { Store } from '../../src/store/store.ts';
import { CountingEmbedder, topicActivity } from '../embed/helpers.ts';

const TOPICS = [
  ['football', 'goal', 'match', 'striker', 'league', 'coach', 'referee', 'stadium'],
  ['recipe', 'butter', 'oven', 'flour', 'garlic', 'bake', 'dinner', 'sauce'],
  ['senate', 'vote', 'election', 'bill', 'governor', 'campaign', 'policy', 'ballot'],
];

test('infeasible K values are named, not thrown', () => {
  assert.equal(infeasibility(3, 36, { minSize: 10, maxSize: null }), undefined);
  assert.match(infeasibility(4, 36, { minSize: 10, maxSize: null })!, /36 users cannot fill 4 clusters of at least 10 \(needs 40\)/);
  assert.match(infeasibility(50, 36, { minSize: 0, maxSize: null })!, /cannot form 50 clusters/);
  assert.match(infeasibility(2, 36, { minSize: 1, maxSize: 10 })!, /at most 10 cannot hold 36/);
});

test('runClustering: real clusters per K, skipped infeasible K, stored and reused; diagnostics written without DIDs', async () => {
  const { activity, topicOf } = topicActivity(TOPICS, 12, 4);
  const store = await Store.open(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'simpact-clusters-'));
  try {
    const opts = { ks: [3, 2, 4], embedder: 'lsa:dim=8', activity, nInit: 2, maxIter: 50 };
    const res = await runClustering(store, opts);
    assert.equal(res.nUsers, 36);
    assert.equal(res.embedder.id, 'lsa');
    assert.equal(res.embedder.dim, 8);
    assert.equal(res.seeds.kmeans, 42);
    assert.equal(res.seeds.embedder, 42);
    assert.ok(res.deviations.some((d) => /instead of intfloat\/multilingual-e5-large/.test(d)));
    assert.equal(res.settings.seedSample, 'auto');
    assert.ok(!res.deviations.some((d) => /seeded from a sample/.test(d)), 'auto does not sample 36 users');
    const sampled = await runClustering(store, { ...opts, ks: [3], seedSample: 12 });
    assert.match(sampled.deviations.join('\n'), /k-means\+\+ seeded from a sample of the 36 users \(K=3: 12;/);
    assert.equal(sampled.perK[0].reused, false, 'another seeding sample is another run');
    const [k3, k2, k4] = res.perK;
    assert.equal(k3.status, 'ok');
    assert.equal(k3.assignments.size, 36);
    // every topic lands in exactly one cluster
    const clusterOfTopic = new Map<number, Set<number>>();
    for (const [did, c] of k3.assignments) {
      const t = topicOf.get(did)!;
      if (!clusterOfTopic.has(t)) clusterOfTopic.set(t, new Set());
      clusterOfTopic.get(t)!.add(c);
    }
    assert.deepEqual([...clusterOfTopic.values()].map((s) => s.size), [1, 1, 1]);
    assert.deepEqual(k3.diagnostics!.sizes, [12, 12, 12]);
    assert.ok(k3.diagnostics!.silhouette.value! > 0.3, `silhouette ${k3.diagnostics!.silhouette.value}`);
    for (const c of k3.diagnostics!.clusters) {
      const topic = TOPICS.findIndex((words) => words.includes(c.topTerms[0]));
      assert.ok(topic >= 0, `top term ${c.topTerms[0]}`);
      assert.ok(c.topTerms.every((t) => TOPICS[topic].includes(t)), c.topTerms.join(','));
      assert.equal(c.medoidPosts.length, 3);
      assert.deepEqual(c.actionMix, { post: 24, reply: 24 });
    }
    assert.equal(k2.status, 'ok');
    assert.ok(Math.min(...k2.diagnostics!.sizes) >= 10);
    assert.equal(k4.status, 'skipped');
    assert.match(k4.reason!, /cannot fill 4 clusters/);
    assert.equal(k4.assignments.size, 0);

    const again = await runClustering(store, opts);
    assert.ok(again.perK.every((k) => k.reused));
    assert.deepEqual([...again.perK[0].assignments].sort(), [...k3.assignments].sort());
    assert.equal(again.embedStats.reusedUserVectors, true);
    const other = await runClustering(store, { ...opts, ks: [3], minSize: 5 });
    assert.equal(other.perK[0].reused, false, 'another setting → another run');

    const written = await writeClusterDiagnostics(again, dir);
    assert.deepEqual(readdirSync(dir).sort(), [
      'clustering.json', 'clusters-k2-pca.png', 'clusters-k2-pca.svg', 'clusters-k2.json', 'clusters-k3-pca.png', 'clusters-k3-pca.svg', 'clusters-k3.json',
    ]);
    assert.equal(written.files.length, 7);
    for (const f of readdirSync(dir)) assert.doesNotMatch(readFileSync(join(dir, f), 'latin1'), /did:plc|g\du\d{3}/, f);
    const summary = JSON.parse(readFileSync(join(dir, 'clustering.json'), 'utf8'));
    assert.deepEqual(summary.ks.map((k: { k: number; status: string }) => [k.k, k.status]), [[3, 'ok'], [2, 'ok'], [4, 'skipped']]);
    const k3json = JSON.parse(readFileSync(join(dir, 'clusters-k3.json'), 'utf8'));
    assert.equal(k3json.pca.points.length, 36);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runClustering keeps the iteration count (also when reused); refuseInfeasible throws before anything is embedded', async () => {
  const { activity } = topicActivity(TOPICS, 12, 4);
  const store = await Store.open(':memory:');
  try {
    const embedder = new CountingEmbedder(6);
    await assert.rejects(runClustering(store, { ks: [2, 4, 50], embedder, activity, refuseInfeasible: true }), (err: Error) => {
      assert.ok(err instanceof InfeasibleKError);
      assert.deepEqual(err.problems.map((p) => p.k), [4, 50]);
      assert.match(err.message, /K=4: 36 users cannot fill 4 clusters of at least 10 \(needs 40\); K=50: 36 users cannot form 50 clusters/);
      return true;
    });
    assert.equal(embedder.calls.length, 0, 'refused before embedding');
    const opts = { ks: [3], embedder, activity, nInit: 1, maxIter: 40 };
    const res = await runClustering(store, opts);
    const it = res.perK[0].iterations!;
    assert.ok(it >= 1 && it <= 40, `iterations ${it}`);
    assert.equal(res.perK[0].diagnostics!.iterations, it);
    assert.deepEqual(res.dids, [...res.dids].sort());
    assert.equal(res.dids.length, 36);
    const again = await runClustering(store, opts);
    assert.equal(again.perK[0].reused, true);
    assert.equal(again.perK[0].iterations, it);
    // without refuseInfeasible (the build), an infeasible K is skipped and recorded
    const build = await runClustering(store, { ...opts, ks: [3, 4] });
    assert.deepEqual(build.perK.map((k) => k.status), ['ok', 'skipped']);
  } finally {
    store.close();
  }
});
