import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fitLsa, LsaEmbedder, transformLsa } from '../../src/embed/lsa.ts';
import { symmetricEigen } from '../../src/embed/eigen.ts';
import { gram, jacobiEigen, orthonormalize } from '../../src/embed/linalg.ts';
import { randomizedSvd } from '../../src/embed/svd.ts';
import { fitTfidf, transformTfidf } from '../../src/embed/tfidf.ts';
import { sklearnTokens, wordTokens } from '../../src/embed/tokenize.ts';
import type { Csr } from '../../src/embed/sparse.ts';
import { Rng } from '../../src/util/rng.ts';

const posts = readFileSync(new URL('../../fixtures/nyt-posts-labelled/posts.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { text: string; label?: string });
const texts = posts.map((p) => p.text);

function cos(a: Float32Array, b: Float32Array): number {
  let s = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return s / Math.sqrt(na * nb);
}

test('word tokens: lowercase, punctuation and emoji dropped, CJK words kept', () => {
  assert.deepEqual(wordTokens('Hello, WORLD!! 🎉 a x-ray'), ['hello', 'world', 'x', 'ray'].filter((w) => w.length > 1));
  const ja = wordTokens('今日はとても良い天気です');
  assert.ok(ja.includes('今日'), ja.join('/'));
  assert.ok(ja.length >= 4);
  assert.deepEqual(wordTokens('Grüße aus Köln'), ['grüße', 'aus', 'köln']);
  assert.deepEqual(sklearnTokens('The cat, a CAT_x; é'), ['the', 'cat', 'cat_x']);
});

test('tf-idf matches the sklearn formulas (smooth idf, sublinear tf, l2)', () => {
  const docs = [['a', 'a', 'b'], ['b', 'c'], ['c', 'd']];
  const m = fitTfidf(docs, { sublinearTf: true });
  assert.deepEqual(m.terms, ['a', 'b', 'c', 'd']);
  const idf = (df: number) => Math.log(4 / (1 + df)) + 1;
  assert.ok(Math.abs(m.idf[0] - idf(1)) < 1e-12 && Math.abs(m.idf[1] - idf(2)) < 1e-12);
  const x = transformTfidf(m, docs);
  const wa = (1 + Math.log(2)) * idf(1);
  const wb = idf(2);
  const norm = Math.hypot(wa, wb);
  assert.deepEqual(Array.from(x.indices.slice(0, 2)), [0, 1]);
  assert.ok(Math.abs(x.data[0] - wa / norm) < 1e-12 && Math.abs(x.data[1] - wb / norm) < 1e-12);
  const pruned = fitTfidf(docs, { minDf: 2 });
  assert.deepEqual(pruned.terms, ['b', 'c']);
  assert.deepEqual(fitTfidf(docs, { maxDf: 0.5 }).terms, ['a', 'd']);
  assert.deepEqual(fitTfidf(docs, { maxFeatures: 1 }).terms, ['a'], 'most frequent term wins, ties alphabetical');
});

test('jacobi eigen and orthonormalisation are exact on small matrices', () => {
  const a = Float64Array.from([4, 1, 2, 1, 3, 0, 2, 0, 1]);
  const { values, vectors } = jacobiEigen(a, 3);
  assert.ok(values[0] >= values[1] && values[1] >= values[2]);
  for (let t = 0; t < 3; t++) {
    for (let i = 0; i < 3; i++) {
      let av = 0;
      for (let j = 0; j < 3; j++) av += a[i * 3 + j] * vectors[j * 3 + t];
      assert.ok(Math.abs(av - values[t] * vectors[i * 3 + t]) < 1e-10);
    }
  }
  const rng = new Rng(1);
  const rows = 6, l = 4;
  const m = Float64Array.from({ length: rows * l }, () => rng.normal());
  for (let r = 0; r < rows; r++) m[r * l + 3] = m[r * l] * 2; // rank deficient: Cholesky fails, Gram–Schmidt takes over
  orthonormalize(m, rows, l, rng);
  const g = gram(m, rows, l);
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) assert.ok(Math.abs(g[i * l + j] - (i === j ? 1 : 0)) < 1e-10, `${i},${j}`);
  const full = Float64Array.from({ length: 50 * 5 }, () => rng.normal());
  orthonormalize(full, 50, 5, rng); // the Cholesky QR path
  const g2 = gram(full, 50, 5);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) assert.ok(Math.abs(g2[i * 5 + j] - (i === j ? 1 : 0)) < 1e-12);
});

test('Householder + QL eigen solver agrees with Jacobi; eigenvectors orthonormal', () => {
  for (const n of [1, 2, 5, 40]) {
    const rng = new Rng(n);
    const a = Float64Array.from({ length: 60 * n }, () => rng.normal());
    const g = gram(a, 60, n);
    const ql = symmetricEigen(g, n);
    const jac = jacobiEigen(g, n);
    for (let t = 0; t < n; t++) assert.ok(Math.abs(ql.values[t] - jac.values[t]) < 1e-9 * ql.values[0], `n=${n} λ${t}`);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += ql.vectors[k * n + i] * ql.vectors[k * n + j];
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-10);
    }
  }
});

