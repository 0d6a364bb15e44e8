// LSA fit + transform speed on real Bluesky posts (and recombined ones beyond the real count).
//   node --import tsx bench/embed/lsa.ts [n=10000,25000,50000] [dim=256] [dataDir=/work/shared/data]
// Real texts: bsky-datascience-keegan part01/part02/part06/part09 parquet files (~11.6k posts). Past that, posts are
// made by joining the first half of one real post with the second half of another (seeded), keeping the vocabulary real.
import { DuckDBInstance } from '@duckdb/node-api';
import { fitLsa, transformLsa } from '../../src/embed/lsa.ts';
import { Rng } from '../../src/util/rng.ts';

const sizes = (process.argv[2] ?? '10000,25000,50000').split(',').map(Number);
const dim = Number(process.argv[3] ?? 256);
const dataDir = process.argv[4] ?? '/work/shared/data';

const inst = await DuckDBInstance.create(':memory:');
const conn = await inst.connect();
const files = ['part01/posts.parquet', 'part02/archive.parquet', 'part06/corpus.parquet', 'part09/feed_posts.parquet'].map((f) => `'${dataDir}/bsky-datascience-keegan/${f}'`);
const rows = await conn.runAndReadAll(`SELECT text FROM read_parquet([${files.join(',')}], union_by_name=true) WHERE text IS NOT NULL AND length(text) > 0`);
const real = rows.getRowObjectsJS().map((r) => String(r.text));
conn.closeSync();
console.log(`real posts: ${real.length}`);

const rng = new Rng(1);
function corpus(n: number): string[] {
  const out = real.slice(0, n);
  while (out.length < n) {
    const a = rng.pick(real).split(' ');
    const b = rng.pick(real).split(' ');
    out.push([...a.slice(0, Math.ceil(a.length / 2)), ...b.slice(Math.floor(b.length / 2))].join(' '));
  }
  return out;
}

for (const n of sizes) {
  const texts = corpus(n);
  const t0 = performance.now();
  const fit = fitLsa(texts, { kind: 'lsa', dim });
  const t1 = performance.now();
  const vecs = transformLsa(fit, texts, true);
  const t2 = performance.now();
  console.log(
    `n=${n} dim=${fit.svd.k} terms=${fit.tfidf.terms.length}: fit ${((t1 - t0) / 1000).toFixed(2)} s, transform ${((t2 - t1) / 1000).toFixed(2)} s ` +
      `(${Math.round(n / ((t2 - t0) / 1000))} posts/s overall), rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB, vecs ${vecs.length}`,
  );
}
