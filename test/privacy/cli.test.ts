// `simpact pii` and `simpact audit` end to end, through bin/simpact.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

test('simpact pii: one JSONL line per input, JS string indices, bad lines reported in place', () => {
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
  assert.equal(out.length, 4);
  assert.equal(out[0].redacted, '東京 😀 mail <EMAIL_ADDRESS>, call <PHONE_NUMBER>');
  const email = out[0].entities[0];
  assert.deepEqual(Object.keys(email), ['type', 'start', 'end', 'score']);
  assert.equal(out[0].text.slice(email.start, email.end), 'jane@example.com');
  assert.deepEqual(out[1], { error: 'expected a JSON object with a string "text"', line: 2 });
  assert.equal(out[2].redacted, 'thanks @<USERNAME>, see <URL>');
  assert.deepEqual(out[3], { text: 'nothing here, v2.10.4 and 3-2', redacted: 'nothing here, v2.10.4 and 3-2', entities: [] });
  assert.match(r.stderr, /1 input line/);
});

test('simpact pii --entities and --operator hash (keyed by the secret, which is never printed)', () => {
  const input = JSON.stringify({ text: 'a@example.com https://x.org' });
  const r = simpact(['pii', '--entities', 'EMAIL', '--operator', 'hash'], input, { SIMPACT_SECRET: SECRET });
  assert.equal(r.code, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).redacted, /^<EMAIL_ADDRESS:[0-9a-f]{16}> https:\/\/x\.org$/);
  assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
  const bad = simpact(['pii', '--entities', 'NRP'], input);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown entity type "NRP"/);
});

test('simpact audit: exit 3 with file:line kind on leaks, 0 when clean, --json for scripts', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-audit-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'cluster_0.jsonl'), '{"thread": [{"relative_integer_time": 5, "text": "hi <URL>", "user_id": "ab"}], "cluster_id": 0}\n');
  const clean = simpact(['audit', dir]);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /^clean: 1 file/m);

  writeFileSync(join(dir, 'cluster_1.jsonl'), `{"text": "ok"}\n{"text": "by did:plc:z72i7hdynmk6r22z27h6tvur and ${SECRET}"}\n`);
  const leaky = simpact(['audit', dir], '', { SIMPACT_SECRET: SECRET });
  assert.equal(leaky.code, 3);
  assert.match(leaky.stdout, /^cluster_1\.jsonl:2 did /m);
  assert.match(leaky.stdout, /^cluster_1\.jsonl:2 secret \[secret\]$/m);
  assert.ok(!leaky.stdout.includes('z72i7hdynmk6r22z27h6tvur') && !leaky.stdout.includes(SECRET));

  const json = simpact(['audit', '--json', dir], '', { SIMPACT_SECRET: SECRET });
  assert.equal(json.code, 3);
  const report = JSON.parse(json.stdout);
  assert.equal(report.secretChecked, true);
  assert.deepEqual(
    report.leaks.map((l: { file: string; line: number; kind: string }) => `${l.file}:${l.line}:${l.kind}`),
    ['cluster_1.jsonl:2:secret', 'cluster_1.jsonl:2:did'],
  );
  const missing = simpact(['audit', join(dir, 'nope')]);
  assert.equal(missing.code, 2);
});
