// Explorer at scale: writes a synthetic release of N threads in the released format (spec §4.4), indexes it into
// a DuckDB store once, then times pages the explorer asks for: first page, a deep keyset page, filtered pages, and a
// text search. Usage: node --import tsx bench/web/explorer.ts [threads=1000000] [K=25]
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pageThreads, type ThreadFilter } from '../../src/store/explorer.ts';
import { Store } from '../../src/store/store.ts';
import { Rng } from '../../src/util/rng.ts';
import { ensureIndexed, openRelease } from '../../src/web/release.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const K = Number(process.argv[3] ?? 25);
const out = join('bench', 'out', 'web');
const dir = join(out, `release-${N}`);
const KEYS = ['like', 'unlike', 'repost', 'unrepost', 'follow', 'unfollow', 'block', 'unblock', 'post_update', 'post_delete', 'quote', 'post', 'reply'];
const WORDS = 'the vote budget senate policy climate tax court rally poll debate reform health border energy school'.split(' ');

function writeRelease(): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, `processed_${K}_clusters`), { recursive: true });
  mkdirSync(join(dir, 'splits', `${K}_clusters`), { recursive: true });
  const rng = new Rng(7);
  const files = Array.from({ length: K }, (_, c) => openSync(join(dir, `processed_${K}_clusters`, `cluster_${c}.jsonl`), 'w'));
  const splits = ['train', 'validation', 'test'].map((s) => openSync(join(dir, 'splits', `${K}_clusters`, `${s}.jsonl`), 'w'));
  const lines = new Array<number>(K).fill(0);
  const uid = (n: number) => createHash('sha256').update(String(n)).digest('hex');
  const users = Array.from({ length: 5000 }, (_, i) => uid(i));
  const buf: string[][] = Array.from({ length: K }, () => []);
  const sbuf: string[][] = [[], [], []];
  const flush = () => {
    buf.forEach((b, c) => b.length && (writeSync(files[c], b.join('')), (b.length = 0)));
    sbuf.forEach((b, s) => b.length && (writeSync(splits[s], b.join('')), (b.length = 0)));
  };
  for (let i = 0; i < N; i++) {
    const c = rng.int(K);
    const action = rng.next() < 0.5 ? 'reply' : KEYS[rng.int(KEYS.length)];
    const words = Array.from({ length: 12 }, () => WORDS[rng.int(WORDS.length)]).join(' ');
    const ctx = { relative_integer_time: 2 * i, text: `${words} #${i}`, user_id: users[rng.int(users.length)] };
    const last: Record<string, unknown> = { relative_integer_time: 2 * i + 1 };
    if (action === 'reply' || action === 'post' || action === 'quote') last.text = `${words.split(' ').reverse().join(' ')} reply ${i}`;
    last.actions = Object.fromEntries(KEYS.map((k) => [k, k === action]));
    last.user_id = users[rng.int(users.length)];
    buf[c].push(`${JSON.stringify({ thread: [ctx, last], cluster_id: c })}\n`);
    const r = rng.next();
    sbuf[r < 0.8 ? 0 : r < 0.9 ? 1 : 2].push(`{"cluster_id": ${c}, "line": ${lines[c]++}}\n`);
    if (i % 50_000 === 49_999) flush();
  }
  flush();
  files.forEach(closeSync);
  splits.forEach(closeSync);
  writeFileSync(join(dir, 'release.json'), JSON.stringify({ format: 'simpact-release', complete: true, counts: { threads: N }, synthetic: true }));
}

async function time<T>(label: string, fn: () => Promise<T>, reps = 5): Promise<T> {
  let best = Infinity;
  let res!: T;
  const all: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    res = await fn();
    const ms = performance.now() - t0;
    all.push(ms);
    best = Math.min(best, ms);
  }
  all.sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} median ${all[all.length >> 1].toFixed(1).padStart(8)} ms   best ${best.toFixed(1).padStart(8)} ms`);
  return res;
}

let t0 = performance.now();
writeRelease();
console.log(`wrote ${N} threads (K=${K}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const dbPath = join(out, `explorer-${N}.duckdb`);
rmSync(dbPath, { force: true });
rmSync(`${dbPath}.wal`, { force: true });
const store = await Store.open(dbPath);
const rel = openRelease(dir);
t0 = performance.now();
const { index } = await ensureIndexed(store, rel, true);
console.log(`indexed ${index.threads} threads in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const base: ThreadFilter = { k: K, limit: 20 };
await time('first page (20)', () => pageThreads(store, rel.id, base));
await time('deep keyset page (cluster K/2, line 20000)', () => pageThreads(store, rel.id, { ...base, after: { cluster: Math.floor(K / 2), line: 20_000 } }));
await time('cluster + action + split filter', () => pageThreads(store, rel.id, { ...base, cluster: 3, action: 'like', split: 'test' }));
await time('text search, common word', () => pageThreads(store, rel.id, { ...base, text: 'senate' }));
await time('text search, one thread', () => pageThreads(store, rel.id, { ...base, text: `reply ${N - 7}` }));
await time('text search, no hit (full scan)', () => pageThreads(store, rel.id, { ...base, text: 'zzzz-not-there' }));
const { clusterRows } = await import('../../src/store/explorer.ts');
await time('cluster table (counts by cluster, action, split)', () => clusterRows(store, rel.id, K));
store.close();
