import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDiagnostics, topTermsPerCluster } from '../../src/cluster/diagnostics.ts';
import { cosineMedoids, pca2, sampledSilhouette } from '../../src/cluster/diagnostics-math.ts';
import { textHash } from '../../src/embed/cache.ts';
import { Rng } from '../../src/util/rng.ts';
import { post } from '../embed/helpers.ts';

/** Brute-force silhouette (sklearn's definition) for checking. */
function silhouette(points: number[][], labels: number[]): number {
  const dist = (a: number[], b: number[]) => Math.hypot(...a.map((x, i) => x - b[i]));
  const ks = [...new Set(labels)];
  let total = 0;
  points.forEach((p, i) => {
    const mean = (k: number) => {
      const others = points.filter((_, j) => labels[j] === k && j !== i);
      return others.reduce((s, q) => s + dist(p, q), 0) / others.length;
    };
    if (labels.filter((l) => l === labels[i]).length === 1) return;
    const a = mean(labels[i]);
    const b = Math.min(...ks.filter((k) => k !== labels[i]).map(mean));
    total += (b - a) / Math.max(a, b);
  });
  return total / points.length;
}

test('sampled silhouette equals the exact value when the sample covers all points; seeded otherwise', () => {
  const rng = new Rng(1);
  const pts = Array.from({ length: 60 }, (_, i) => [rng.normal() + (i % 3) * 5, rng.normal(), rng.normal()]);
  const labels = pts.map((_, i) => i % 3);
  const data = Float32Array.from(pts.flat());
  const exact = silhouette(pts.map((p) => p.map((x) => Math.fround(x))), labels);
  const s = sampledSilhouette(data, 60, 3, labels, { seed: 1 });
  assert.ok(Math.abs(s.value! - exact) < 1e-5, `${s.value} vs ${exact}`);
  assert.ok(exact > 0.3);
  const a = sampledSilhouette(data, 60, 3, labels, { seed: 5, sampleSize: 30 });
  assert.equal(a.sampled, 30);
  assert.equal(a.value, sampledSilhouette(data, 60, 3, labels, { seed: 5, sampleSize: 30 }).value);
  assert.equal(sampledSilhouette(data, 60, 3, new Array(60).fill(0), { seed: 1 }).value, undefined);
});

test('pca2 finds the directions of largest variance', () => {
  const rng = new Rng(2);
  // variance 9 along (1,1,0)/√2, variance 1 along z, 0.01 along (1,-1,0)/√2
  const rows = Array.from({ length: 500 }, () => {
    const a = 3 * rng.normal(), b = 0.1 * rng.normal(), c = rng.normal();
    return [(a + b) / Math.SQRT2 + 5, (a - b) / Math.SQRT2, c];
  });
  const { coords, explained } = pca2(Float32Array.from(rows.flat()), 500, 3, 1);
  assert.ok(explained[0] > 0.85 && explained[0] < 0.95, `${explained[0]}`);
  assert.ok(explained[1] > 0.06 && explained[1] < 0.14, `${explained[1]}`);
  let mean0 = 0;
  for (let i = 0; i < 500; i++) mean0 += coords[i * 2];
  assert.ok(Math.abs(mean0 / 500) < 1e-6, 'centred');
  const corr = rows.reduce((s, r, i) => s + ((r[0] - 5 + r[1]) / Math.SQRT2) * coords[i * 2], 0);
  assert.ok(corr > 0, 'PC1 follows (1,1,0)');
});

test('cosine medoids are the most central vectors; zero vectors never picked', () => {
  const v = [[1, 0], [0.9, 0.1], [0.95, 0.05], [0, 1], [0, 0]].map((x) => Float32Array.from(x));
  assert.deepEqual(cosineMedoids(v, 2), [1, 2], 'the [0,1] outlier pulls the centre towards y');
  assert.ok(!cosineMedoids(v, 5).includes(4));
});

test('top terms: sklearn TF-IDF over per-cluster documents; K=2 falls back to min_df=1', () => {
  const three = topTermsPerCluster([['apple banana apple', 'cherry'], ['banana cherry cherry', 'date'], ['apple date date date', 'egg']], 2);
  assert.deepEqual(three.terms[0][0], 'apple');
  assert.deepEqual(three.terms[2][0], 'date');
  assert.ok(!three.terms.flat().includes('egg'), 'min_df=2 drops a term of one cluster');
  assert.equal(three.minDf, 2);
  const named = topTermsPerCluster([['hi @alice.bsky.social see nyti.ms/4x and https://a.b/c'], ['hi bob.example.com']], 5);
  assert.deepEqual(named.terms, [['and', 'see', 'hi'], ['hi']], 'no handle, domain or URL part becomes a term');
  const two = topTermsPerCluster([['cats purr'], ['dogs bark']], 1);
  assert.equal(two.minDf, 1);
  assert.match(two.note!, /min_df=1/);
  assert.deepEqual(two.terms, [['cats'], ['bark']], 'ties: alphabetical');
});

test('computeDiagnostics: sizes, action mix, medoids, PCA points carry no DIDs', () => {
  const dids = ['did:plc:a', 'did:plc:b', 'did:plc:c', 'did:plc:d'];
  const posts = [post(dids[0], 'red apple', 1), post(dids[1], 'red cherry', 2, 'reply'), post(dids[2], 'blue sky', 3), post(dids[3], 'blue sea', 4)];
  const textVectors = new Map(posts.map((p, i) => [textHash(p.text), Float32Array.from(i < 2 ? [1, i * 0.1] : [i * 0.1, 1])]));
  const d = computeDiagnostics({
    k: 2,
    dids,
    data: Float32Array.from([1, 0, 1, 0.1, 0, 1, 0.1, 1]),
    dim: 2,
    labels: [0, 0, 1, 1],
    inertia: 0.5,
    activity: { posts, actions: [{ key: 'like', did: dids[0], rkey: 'l1', timeUs: 5, seq: 5, subjectUri: 'at://x' }] },
    textVectors,
    seed: 42,
  });
  assert.deepEqual(d.sizes, [2, 2]);
  assert.deepEqual(d.clusters[0].actionMix, { like: 1, post: 1, reply: 1 });
  assert.deepEqual(d.clusters[1].actionMix, { post: 2 });
  assert.equal(d.clusters[0].medoidPosts.length, 2);
  assert.ok(d.silhouette.value! > 0.8);
  assert.equal(d.pca.points.length, 4);
  assert.doesNotMatch(JSON.stringify(d), /did:plc/);
});
