// Ingest benchmark (not a test): generates N synthetic events, times a bare JSON.parse loop over the file and the full
// `simpact ingest` into a fresh store (a child process, so its peak RSS is measured alone), for several N.
//   node --import tsx bench/ingest/ingest-bench.ts [sizes=250000,500000,1000000] [--out bench/out/ingest]
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LineSplitter } from '../../src/ingest/lines.ts';

const args = process.argv.slice(2);
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1] : 'bench/out/ingest';
const sizes = (args.find((a) => /^\d/.test(a)) ?? '250000,500000,1000000').split(',').map(Number);
mkdirSync(outDir, { recursive: true });

function cli(argv: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['bin/simpact.js', ...argv], { encoding: 'utf8', env: { ...process.env, SIMPACT_QUIET: '1' }, maxBuffer: 1 << 26 });
}

/** The baseline: read the file, split lines, JSON.parse each one; nothing else. */
async function bareParse(path: string): Promise<{ seconds: number; cpuSeconds: number; lines: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let lines = 0;
  const splitter = new LineSplitter({ line: (t) => { JSON.parse(t); lines++; }, problem: () => undefined });
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) splitter.push(chunk as Buffer);
  splitter.end();
  const c = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, lines };
}

/** The idiomatic loop, for context: node:readline over the file, JSON.parse per line. */
async function readlineParse(path: string): Promise<number> {
  const t0 = performance.now();
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) if (line) JSON.parse(line);
  return (performance.now() - t0) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `simpact ingest` under /usr/bin/time -v: wall time, CPU time and peak RSS of the whole process. */
function timedIngest(db: string, file: string) {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, 'bin/simpact.js', '--db', db, 'ingest', '--json', file], {
    encoding: 'utf8', env: { ...process.env, SIMPACT_QUIET: '1' }, maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`ingest failed: ${r.stderr}`);
  const field = (name: string) => Number(new RegExp(`${name}: ([\\d.:]+)`).exec(r.stderr)?.[1].split(':').reduce((a, b) => a * 60 + Number(b), 0));
  const summary = JSON.parse(r.stdout) as { events: number; inserted: number; seconds: number };
  return {
    wallSeconds: field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)'),
    cpuSeconds: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
    peakRssMB: field('Maximum resident set size \\(kbytes\\)') / 1024,
    ingestSeconds: summary.seconds,
    events: summary.events,
    inserted: summary.inserted,
  };
}

const results = [];
for (const n of sizes) {
  const file = join(outDir, `gen-${n}.jsonl`);
  if (!existsSync(file)) {
    const g = cli(['generate', '--users', String(Math.max(100, Math.round(n / 20))), '--events', String(n), '--seed', '1', '--out', file, '--json']);
    if (g.status !== 0) throw new Error(g.stderr);
  }
  const bytes = statSync(file).size;
  // The baseline is the fastest bare loop we have (our line splitter, then JSON.parse), timed three times: its median
  // is the ratio's denominator (a single run of it varied by 40 % on this VM).
  const bares: Awaited<ReturnType<typeof bareParse>>[] = [];
  for (let i = 0; i < 3; i++) bares.push(await bareParse(file));
  const bare = bares.find((b) => b.seconds === median(bares.map((x) => x.seconds)))!;
  const readlineSeconds = await readlineParse(file);
  const db = join(outDir, `fresh-${n}.duckdb`);
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  const load0 = loadavg()[0];
  const ing = timedIngest(db, file);
  const dbMB = statSync(db).size / 1e6;
  rmSync(db, { force: true });
  const row = {
    events: n,
    fileMB: +(bytes / 1e6).toFixed(1),
    bareParseSeconds: +bare.seconds.toFixed(2),
    bareParseRuns: bares.map((b) => +b.seconds.toFixed(2)),
    readlineParseSeconds: +readlineSeconds.toFixed(2),
    bareParseCpuSeconds: +bare.cpuSeconds.toFixed(2),
    ingestWallSeconds: ing.wallSeconds,
    ingestInProcessSeconds: +ing.ingestSeconds.toFixed(2),
    ingestCpuSeconds: +ing.cpuSeconds.toFixed(2),
    eventsPerSecond: Math.round(n / ing.wallSeconds),
    eventsPerCpuSecond: Math.round(n / ing.cpuSeconds),
    ratioToBareParse: +(ing.wallSeconds / bare.seconds).toFixed(2),
    // like for like: both timed inside a running process (the ingest's process start and store close left out)
    inProcessRatioToBareParse: +(ing.ingestSeconds / bare.seconds).toFixed(2),
    ratioToReadlineParse: +(ing.wallSeconds / readlineSeconds).toFixed(2),
    peakRssMB: Math.round(ing.peakRssMB),
    storeMB: +dbMB.toFixed(1),
    loadAvg1mBefore: +load0.toFixed(2),
    loadAvg1mAfter: +loadavg()[0].toFixed(2),
  };
  if (ing.inserted !== n) throw new Error(`inserted ${ing.inserted} of ${n}`);
  results.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
const report = { machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, results };
writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
