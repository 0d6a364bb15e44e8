// `simpact serve` and `simpact study` as a user runs them: a study created on the command line, a server started on
// 127.0.0.1 with a free port (--port 0) that raters answer through, a second process refused with one line while the
// server holds the store, then results and exports read on the command line once the server has stopped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predictionsFor, writeReleaseFixture, type ReleaseFixture } from './fixture.ts';
import { ADMIN, raterHeaders, tokenOf } from './helpers.ts';

let dir: string;
let fixture: ReleaseFixture;
let db: string;
let dist: string;
const env = { ...process.env, SIMPACT_QUIET: '1', SIMPACT_ADMIN_TOKEN: ADMIN };

function simpact(args: string[]) {
  return spawnSync(process.execPath, ['bin/simpact.js', '--db', db, ...args], { encoding: 'utf8', env, timeout: 60_000 });
}

/** Starts `simpact serve … --json` and resolves with what it printed once listening. */
function serve(args: string[], dbPath = db): Promise<{ child: ChildProcess; info: any; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['bin/simpact.js', '--db', dbPath, 'serve', '--release', fixture.dir, '--port', '0', '--dist', dist, '--json', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolveStart, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start: ${err}`));
    }, 60_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      try {
        const info = JSON.parse(out);
        clearTimeout(timer);
        resolveStart({ child, info, exited });
      } catch {
        // not complete yet
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`serve exited with ${code}: ${err}`), { code, stderr: err }));
    });
  });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simpact-web-cli-'));
  fixture = writeReleaseFixture(12);
  db = join(dir, 'study.duckdb');
  dist = join(dir, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>prebuilt front end</title>');
  writeFileSync(join(dir, 'a.jsonl'), `${predictionsFor(fixture.threads, 'test', 'model-a')}\n`);
  writeFileSync(join(dir, 'v.jsonl'), predictionsFor(fixture.threads, 'validation', 'model-a'));
  writeFileSync(join(dir, 'torn.jsonl'), `${predictionsFor(fixture.threads, 'test', 'model-t')}\n{"task_id": "task-1-4", "model": "model-t", "sta`);
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(fixture.dir, { recursive: true, force: true });
});

const oneLine = (stderr: string) => stderr.trim().split('\n').filter((l) => !/^npm warn/.test(l));

test('study create, serve on 127.0.0.1:0, answers over HTTP, a locked store refused in one line, results and exports', { timeout: 240_000 }, async () => {
  // A port out of range is a usage error before the store or the release is opened.
  const badPort = simpact(['serve', '--release', fixture.dir, '--port', '70000']);
  assert.equal(badPort.status, 2, badPort.stderr);
  assert.match(badPort.stderr, /--port must be an integer from 0 to 65535/);
  assert.doesNotMatch(badPort.stderr, /indexed|Received type/);

  // A prediction file that cannot be read is named, with the reason, in one line.
  const absent = simpact(['study', 'create', '--release', fixture.dir, '--predictions', join(dir, 'absent.jsonl'), '--name', 'A']);
  assert.equal(absent.status, 2, absent.stderr);
  assert.deepEqual(oneLine(absent.stderr), [`simpact: cannot read the prediction file ${join(dir, 'absent.jsonl')}: no such file`]);

  // A prediction file of another split is refused with its file:line; nothing is created.
  const wrong = simpact(['study', 'create', '--release', fixture.dir, '--predictions', join(dir, 'v.jsonl'), '--name', 'W']);
  assert.equal(wrong.status, 2, wrong.stderr);
  assert.deepEqual(oneLine(wrong.stderr).length, 1, wrong.stderr);
  assert.match(wrong.stderr, /v\.jsonl:1: task-0-1 is in the validation split, not test/);
  assert.doesNotMatch(wrong.stderr, /\n\s+at /, 'no stack');

  // A torn last line is skipped and reported with its file:line.
  const torn = simpact(['study', 'create', '--release', fixture.dir, '--predictions', join(dir, 'torn.jsonl'), '--name', 'T', '--raters', '1', '--json']);
  assert.equal(torn.status, 0, torn.stderr);
  const tornLine = readFileSync(join(dir, 'torn.jsonl'), 'utf8').split('\n').length;
  assert.match(torn.stderr, new RegExp(`torn\\.jsonl:${tornLine}: torn last line`));
  assert.match(JSON.parse(torn.stdout).notes[0], new RegExp(`^torn\\.jsonl:${tornLine}: torn last line`));

  const created = simpact(['study', 'create', '--release', fixture.dir, '--predictions', join(dir, 'a.jsonl'), '--name', 'CLI pilot', '--raters', '2', '--items-per-rater', '3', '--attention-checks', '1', '--seed', '9', '--base-url', 'https://study.example.org', '--json']);
  assert.equal(created.status, 0, created.stderr);
  const study = JSON.parse(created.stdout);
  assert.match(study.id, /^s[0-9a-f]{12}$/);
  assert.equal(study.raterLinks.length, 2);
  for (const l of study.raterLinks) assert.match(l, /^https:\/\/study\.example\.org\/rate#t=[A-Za-z0-9_-]{43}$/);

  const { child, info, exited } = await serve(['--public-origin', 'https://study.example.org']);
  let answered = 0;
  try {
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(info.url, 'http://127.0.0.1:0');
    assert.equal(info.publicUrl, 'https://study.example.org');
    assert.equal(info.admin, 'https://study.example.org/admin');
    assert.equal(info.explorerNeedsToken, false);
    const rel = (await (await fetch(`${info.url}/api/explorer/release`)).json()) as any;
    assert.equal(rel.threads, 24);
    const page = await fetch(`${info.url}/rate`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /prebuilt front end/, 'the --dist front end is served, nothing is built');
    // Raters answer through the reverse proxy's origin (--public-origin); another origin is refused.
    const viaProxy = (t: string) => ({ ...raterHeaders(t), origin: 'https://study.example.org', 'sec-fetch-site': 'same-origin' });
    const t0 = tokenOf(study.raterLinks[0]);
    assert.equal((await fetch(`${info.url}/api/rater/consent`, { method: 'POST', headers: { ...viaProxy(t0), origin: 'https://evil.example' }, body: '{"consent":true}' })).status, 403);
    for (const link of study.raterLinks) {
      const t = tokenOf(link);
      assert.equal((await fetch(`${info.url}/api/rater/consent`, { method: 'POST', headers: viaProxy(t), body: '{"consent":true}' })).status, 200);
      const s = (await (await fetch(`${info.url}/api/rater/session`, { headers: raterHeaders(t) })).json()) as any;
      for (const it of s.items) {
        const answer = it.candidate.startsWith('generated by') ? 'ai' : it.candidate.startsWith('real reply') ? 'real' : 'unsure';
        const r = await fetch(`${info.url}/api/rater/answer`, { method: 'POST', headers: viaProxy(t), body: JSON.stringify({ item: it.item, answer, elapsedMs: 1200 }) });
        assert.equal(r.status, 201);
        answered++;
      }
    }
    assert.equal(answered, 8);

    // While the server holds the store, another simpact process is refused with one line and exit code 1.
    for (const args of [['study', 'results', study.id], ['study', 'create', '--release', fixture.dir, '--predictions', join(dir, 'a.jsonl'), '--name', 'X']]) {
      const locked = simpact(args);
      assert.equal(locked.status, 1, locked.stderr);
      const lines = oneLine(locked.stderr);
      assert.equal(lines.length, 1, locked.stderr);
      assert.match(lines[0], /is in use by another simpact process .*stop it first, or use another --db\. While simpact serve runs on this store, .* instead$/);
      assert.doesNotMatch(locked.stderr, /PID|\bat \w|Error:/i, 'no DuckDB lock message or stack');
    }
    // A second server on the same port (another store) cannot listen: one line, exit 2.
    const port = new URL(info.url).port;
    const other = await serve(['--port', port], join(dir, 'other.duckdb')).then(
      () => assert.fail('a second server started on a port in use'),
      (err: any) => err,
    );
    assert.equal(other.code, 2);
    assert.match(other.stderr, /cannot listen on 127\.0\.0\.1:\d+ \(the port is in use\)/);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, 'serve stops cleanly on SIGTERM');

  const results = simpact(['study', 'results', study.id, '--json']);
  assert.equal(results.status, 0, results.stderr);
  const r = JSON.parse(results.stdout);
  assert.equal(r.results.responses, answered);
  const m = r.results.models.find((x: any) => x.model === 'model-a');
  assert.equal(m.n, answered - 2, 'attention checks are not scored');
  assert.equal(m.correct, m.n);
  assert.equal(m.accuracy, 1);
  assert.deepEqual(r.progress.map((p: any) => [p.answered, p.assigned, p.consented]), [[4, 4, true], [4, 4, true]]);
  const table = simpact(['study', 'results', study.id]);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`^model-a\\t${m.n}\\t${m.n}\\t0\\t0\\t1\\.000\\t\\[1\\.000, 1\\.000\\]\\t\\[0\\.\\d{3}, 1\\.000\\]`, 'm'));

  const csv = simpact(['study', 'export', study.id]);
  assert.equal(csv.status, 0, csv.stderr);
  const rows = csv.stdout.trim().split('\r\n');
  assert.equal(rows[0], 'study_id,rater,item,kind,model,task_id,expected,answer,score,elapsed_ms,answered_at');
  assert.equal(rows.length, answered + 1);
  assert.ok(rows.slice(1).every((l) => l.startsWith(`${study.id},`) && l.includes(',1200,')));
  const out = join(dir, 'export.json');
  const json = simpact(['study', 'export', study.id, '--format', 'json', '--out', out]);
  assert.equal(json.status, 0, json.stderr);
  const exported = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(exported.responses.length, answered);
  assert.equal(exported.study.name, 'CLI pilot');

  const list = simpact(['study', 'list', '--json']);
  assert.deepEqual(JSON.parse(list.stdout).studies.map((s: any) => [s.name, s.responses]), [['T', 0], ['CLI pilot', answered]]);
  const bad = simpact(['study', 'results', 'nope']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /is not a study id/);
  const missing = simpact(['study', 'results', 's000000000000']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no study s000000000000 in this store/);
});
