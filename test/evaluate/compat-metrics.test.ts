// Expected values computed once with Debian's python3-sklearn 1.2.1 / numpy 1.24.2 running the reference functions
// (filter_text, TfidfVectorizer(min_df=2, max_df=0.95), cosine_similarity, np.histogram, js_divergence) on these
// inputs; only the numbers are kept here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterText } from '../../src/evaluate/filter-text.ts';
import { codePoints } from '../../src/evaluate/python-text.ts';
import { SklearnTfidf, topK, sklearnTokenize } from '../../src/evaluate/sklearn-tfidf.ts';
import { numpyArgsort } from '../../src/evaluate/numpy-argsort.ts';
import { tfidfJaccard } from '../../src/evaluate/text-metrics.ts';
import { Rng } from '../../src/util/rng.ts';
import { centroidCosine, embeddingJsDivergence, histogramCounts, linspace, maxCosine, normalizeRows } from '../../src/evaluate/vectors.ts';
import { compatLabel } from '../../src/evaluate/labels.ts';
import { compatF1, classificationReport } from '../../src/evaluate/classification.ts';
import { diagonality, modelCluster } from '../../src/evaluate/diagonality.ts';

const FILTER: [string, number[]][] = [["{\"text\": \"  hello world  \"}", [104, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100]], ["{\"text\": \"caf\\u00e9 time\"}", [99, 97, 102, 195, 169, 32, 116, 105, 109, 101]], ["{\"text\": \"say \\\"hi\\\" now\"}", [115, 97, 121, 32]], ["{\"text\": \"a\\\\nb\"}", [97, 10, 98]], ["{\"text\": \"line1\\nline2\"}", [108, 105, 110, 101, 49, 10, 108, 105, 110, 101, 50]], ["{\"text\": \"x\"}", []], ["{\"text\": null, \"actions\": null}", []], ["not json at all  ", [110, 111, 116, 32, 106, 115, 111, 110, 32, 97, 116, 32, 97, 108, 108]], ["{\"text\": \"bad \\\\x4\"}", [98, 97, 100, 32]], ["{\"text\": \"tab\\\\tand \\\\u00e9 and \\\\101\"}", [116, 97, 98, 9, 97, 110, 100, 32, 233, 32, 97, 110, 100, 32, 65]], ["{\"text\": \"emoji \\ud83d\\ude00 ok\"}", [101, 109, 111, 106, 105, 32, 240, 159, 152, 128, 32, 111, 107]], ["{\"text\": \"\\u00a0 nbsp-trim \\u2003\"}", [194, 160, 32, 110, 98, 115, 112, 45, 116, 114, 105, 109, 32, 226, 128, 131]], ["{\"text\": \"unknown \\\\q escape\"}", [117, 110, 107, 110, 111, 119, 110, 32]]];

test('filter_text matches the reference on escapes, quotes, backslashes, 1-char texts and non-JSON', () => {
  for (const [input, expected] of FILTER) {
    const got = filterText(input).text;
    // compare as code points; the reference keeps lone surrogates, which we write as U+FFFD
    assert.deepEqual(codePoints(got), expected.map((c) => (c >= 0xd800 && c <= 0xdfff ? 0xfffd : c)), input);
  }
  assert.equal(filterText('not json').json, false);
  assert.deepEqual(filterText('{"actions": "{\\"like\\": true}", "text": null}').actions, '{"like": true}');
});

const DOCS = ["the cat sat on the mat with another cat", "the dog sat on the log", "cats and dogs are pets; the cat is here", "\u00dcber stra\u00dfe caf\u00e9 na\u00efve \u6771\u4eac \u6771\u4eac x_y__z 12 3", "dog dog dog log mat", "\u00dcber caf\u00e9 \u6771\u4eac pets are here mat"];
const VOCAB = ["are", "caf\u00e9", "cat", "dog", "here", "log", "mat", "on", "pets", "sat", "the", "\u00fcber", "\u6771\u4eac"];
const IDF = [1.8472978603872037, 1.8472978603872037, 1.8472978603872037, 1.8472978603872037, 1.8472978603872037, 1.8472978603872037, 1.5596157879354227, 1.8472978603872037, 1.8472978603872037, 1.8472978603872037, 1.5596157879354227, 1.8472978603872037, 1.8472978603872037];
const ROWS: number[][] = [[0.0, 0.0, 0.6467126942068844, 0.0, 0.0, 0.0, 0.2729996471527058, 0.3233563471034422, 0.0, 0.3233563471034422, 0.5459992943054116, 0.0, 0.0], [0.0, 0.0, 0.0, 0.3820480505928305, 0.0, 0.3820480505928305, 0.0, 0.3820480505928305, 0.0, 0.3820480505928305, 0.6451024322949592, 0.0, 0.0], [0.4606392829988547, 0.0, 0.4606392829988547, 0.0, 0.4606392829988547, 0.0, 0.0, 0.0, 0.4606392829988547, 0.0, 0.3889033348188267, 0.0, 0.0], [0.0, 0.40824829046386296, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.40824829046386296, 0.8164965809277259], [0.0, 0.0, 0.0, 0.9165791329703363, 0.0, 0.30552637765677876, 0.2579463617872403, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.38596549463396296, 0.38596549463396296, 0.0, 0.0, 0.38596549463396296, 0.0, 0.3258585915880721, 0.0, 0.38596549463396296, 0.0, 0.0, 0.38596549463396296, 0.38596549463396296]];
const TOP3 = [[2, 10, 9], [10, 9, 7], [8, 4, 2], [12, 11, 1], [3, 5, 6], [12, 11, 8]]; // np.argsort(row)[-3:][::-1]

