// `simpact predict` through the CLI on bad input: a missing GGUF file and an unknown model kind are one-line usage
// errors (exit 2); an endpoint that is down stops the run with exit 1, says that the answers are kept and how to go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { readPredictions } from '../../src/agents/predictions.ts';
import { startOpenAITestServer } from '../helpers/openai-test-server.ts';
import { writeSyntheticRelease } from './helpers/synthetic-release.ts';

async function run(args: string[]): Promise<{ code: number; err: string }> {
  const out = process.stdout.write.bind(process.stdout);
  const errw = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => {
    err += String(s);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'simpact', ...args]);
    return { code: code || Number(process.exitCode ?? 0), err };
  } finally {
    process.stdout.write = out;
    process.stderr.write = errw;
    process.exitCode = 0;
  }
}

test('predict CLI: missing GGUF and unknown kinds are usage errors; a dead endpoint stops, keeps answers, says how to resume', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-predcli-'));
  const f = (n: string) => join(dir, n);
  let calls = 0;
  const srv = await startOpenAITestServer({
    chat: () => (++calls <= 3 ? '{"actions":{"like":true,"follow":false,"repost":false,"ignore":false},"text":""}' : { status: 503 }),
  });
  try {
    const rel = f('rel');
    writeSyntheticRelease(rel, { clusters: 2, threadsPerCluster: 80, seed: 4 });
    assert.equal((await run(['tasks', '--release', rel, '--per-cluster', '20', '--out', f('t.jsonl')])).code, 0);
    const g = await run(['predict', '--tasks', f('t.jsonl'), '--out', f('p.jsonl'), '--model', `gguf:${f('none.gguf')}`]);
    assert.equal(g.code, 2);
    assert.equal(g.err.trim(), `simpact: GGUF model file not found: ${f('none.gguf')}`);
    const u = await run(['predict', '--tasks', f('t.jsonl'), '--out', f('p.jsonl'), '--model', 'foo:bar']);
    assert.equal(u.code, 2);
    assert.match(u.err, /unknown model kind "foo" \(use openai:, ollama: or gguf:\); baselines: baseline:majority\|cluster-prior\|learned/);
    const d = await run(['predict', '--tasks', f('t.jsonl'), '--out', f('p.jsonl'), '--model', `openai:m@${srv.url}`, '--concurrency', '1', '--retries', '0']);
    assert.equal(d.code, 1);
    assert.match(d.err, /openai:m: stopped after too many consecutive failures; \d+ failed task\(s\) written as status "error"; every answer so far is kept in .*p\.jsonl: run the same command again/);
    const lines = readPredictions(f('p.jsonl')).lines;
    assert.equal(lines.filter((l) => l.status === 'ok').length, 3, 'the answers before the outage are kept');
    assert.ok(lines.filter((l) => l.status === 'error').length >= 20);
    assert.ok(!d.err.includes('did:'), 'no identifiers in the messages');
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