test('randomized SVD recovers the exact singular values of a small sparse matrix', () => {
  const rng = new Rng(7);
  const nRows = 40, nCols = 25;
  const dense = Array.from({ length: nRows }, () => Array.from({ length: nCols }, () => (rng.next() < 0.3 ? rng.normal() : 0)));
  const indptr = [0], indices: number[] = [], data: number[] = [];
  for (const row of dense) {
    row.forEach((v, j) => { if (v !== 0) { indices.push(j); data.push(v); } });
    indptr.push(indices.length);
  }
  const x: Csr = { nRows, nCols, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), data: Float64Array.from(data) };
  // exact: eigenvalues of XᵀX
  const g = new Float64Array(nCols * nCols);
  for (const row of dense) for (let i = 0; i < nCols; i++) for (let j = 0; j < nCols; j++) g[i * nCols + j] += row[i] * row[j];
  const exact = jacobiEigen(g, nCols).values;
  const svd = randomizedSvd(x, 5, { seed: 3, oversampling: 20 }); // sketch spans all columns: exact up to rounding
  assert.equal(svd.k, 5);
  for (let t = 0; t < 5; t++) assert.ok(Math.abs(svd.singularValues[t] - Math.sqrt(exact[t])) < 1e-6, `σ${t}`);
  const normalised = randomizedSvd(x, 5, { seed: 3, oversampling: 20, powerIterations: 4 }); // re-orthonormalising path
  for (let t = 0; t < 5; t++) assert.ok(Math.abs(normalised.singularValues[t] - Math.sqrt(exact[t])) < 1e-6, `σ${t} (q=4)`);
  const rough = randomizedSvd(x, 5, { seed: 3 }); // default sketch (l = 15 of 25): leading values close, not exact
  assert.ok(Math.abs(rough.singularValues[0] / Math.sqrt(exact[0]) - 1) < 0.02);
  for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) {
    let s = 0;
    for (let c = 0; c < nCols; c++) s += svd.components[c * 5 + a] * svd.components[c * 5 + b];
    assert.ok(Math.abs(s - (a === b ? 1 : 0)) < 1e-8, 'components are orthonormal');
  }
});

test('lsa on real posts: seeded, unit vectors, near-duplicate posts are nearest neighbours', () => {
  const fit = fitLsa(texts, { kind: 'lsa', dim: 32 });
  assert.equal(fit.svd.k, 32);
  const v = transformLsa(fit, texts, true);
  const again = transformLsa(fitLsa(texts, { kind: 'lsa', dim: 32 }), texts, true);
  assert.deepEqual(v[5], again[5], 'same seed, same vectors');
  for (const x of v.slice(0, 20)) {
    const n = Math.hypot(...x);
    assert.ok(n === 0 || Math.abs(n - 1) < 1e-5);
  }
  const games = texts.map((t, i) => (/^(Strands is a word search|How did you do in Connections)/.test(t) ? i : -1)).filter((i) => i >= 0);
  assert.equal(games.length, 5);
  for (const i of games) {
    let best = -2, bj = -1;
    v.forEach((u, j) => {
      if (j === i) return;
      const c = cos(v[i], u);
      if (c > best) { best = c; bj = j; }
    });
    assert.equal(texts[bj].slice(0, 12), texts[i].slice(0, 12), `nearest neighbour of a game post is the same game (${best.toFixed(3)})`);
  }
  // Another seed finds the same leading singular values (the tail of this flat spectrum is seed-dependent).
  const other = fitLsa(texts, { kind: 'lsa', dim: 32, seed: 9 });
  for (let t = 0; t < 3; t++) assert.ok(Math.abs(other.svd.singularValues[t] / fit.svd.singularValues[t] - 1) < 0.02, `σ${t}`);
});

test('lsa embedder: empty and out-of-vocabulary texts give zero vectors; corpus hash in settings', async () => {
  const e = new LsaEmbedder({ dim: 16 });
  await e.prepare(texts);
  const settings = e.settings;
  assert.match(String(settings.corpus), /^[0-9a-f]{16}$/);
  const [empty, oov, real] = await e.embed(['', 'zzqx wvvk', texts[0]]);
  assert.equal(e.dim, 16);
  assert.ok(empty.every((x) => x === 0) && oov.every((x) => x === 0));
  assert.ok(real.some((x) => x !== 0));
  const e2 = new LsaEmbedder({ dim: 16 });
  await e2.prepare([...texts].reverse());
  assert.equal(e2.settings.corpus, settings.corpus, 'corpus order does not matter');
  await e2.prepare([...texts, 'one more post']);
  assert.notEqual(e2.settings.corpus, settings.corpus);
  assert.throws(() => fitLsa(['ab cd', 'ef gh'], { kind: 'lsa' }), /too small/);
  const tiny = new LsaEmbedder();
  await tiny.prepare(['ab cd', 'ef gh']);
  assert.equal(tiny.settings.minDf, 1, 'a tiny corpus with no shared term keeps every term');
  const [ab] = await tiny.embed(['ab cd']);
  assert.equal(tiny.dim, 2);
  assert.ok(ab.some((x) => x !== 0));
});
