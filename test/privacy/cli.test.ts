// `simpact pii` and `simpact audit`: three runs end to end through bin/simpact.js (exit codes, stdin/stdout), the
// rest in-process through the functions the commands call (process start-up is slow on a loaded 2-core machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runPiiCommand } from '../../src/privacy/pii-command.ts';
import { runAudit } from '../../src/privacy/audit-command.ts';

const BIN = new URL('../../bin/simpact.js', import.meta.url).pathname;
const SECRET = 'cli-test-secret-9f8e7d6c5b4a';

function simpact(args: string[], input = '', env: NodeJS.ProcessEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), 'simpact-home-'));
  try {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      input,
      encoding: 'utf8',
      env: { ...process.env, SIMPACT_SECRET: undefined, XDG_CONFIG_HOME: home, ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function piiInProcess(lines: string[], opts: Parameters<typeof runPiiCommand>[2]): Promise<{ bad: number; out: string }> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  const bad = await runPiiCommand(Readable.from([lines.join('\n')]), output, opts);
  return { bad, out: Buffer.concat(chunks).toString('utf8') };
}

test('simpact pii: one JSONL line per input line, JS string indices, bad and blank lines reported in place, exit 1', () => {
  const input = [
    JSON.stringify({ text: '東京 😀 mail jane@example.com, call +1 202-456-1111' }),
    'not json',
    JSON.stringify({ text: 'thanks @kate.bsky.social, see example.org/x' }),
    '',
    JSON.stringify({ text: 'nothing here, v2.10.4 and 3-2' }),
  ].join('\n');
  const r = simpact(['pii'], input);
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(out.length, 5, 'a blank line gets its own output line');
  assert.equal(out[0].redacted, '東京 😀 mail <EMAIL_ADDRESS>, call <PHONE_NUMBER>');
  const email = out[0].entities[0];
  assert.deepEqual(Object.keys(email), ['type', 'start', 'end', 'score']);
  assert.equal(out[0].text.slice(email.start, email.end), 'jane@example.com');
  assert.deepEqual(out[1], { error: 'expected a JSON object with a string "text"', line: 2 });
  assert.equal(out[2].redacted, 'thanks @<USERNAME>, see <URL>');
  assert.deepEqual(out[3], { error: 'blank line', line: 4 });
  assert.deepEqual(out[4], { text: 'nothing here, v2.10.4 and 3-2', redacted: 'nothing here, v2.10.4 and 3-2', entities: [] });
  assert.match(r.stderr, /2 input line\(s\) were blank or not/);
});

test('pii command: output line n answers input line n, blank lines included (whitespace-only, leading, repeated)', async () => {
  const ok = (t: string) => JSON.stringify({ text: t });
  const { bad, out } = await piiInProcess(['', ok('mail a@example.com'), '   ', '', ok('plain'), '\t'], {});
  const lines = out.split('\n');
  assert.equal(lines.pop(), '', 'output ends with a newline');
  assert.equal(lines.length, 6);
  const parsed = lines.map((l) => JSON.parse(l) as { error?: string; line?: number; redacted?: string });
  assert.deepEqual(parsed.map((p) => p.error ?? p.redacted), ['blank line', 'mail <EMAIL_ADDRESS>', 'blank line', 'blank line', 'plain', 'blank line']);
  assert.deepEqual(parsed.filter((p) => p.error).map((p) => p.line), [1, 3, 4, 6]);
  assert.equal(bad, 4);
});

test('pii command: --entities, --threshold and --operator hash keyed by the secret, which is never printed', async (t) => {
  const saved = process.env.SIMPACT_SECRET;
  process.env.SIMPACT_SECRET = SECRET;
  t.after(() => {
    if (saved === undefined) delete process.env.SIMPACT_SECRET;
    else process.env.SIMPACT_SECRET = saved;
  });
  const line = JSON.stringify({ text: 'a@example.com https://x.org see README.md' });
  const hashed = await piiInProcess([line], { entities: ['EMAIL'], operator: 'hash' });
  assert.equal(hashed.bad, 0);
  assert.match(JSON.parse(hashed.out).redacted, /^<EMAIL_ADDRESS:[0-9a-f]{16}> https:\/\/x\.org see README\.md$/);
  assert.ok(!hashed.out.includes(SECRET));
  const low = await piiInProcess([line], { entities: ['URL'], thresholds: ['URL=0.3'] });
  assert.equal(JSON.parse(low.out).redacted, 'a@example.com <URL> see <URL>');
  await assert.rejects(piiInProcess([line], { entities: ['NRP'] }), /unknown entity type "NRP"/);
  await assert.rejects(piiInProcess([line], { thresholds: ['URL=2'] }), /expected TYPE=score/);
});

test('simpact audit: exit 0 when clean, exit 3 with --json on leaks; text lists file:line kind, masked', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'cluster_0.jsonl'), '{"thread": [{"relative_integer_time": 5, "text": "hi <URL>", "user_id": "ab"}], "cluster_id": 0}\n');
  const clean = simpact(['audit', dir]);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /^clean: 1 file/m);

  writeFileSync(join(dir, 'cluster_1.jsonl'), `{"text": "ok"}\n{"text": "by did:plc:z72i7hdynmk6r22z27h6tvur and ${SECRET}"}\n`);
  const json = simpact(['audit', '--json', dir], '', { SIMPACT_SECRET: SECRET });
  assert.equal(json.code, 3);
  const report = JSON.parse(json.stdout);
  assert.equal(report.secretChecked, true);
  assert.deepEqual(
    report.leaks.map((l: { file: string; line: number; kind: string }) => `${l.file}:${l.line}:${l.kind}`),
    ['cluster_1.jsonl:2:secret', 'cluster_1.jsonl:2:did'],
  );
  assert.ok(!json.stdout.includes(SECRET) && !json.stdout.includes('z72i7hdynmk6r22z27h6tvur'));

  const keyFile = `${dir}-key`;
  writeFileSync(keyFile, `${SECRET}\n`, { mode: 0o600 });
  t.after(() => rmSync(keyFile, { force: true }));
  const text = (await runAudit(dir, { secretFile: keyFile })).text;
  assert.match(text, /^cluster_1\.jsonl:2 did did:pl\*+ \(32 chars\)$/m);
  assert.match(text, /^cluster_1\.jsonl:2 secret \[secret\]$/m);
  assert.match(text, /^2 leak\(s\) in 2 file\(s\)$/m);
  assert.ok(!text.includes(SECRET));
  await assert.rejects(runAudit(join(dir, 'nope'), {}), /is not a folder/);
});
