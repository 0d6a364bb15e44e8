// Benchmark of `simpact build` without embeddings or clustering (K=1): N generated events (default 1,000,000).
// Runs, each as its own process so that peak RSS is measured per step (GNU time):
//   1. simpact generate   (not timed against the budget)
//   2. simpact ingest     (into a fresh store)
//   3. simpact build      (from the store: load, filters, threads, PII scrub, privacy, files, Parquet, audit)
//   4. simpact build      again (stored threads reused)
// Usage: node --import tsx bench/build/build.ts [--events N] [--users N] [--dir DIR] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const events = Number(arg('--events', '1000000'));
const users = Number(arg('--users', String(Math.max(100, Math.round(events / 20)))));
const dir = arg('--dir', '') || mkdtempSync(join(tmpdir(), 'simpact-bench-build-'));
mkdirSync(dir, { recursive: true });
const keep = args.includes('--keep');

interface Step {
  step: string;
  wallS: number;
  /** user + system CPU seconds: less sensitive than wall time to other load on the machine. */
  cpuS: number;
  peakRssMB: number;
  json?: unknown;
}

function run(step: string, cliArgs: string[]): Step {
  const res = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M %U %S', process.execPath, 'bin/simpact.js', ...cliArgs], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, SIMPACT_QUIET: '1', SIMPACT_SECRET: 'bench-secret-not-for-real-use-0123456789' },
  });
  const m = /__TIME__ ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(res.stderr);
  if (res.status !== 0 || !m) throw new Error(`${step} failed (exit ${res.status}):\n${res.stderr.slice(-2000)}`);
  let json: unknown;
  try {
    json = JSON.parse(res.stdout);
  } catch {
    json = undefined;
  }
  return { step, wallS: Number(m[1]), cpuS: Math.round((Number(m[3]) + Number(m[4])) * 100) / 100, peakRssMB: Math.round(Number(m[2]) / 1024), json };
}

const input = join(dir, `gen-${events}.jsonl`);
const db = join(dir, 'bench.duckdb');
const out = join(dir, 'release');
for (const p of [db, `${db}.wal`, out]) rmSync(p, { recursive: true, force: true });
const steps: Step[] = [];
const load0 = loadavg()[0];
if (!existsSync(input)) steps.push(run('generate', ['generate', '--out', input, '--events', String(events), '--users', String(users), '--seed', '1', '--json']));
steps.push(run('ingest', ['--db', db, 'ingest', input, '--json']));
steps.push(run('build', ['--db', db, 'build', '--out', out, '--k', '1', '--json']));
steps.push(run('build (re-run, threads reused)', ['--db', db, 'build', '--out', out, '--k', '1', '--json']));

const build = steps.find((s) => s.step === 'build')!;
const summary = {
  events,
  users,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
  loadAverageAtStart: load0,
  loadAverageAtEnd: loadavg()[0],
  steps: steps.map(({ step, wallS, cpuS, peakRssMB, json }) => ({ step, wallS, cpuS, peakRssMB, stages: (json as { seconds?: unknown })?.seconds, cpuStages: (json as { cpuSeconds?: unknown })?.cpuSeconds, rssMB: (json as { rssMB?: unknown })?.rssMB, threads: (json as { threads?: number })?.threads })),
  budget: { buildWallS: build.wallS, buildCpuS: build.cpuS, withIngestWallS: build.wallS + steps.find((s) => s.step === 'ingest')!.wallS, peakRssMB: Math.max(...steps.filter((s) => s.step !== 'generate').map((s) => s.peakRssMB)) },
};
writeFileSync(join(dir, 'result.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
if (!keep) rmSync(dir, { recursive: true, force: true });