test('TF-IDF mirrors sklearn: vocabulary, idf, l2 rows, min_df count / max_df proportion, top-k order', () => {
  const v = new SklearnTfidf({ minDf: 2, maxDf: 0.95 }).fit(DOCS);
  assert.deepEqual(v.vocabulary, VOCAB);
  IDF.forEach((x: number, i: number) => assert.ok(Math.abs(v.idf[i] - x) < 1e-12));
  DOCS.forEach((doc: string, r: number) => {
    const row = v.transform(doc);
    ROWS[r].forEach((x, i) => assert.ok(Math.abs(row[i] - x) < 1e-12, `row ${r} col ${i}`));
    assert.deepEqual(topK(row, 3), TOP3[r]);
  });
  assert.deepEqual(sklearnTokenize('A_b c dé-jà 42x ü'), ['a_b', 'dé', 'jà', '42x']);
  assert.throws(() => new SklearnTfidf().fit(['a b', 'c d']), /no terms remain|max_df corresponds/);
});

const R: number[][] = [[0.1257302210933933, -0.1321048632913019, 0.6404226504432821, 0.10490011715303971, -0.535669373161111], [0.36159505490948474, 1.3040000451301372, 0.9470809631292422, -0.7037352358069926, -1.2654214710460525], [-0.6232744625373522, 0.0413259793472436, -2.3250307746388343, -0.21879166393254573, -1.2459109472530652], [-0.7322673547034516, -0.5442589828573099, -0.31630015636915454, 0.4116305363741328, 1.0425133694426776], [-0.12853466294403426, 1.3664634705496859, -0.6651946734866135, 0.3515100700930197, 0.9034701816518086], [0.09401229776087457, -0.7434992493538084, -0.9217253762584194, -0.45772582566733916, 0.2201951234700494], [-1.009618183538736, -0.20917557487171307, -0.15922500991447772, 0.5408455846858077, 0.2146591225063409]];
const G: number[][] = [[-1.8698233876120565, 0.1239779380417308, -6.975092323916503, -0.6563749917976371, -3.7377328417591955], [-1.2590655321041202, 1.5139237747390626, 1.3458754237823045, 0.7813114007004275, 0.2644556303293035], [-0.3139228145364278, 1.4580206835369587, 1.9602583164499647, 1.801634869866125, 1.31510376473437], [0.357380410658956, -1.2083186322821715, -0.004454133120083229, 0.6564749350763358, -1.2883614637495544], [0.39512206018200824, 0.42986369482223, 0.6960427239628685, -1.184117966757189, -0.6617025720390349]];

