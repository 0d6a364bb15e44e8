// Audit throughput: a synthetic BluePrint-style release (real post texts, redacted, HMAC pseudonyms, relative times)
// written to a temp folder as JSONL, then scanned with `auditRelease`. Reports lines/s and MB/s.
// Usage: node --import tsx bench/privacy/audit.ts [--threads 50000]
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditRelease, createPiiEngine, pseudonymizeThread } from '../../src/privacy/index.ts';
import { pythonJsonDumps } from '../../src/util/python-json.ts';

const i = process.argv.indexOf('--threads');
const threads = i >= 0 ? Number(process.argv[i + 1]) : 50_000;
const secret = 'bench-secret-0123456789abcdef';
const texts = readFileSync('fixtures/texts/posts.jsonl', 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { text: string }).text);
const engine = createPiiEngine();
const redacted = texts.map((t) => engine.redact(t).redacted);

const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-bench-'));
try {
  const lines: string[] = [];
  for (let t = 0; t < threads; t++) {
    const raw = [
      { did: `did:plc:${String(t % 997).padStart(24, 'a')}`, relative_integer_time: 2 * t, text: redacted[t % redacted.length] },
      { did: `did:plc:${String(t % 991).padStart(24, 'b')}`, relative_integer_time: 2 * t + 1, text: redacted[(t * 7) % redacted.length] },
    ];
    const ids = pseudonymizeThread(raw, secret, 'hmac');
    lines.push(pythonJsonDumps({ thread: raw.map(({ did: _d, ...m }, k) => ({ ...m, user_id: ids[k] })), cluster_id: t % 25 }));
  }
  const file = join(dir, 'cluster_all.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const mb = statSync(file).size / 1e6;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const leaks = await auditRelease(dir, { secret });
  const cpu = process.cpuUsage(c0);
  const wall = (performance.now() - t0) / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(`${threads} lines (${mb.toFixed(1)} MB, 2 messages each): ${Math.round(threads / wall).toLocaleString('en-US')} lines/s wall (${(mb / wall).toFixed(1)} MB/s), ${Math.round(threads / cpuS).toLocaleString('en-US')} lines/CPU-s; ${leaks.length} leaks`);
  const kinds = new Map<string, number>();
  for (const l of leaks) kinds.set(l.kind, (kinds.get(l.kind) ?? 0) + 1);
  if (leaks.length) console.log('leak kinds:', Object.fromEntries(kinds));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
