// LSA fit + transform speed on real Bluesky posts (and recombined ones beyond the real count).
//   node --import tsx bench/embed/lsa.ts [n=10000,25000,50000] [dim=256] [dataDir=/work/shared/data]
// Real texts: bsky-datascience-keegan part01/part02/part06/part09 parquet files (~10.9k posts). Past that, posts are
// made by joining the first half of one real post with the second half of another (seeded), keeping the vocabulary real.
// Prints wall and CPU seconds per phase: on a shared machine CPU time is the steadier figure.
import { DuckDBInstance } from '@duckdb/node-api';
import { LSA_DEFAULTS, transformLsa } from '../../src/embed/lsa.ts';
import { randomizedSvd } from '../../src/embed/svd.ts';
import { fitTfidf, transformTfidf } from '../../src/embed/tfidf.ts';
import { wordTokens } from '../../src/embed/tokenize.ts';
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

function timed<T>(label: string, fn: () => T, out: string[]): T {
  const w = performance.now();
  const c = process.cpuUsage();
  const r = fn();
  const cpu = process.cpuUsage(c);
  out.push(`${label} ${((performance.now() - w) / 1000).toFixed(1)}s wall/${((cpu.user + cpu.system) / 1e6).toFixed(1)}s cpu`);
  return r;
}

for (const n of sizes) {
  const texts = corpus(n);
  const parts: string[] = [];
  const docs = timed('tokenise', () => texts.map(wordTokens), parts);
  const tfidf = timed('tfidf', () => fitTfidf(docs, { ...LSA_DEFAULTS }), parts);
  const fitDocs = docs.length > LSA_DEFAULTS.maxFitDocs ? new Rng(42).shuffle(docs.slice()).slice(0, LSA_DEFAULTS.maxFitDocs) : docs;
  const x = transformTfidf(tfidf, fitDocs);
  const svd = timed('svd', () => randomizedSvd(x, dim, { seed: 42 }), parts);
  timed('transform', () => transformLsa({ tfidf, svd }, texts, true), parts);
  console.log(`n=${n} fit-docs=${fitDocs.length} terms=${tfidf.terms.length} nnz=${x.indices.length} dim=${svd.k}: ${parts.join(', ')}`);
}