test('centroid cosine, max cosine and histogram JS divergence match the reference', () => {
  assert.ok(Math.abs(centroidCosine(R, G) - 0.8162906012568153) < 1e-12);
  assert.ok(Math.abs(maxCosine(normalizeRows(R), normalizeRows(G)) - 1.0) < 1e-12);
  assert.ok(Math.abs(embeddingJsDivergence(normalizeRows(R), normalizeRows(G)) - 0.4975782770612933) < 1e-9); // reference with exact-zero self-distances (see withinDistances)
  const counts = histogramCounts([0, 2 / 49, 0.5, 1.9999, 2, 2.0000001, -1e-17, 4 / 49 - 1e-17], linspace(0, 2, 50));
  assert.deepEqual(Array.from(counts), [1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
});

test('label rule, accuracy-F1, diagonality', () => {
  assert.equal(compatLabel({}), 'post');
  assert.equal(compatLabel('{"like": false, "repost": true, "follow": true, "ignore": false}'), 'repost');
  assert.equal(compatLabel({ like: false, follow: false, repost: false, ignore: false, unfollow: true }), 'post');
  assert.equal(compatLabel({ ignore: true }), 'ignore');
  assert.equal(compatF1(['post', 'like', 'follow', 'post'], ['post', 'like', 'post', 'like']), 0.5);
  assert.ok(Number.isNaN(compatF1(['like'], ['post'])));
  const rep = classificationReport(['a', 'a', 'b', 'c'], ['a', 'b', 'b', 'b'], ['a', 'b', 'c', 'd']);
  // sklearn: f1 a = 2/3, b = 2/3·... (p=1/3, r=1) = 0.5, c = 0; macro over {a,b,c} = (2/3+0.5+0)/3
  assert.ok(Math.abs(rep.macroF1 - (2 / 3 + 0.5) / 3) < 1e-12);
  assert.ok(Math.abs(rep.weightedF1 - (2 * (2 / 3) + 0.5) / 4) < 1e-12);
  assert.equal(rep.accuracy, 0.5);
  assert.deepEqual(rep.averagedLabels, ['a', 'b', 'c']);
  assert.equal(modelCluster('model_3'), 3);
  assert.equal(modelCluster('gpt4.1mini'), undefined);
  const m = new Map([[0, new Map([['model_0', 0.8], ['model_1', 0.2], ['gpt', 5]])], [1, new Map([['model_0', 0.1], ['model_1', 0.9]])]]);
  assert.ok(Math.abs(diagonality(m) - 1.7 / 2.0) < 1e-12);
});

// np.argsort(v) (default kind) on tie-heavy arrays v = k / 7, from numpy 1.24.2 (generic introsort, no AVX-512).
const ARGSORT: { k: number[]; idx: number[] }[] = [{"k": [21, 44, 43, 15, 31, 4, 40, 13, 17, 48, 27, 43, 9, 37, 49, 3, 12, 7, 12, 15, 3, 44, 12, 46, 38, 8, 34, 38, 6, 6, 18, 3, 21, 23, 33, 28, 22, 11, 29, 22], "idx": [15, 31, 20, 5, 29, 28, 17, 25, 12, 37, 16, 22, 18, 7, 3, 19, 8, 30, 32, 0, 39, 36, 33, 10, 35, 38, 4, 34, 26, 13, 24, 27, 6, 11, 2, 21, 1, 23, 9, 14]}, {"k": [1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1], "idx": [31, 47, 88, 25, 56, 70, 62, 72, 81, 90, 50, 78, 38, 39, 40, 74, 42, 43, 44, 35, 21, 89, 10, 66, 60, 95, 4, 5, 6, 94, 8, 9, 57, 75, 12, 13, 14, 15, 16, 59, 18, 11, 73, 71, 69, 68, 67, 0, 77, 79, 80, 82, 83, 84, 85, 86, 87, 91, 92, 93, 96, 97, 76, 65, 49, 63, 29, 28, 27, 26, 24, 23, 30, 22, 19, 17, 7, 3, 2, 1, 20, 64, 32, 34, 61, 58, 55, 54, 53, 52, 33, 51, 48, 46, 45, 41, 37, 36, 98, 99]}, {"k": [0, 4, 3, 4, 4, 3, 4, 1, 0, 3, 3, 1, 4, 1, 4, 2, 0, 2, 0, 1, 2, 4, 4, 0, 3, 3, 1, 0, 2, 0, 4, 1, 3, 4, 2, 3, 2, 4, 3, 0, 1, 3, 2, 2, 2, 2, 2, 3, 1, 1, 2, 2, 2, 1, 3, 1, 3, 2, 3, 0, 0, 1, 4, 2, 0, 2, 1, 4, 0, 3, 0, 2, 3, 4, 0, 0, 0, 0, 0, 1, 2, 0, 4, 2, 3, 2, 2, 0, 1, 3, 1, 2, 3, 2, 4, 4, 3, 4, 3, 1, 1, 0, 0, 4, 2, 0, 1, 3, 1, 1, 2, 1, 2, 2, 1, 4, 3, 0, 4, 0, 2, 3, 1, 1, 4, 1, 0, 4, 1, 1, 4, 3, 3, 4, 0, 3, 3, 3, 2, 3, 3, 4, 1, 1, 2, 3, 1, 4, 3, 4, 3, 4, 2, 4, 3, 0, 1, 1, 3, 2, 1, 4, 4, 2, 1, 1, 1, 0, 2, 1, 3, 3, 1, 0, 2, 0, 3, 1, 4, 2, 3, 1, 2, 4, 2, 1, 0, 2, 4, 3, 0, 4, 3, 4, 4, 0, 0, 3, 4, 3, 4, 2, 4, 0, 0, 0, 1, 3, 1, 0, 4, 1, 4, 1, 3, 3, 3, 1, 3, 0, 1, 1, 4, 1, 0, 3, 2, 1, 4, 3, 1, 2, 4, 4, 4, 3, 3, 2, 0, 2, 2, 2, 0, 4, 0, 0, 1, 2, 0, 2, 1, 2, 0, 2, 3, 2, 1], "idx": [0, 195, 190, 186, 175, 39, 173, 167, 155, 134, 126, 59, 60, 196, 119, 64, 68, 70, 105, 102, 74, 75, 76, 77, 78, 101, 81, 117, 203, 87, 204, 29, 219, 224, 18, 238, 16, 242, 244, 245, 8, 209, 23, 27, 252, 205, 248, 246, 223, 90, 99, 114, 227, 109, 108, 230, 106, 100, 250, 111, 221, 125, 220, 206, 208, 185, 181, 177, 211, 172, 88, 213, 166, 165, 164, 160, 157, 156, 217, 146, 143, 142, 129, 123, 122, 169, 128, 256, 49, 48, 55, 61, 40, 66, 31, 26, 19, 79, 13, 53, 11, 7, 15, 247, 43, 44, 45, 46, 163, 168, 159, 251, 253, 50, 152, 51, 144, 249, 42, 86, 226, 17, 237, 20, 239, 28, 201, 240, 187, 241, 52, 184, 182, 36, 179, 174, 231, 34, 85, 113, 65, 104, 255, 80, 120, 71, 63, 138, 57, 91, 83, 110, 112, 93, 32, 192, 24, 69, 107, 25, 189, 207, 35, 199, 139, 214, 254, 84, 89, 2, 5, 92, 9, 72, 96, 235, 10, 229, 98, 225, 218, 215, 236, 216, 197, 171, 154, 158, 47, 56, 150, 58, 121, 132, 148, 41, 54, 170, 131, 145, 176, 180, 135, 136, 137, 116, 140, 38, 228, 153, 97, 232, 233, 234, 4, 141, 151, 149, 95, 94, 3, 147, 243, 6, 133, 1, 115, 12, 188, 178, 33, 191, 37, 193, 194, 67, 198, 118, 200, 202, 30, 62, 124, 22, 210, 21, 212, 127, 162, 161, 103, 183, 14, 222, 130, 82, 73]}];

test('numpy argsort order is reproduced on ties (what picks the reference top-100 terms)', () => {
  for (const c of ARGSORT) assert.deepEqual(Array.from(numpyArgsort(c.k.map((x) => x / 7))), c.idx, `n=${c.k.length}`);
  assert.deepEqual(topK(Float64Array.from([0, 0.5, 0.5, 0, 1]), 10), Array.from(numpyArgsort([0, 0.5, 0.5, 0, 1])).reverse());
});

// 3 clusters × (validation, model_0, model_1) × 30 texts of 12 words from a 400-word vocabulary, cluster-skewed.
function jaccardDocs(): Map<string, Map<string, string[]>> {
  const rng = new Rng(11);
  const vocab = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}x`);
  const out = new Map<string, Map<string, string[]>>();
  for (const c of [0, 1, 2]) {
    const byModel = new Map<string, string[]>();
    for (const m of ['validation', 'model_0', 'model_1']) {
      byModel.set(m, Array.from({ length: 30 }, () => Array.from({ length: 12 }, () => vocab[Math.floor(rng.next() ** 2 * 200) + c * 60 + (m === 'validation' ? 0 : rng.int(40))]).join(' ')));
    }
    out.set(String(c), byModel);
  }
  return out;
}

test('TF-IDF top-100 Jaccard equals the reference tf_idf_jaccard (303-term vocabulary)', () => {
  // expected: the reference function run on the same texts with sklearn 1.2.1 / numpy 1.24.2
  const expected = { 0: { model_0: 0.4084507042253521, model_1: 0.41843971631205673 }, 1: { model_0: 0.3698630136986301, model_1: 0.3157894736842105 }, 2: { model_0: 0.3157894736842105, model_1: 0.35135135135135137 } };
  const r = tfidfJaccard(jaccardDocs(), 'validation');
  assert.equal(r.error, undefined);
  for (const [c, byModel] of Object.entries(expected)) for (const [m, v] of Object.entries(byModel)) assert.equal(r.jaccard.get(c)!.get(m), v);
});
