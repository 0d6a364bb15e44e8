import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { predictionsFor, tasksFor, writeReleaseFixture } from './fixture.ts';
import { adminHeaders, raterHeaders, startTestServer, tokenOf, type TestServer } from './helpers.ts';
import { clientAddress } from '../../src/web/context.ts';
import { parsePublicOrigin } from '../../src/web/http.ts';
import { serveSettings } from '../../src/web/serve.ts';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ raterRate: { burst: 200, perSecond: 100 } });
});
after(async () => srv.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${srv.base}${path}`, { headers });
const post = (path: string, body: unknown, headers: Record<string, string>) => fetch(`${srv.base}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function createStudy(extra: Record<string, unknown> = {}, predictions?: { name: string; text: string }[]) {
  const body = {
    name: 'Pilot study',
    k: 2,
    split: 'test',
    predictions: predictions ?? [
      { name: 'a.jsonl', text: predictionsFor(srv.fixture.threads, 'test', 'model-a') },
      { name: 'b.jsonl', text: predictionsFor(srv.fixture.threads, 'test', 'model-b') },
    ],
    settings: { raters: 2, itemsPerRater: 50, attentionChecks: 1, seed: 3 },
    ...extra,
  };
  return post('/api/admin/studies', body, adminHeaders);
}

describe('explorer', () => {
  test('release and clusters: counts from the index, diagnostics from the release folder', async () => {
    const rel = await (await get('/api/explorer/release')).json() as any;
    assert.deepEqual(rel.ks, [2]);
    assert.equal(rel.threads, 24);
    const res = await get('/api/explorer/clusters?k=2');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('content-security-policy')!, /script-src 'self'/);
    const c = await res.json() as any;
    assert.deepEqual(
      c.clusters.map((x: any) => [x.cluster, x.threads, x.actions.like, x.actions.reply, x.splits.test]),
      [
        [0, 12, 4, 8, 3],
        [1, 12, 4, 8, 3],
      ],
    );
    assert.deepEqual(c.diagnostics.clusters[1].topTerms, ['vote', 'poll']);
    assert.equal(c.diagnostics.pca.points.length, 40);
  });

  test('a release of two K counts its threads once, not once per K', async () => {
    const two = await startTestServer({ alsoK: 3 });
    try {
      const rel = (await (await fetch(`${two.base}/api/explorer/release`)).json()) as any;
      assert.deepEqual(rel.ks, [2, 3]);
      assert.equal(rel.threads, 24);
      const c = (await (await fetch(`${two.base}/api/explorer/clusters?k=3`)).json()) as any;
      assert.deepEqual(c.clusters.map((x: any) => x.threads), [12, 12]);
    } finally {
      await two.close();
    }
  });

  test('keyset paging walks every thread once, in order, with line numbers matching the files', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const q: string = `/api/explorer/threads?k=2&limit=5${after ? `&after=${after}` : ''}`;
      const page = await (await get(q)).json() as any;
      for (const t of page.threads) {
        seen.push(`${t.cluster}:${t.line}`);
        assert.ok(t.messages[0].text.startsWith(`context c${t.cluster} l${t.line}:`), 'line number matches the file line');
        assert.equal(t.messages[t.messages.length - 1].role, 'assistant');
        assert.match(t.messages[0].role, /^user\d$/);
        assert.match(t.messages[0].pseudonym, /^[0-9a-f]{64}$/);
      }
      after = page.next;
      if (!after) break;
    }
    const expected = srv.fixture.threads.map((t) => `${t.cluster}:${t.line}`);
    assert.deepEqual(seen, expected);
  });

  test('filters: cluster, action, split and text search', async () => {
    const page = async (q: string) => (await (await get(`/api/explorer/threads?k=2&limit=100&${q}`)).json() as any).threads as any[];
    assert.equal((await page('cluster=1')).length, 12);
    assert.equal((await page('action=like')).length, 8);
    assert.equal((await page('split=test&cluster=0')).length, 3);
    const hits = await page('q=REAL%20REPLY%20c1%20l4');
    assert.deepEqual(hits.map((t) => `${t.cluster}:${t.line}`), ['1:4']);
    assert.equal((await page('q=%25')).length, 0, 'LIKE wildcards are plain text');
    // Paging under a filter walks exactly the filtered threads, once each, across clusters.
    const walked: string[] = [];
    for (let after = '', guard = 0; guard < 20; guard++) {
      const p = (await (await get(`/api/explorer/threads?k=2&limit=3&action=reply&q=real%20reply${after ? `&after=${after}` : ''}`)).json()) as any;
      walked.push(...p.threads.map((t: any) => `${t.cluster}:${t.line}`));
      if (!p.next) break;
      after = p.next;
    }
    assert.deepEqual(walked, srv.fixture.threads.filter((t) => t.action === 'reply').map((t) => `${t.cluster}:${t.line}`));
    assert.equal((await get('/api/explorer/threads?k=3')).status, 404);
    for (const bad of ['cluster=x', 'split=dev', 'after=1', 'action=DROP%20TABLE', `q=${'x'.repeat(201)}`]) assert.equal((await get(`/api/explorer/threads?k=2&${bad}`)).status, 400, bad);
  });
});

describe('admin', () => {
  test('admin routes need the token; failures are rate-limited per address', async () => {
    const limited = await startTestServer({ clientRate: { burst: 5, perSecond: 0.01 } });
    try {
      const at = (headers: Record<string, string> = {}) => fetch(`${limited.base}/api/admin/studies`, { headers });
      assert.equal((await at()).status, 401);
      const statuses: number[] = [];
      let refused: Response | undefined;
      for (let i = 0; i < 8; i++) {
        const r = await at({ authorization: `Bearer wrong-token-${i}` });
        statuses.push(r.status);
        if (r.status === 429) refused ??= r;
      }
      // Five failures fill the bucket (one was spent above): then every further guess is refused before it is checked.
      assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429, 429, 429]);
      assert.match((await refused!.json() as any).error, /too many failed admin attempts/);
      assert.ok(Number(refused!.headers.get('retry-after')) >= 1);
      assert.equal((await at({ authorization: adminHeaders.authorization })).status, 200, 'the right token still works');
    } finally {
      await limited.close();
    }
  });

  test('state-changing requests need the CSRF header, same origin and JSON', async () => {
    const { 'x-simpact-csrf': _, ...noCsrf } = adminHeaders;
    const r1 = await post('/api/admin/studies', {}, noCsrf);
    assert.equal(r1.status, 403);
    assert.match((await r1.json() as any).error, /x-simpact-csrf/);
    assert.equal((await post('/api/admin/studies', {}, { ...adminHeaders, origin: 'http://evil.example' })).status, 403);
    assert.equal((await post('/api/admin/studies', {}, { ...adminHeaders, 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await post('/api/admin/studies', '{}', { ...adminHeaders, 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post('/api/admin/studies', '{not json', adminHeaders)).status, 400);
  });

  test('a study upload over 32 MiB is refused with 413 before it is read in full', async () => {
    const { request } = await import('node:http');
    const url = new URL(`${srv.base}/api/admin/studies`);
    const reply = await new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...adminHeaders, 'content-length': String(40 * 1024 * 1024) } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          req.destroy();
          done({ status: res.statusCode!, body });
        });
      });
      req.on('error', fail);
      // Only the first chunk is sent: the reply must come from the declared length alone.
      req.write('{"name": "big", "predictions": [');
    });
    assert.equal(reply.status, 413);
    assert.match(JSON.parse(reply.body).error, /body too large \(limit 33554432 bytes\)/);
  });

  test('prediction files that do not match the release are refused with a clear message', async () => {
    const wrongSplit = await createStudy({}, [{ name: 'v.jsonl', text: predictionsFor(srv.fixture.threads, 'validation', 'model-a') }]);
    assert.equal(wrongSplit.status, 422);
    assert.match((await wrongSplit.json() as any).error, /v\.jsonl:1: task-0-1 is in the validation split, not test/);
    const missing = await createStudy({}, [{ name: 'x.jsonl', text: JSON.stringify({ task_id: 'task-0-999', model: 'm', text: 'hi', status: 'ok' }) }]);
    assert.match((await missing.json() as any).error, /x\.jsonl:1: task-0-999 is not a thread of this release at K=2/);
    const garbage = await createStudy({}, [{ name: 'g.jsonl', text: 'not json\n{"model": "m"}' }]);
    const msg = (await garbage.json() as any).error;
    assert.match(msg, /2 problems/);
    assert.match(msg, /g\.jsonl:1: not JSON/);
    // A file made from another release (more lines per cluster, other splits), without a tasks file to compare with.
    const other = writeReleaseFixture(40, { diagnostics: false, splitOffset: 1 });
    try {
      const foreign = await createStudy({}, [{ name: 'other.jsonl', text: predictionsFor(other.threads, 'test', 'model-a') }]);
      assert.equal(foreign.status, 422);
      const fmsg = (await foreign.json() as any).error;
      assert.match(fmsg, /^the prediction file does not match the release \(\d+ problems\): 20 of 20 predictions name no thread of the test split of this release at K=2: was the file made from another release, K or split\?/);
      assert.match(fmsg, /other\.jsonl:1: task-0-3 is in the train split, not test/);
      assert.match(fmsg, /is not a thread of this release at K=2/);
      assert.match(fmsg, /and \d+ more$/);
    } finally {
      rmSync(other.dir, { recursive: true, force: true });
    }
    const preds = [{ name: 'a.jsonl', text: predictionsFor(srv.fixture.threads, 'test', 'model-a') }];
    const otherRelease = await post('/api/admin/studies', { name: 'x', k: 2, split: 'test', predictions: preds, tasks: { name: 't.jsonl', text: tasksFor(srv.fixture.threads, 'test', true) } }, adminHeaders);
    assert.equal(otherRelease.status, 422);
    assert.match(((await otherRelease.json()) as any).error, /a\.jsonl:1: task-0-0 in t\.jsonl is not this release's thread \(made from another release or K\?\)/);
    const sameRelease = await post('/api/admin/studies', { name: 'x', k: 2, split: 'test', predictions: preds, tasks: { name: 't.jsonl', text: tasksFor(srv.fixture.threads, 'test') }, settings: { raters: 1 } }, adminHeaders);
    assert.equal(sameRelease.status, 201, 'the matching tasks file passes');
    const empty = await createStudy({}, [{ name: 'empty.jsonl', text: '\n' }]);
    assert.equal(empty.status, 422);
    assert.equal(((await empty.json()) as any).error, 'empty.jsonl holds no prediction lines');
    const noText = predictionsFor(srv.fixture.threads, 'test', 'baseline:majority').replace(/"text":"[^"]*"/g, '"text":""');
    const baseline = await createStudy({}, [{ name: 'base.jsonl', text: noText }]);
    assert.equal(baseline.status, 422);
    assert.match(((await baseline.json()) as any).error, /^no usable prediction in base\.jsonl \(6 no generated text\): a study needs generated text/);
    assert.equal((await createStudy({ k: 5 })).status, 422);
    assert.equal((await createStudy({ settings: { raters: 0 } })).status, 422);
    const list = await (await get('/api/admin/studies', { authorization: adminHeaders.authorization })).json() as any;
    assert.deepEqual(list.studies.map((x: any) => x.name), ['x'], 'nothing stored for refused studies');
  });
});

describe('study flow', () => {
  test('raters consent, answer once per assigned item, and results match their answers', async () => {
    const res = await createStudy();
    assert.equal(res.status, 201);
    const created = await res.json() as any;
    // Test split: lines 0, 4, 8 per cluster; line 8 is a like (no real text): 4 tasks, answered by two models. Each
    // rater sees each task once (2 per model arm), and both raters get the same four conditions, plus 1 check.
    assert.equal(created.items, 5);
    assert.deepEqual(created.models, ['model-a', 'model-b']);
    assert.deepEqual(created.skipped, { real_post_without_text: 4 }, 'two likes in the test split, once per model');
    const [t0, t1] = created.raterLinks.map(tokenOf);
    assert.match(t0, /^[A-Za-z0-9_-]{43}$/);

    const s0 = await (await get('/api/rater/session', raterHeaders(t0))).json() as any;
    assert.equal(s0.consented, false);
    assert.equal(s0.items.length, 0, 'no items before consent');
    assert.equal((await post('/api/rater/answer', { item: 0, answer: 'real', elapsedMs: 5 }, raterHeaders(t0))).status, 403);
    assert.equal((await post('/api/rater/consent', { consent: false }, raterHeaders(t0))).status, 400);
    for (const t of [t0, t1]) assert.equal((await post('/api/rater/consent', { consent: true }, raterHeaders(t))).status, 200);
    const items0 = (await (await get('/api/rater/session', raterHeaders(t0))).json() as any).items as any[];
    assert.equal(items0.length, 5);
    for (const it of items0) {
      assert.deepEqual(Object.keys(it).sort(), ['answered', 'candidate', 'context', 'item', 'position'], 'no answer key or model name');
    }
    // No thread twice: every non-check item of a rater has its own context (the fixture's contexts name the thread).
    const threads = items0.filter((i) => i.context.length).map((i) => i.context[0].text);
    assert.equal(new Set(threads).size, 4);
    // Rater 0 answers by the text (always right), rater 1 says "real" to everything but the attention check.
    const truth = (c: string) => (c.startsWith('generated by') ? 'ai' : c.startsWith('real reply') ? 'real' : 'unsure');
    for (const it of items0) {
      const r = await post('/api/rater/answer', { item: it.item, answer: truth(it.candidate), elapsedMs: 1200 }, raterHeaders(t0));
      assert.equal(r.status, 201);
    }
    const items1 = (await (await get('/api/rater/session', raterHeaders(t1))).json() as any).items as any[];
    const first = items1[0];
    // The same answer sent five times at once (a double click, a retry): stored once, the rest refused.
    const race = await Promise.all(Array.from({ length: 5 }, () => post('/api/rater/answer', { item: first.item, answer: truth(first.candidate) === 'unsure' ? 'unsure' : 'real', elapsedMs: 800 }, raterHeaders(t1))));
    assert.deepEqual(race.map((r) => r.status).sort(), [201, 409, 409, 409, 409], 'concurrent duplicates: exactly one stored');
    // The refusal carries the stored progress, so the page can show it.
    const refusal = (await race.find((r) => r.status === 409)!.json()) as any;
    assert.deepEqual([refusal.answered, refusal.total], [1, 5]);
    assert.match(refusal.error, /already been answered/);
    for (const it of items1.slice(1)) assert.equal((await post('/api/rater/answer', { item: it.item, answer: truth(it.candidate) === 'unsure' ? 'unsure' : 'real', elapsedMs: 800 }, raterHeaders(t1))).status, 201);

    // Double submission, unassigned item, bad values, oversized body, forged and malformed tokens.
    const dup = await post('/api/rater/answer', { item: items0[0].item, answer: 'ai', elapsedMs: 1 }, raterHeaders(t0));
    assert.equal(dup.status, 409);
    assert.match((await dup.json() as any).error, /already been answered/);
    assert.equal((await post('/api/rater/answer', { item: 999, answer: 'ai', elapsedMs: 1 }, raterHeaders(t0))).status, 403);
    assert.equal((await post('/api/rater/answer', { item: 0, answer: 'maybe', elapsedMs: 1 }, raterHeaders(t0))).status, 400);
    assert.equal((await post('/api/rater/answer', { item: 0, answer: 'ai', elapsedMs: -1 }, raterHeaders(t0))).status, 400);
    assert.equal((await post('/api/rater/answer', { item: 0, answer: 'ai', elapsedMs: 1.5 }, raterHeaders(t0))).status, 400);
    assert.equal((await post('/api/rater/answer', { item: 0, answer: 'ai', elapsedMs: 1, pad: 'x'.repeat(10_000) }, raterHeaders(t0))).status, 413);
    const forged = 'A'.repeat(43);
    assert.equal((await get('/api/rater/session', raterHeaders(forged))).status, 401);
    assert.equal((await get('/api/rater/session', raterHeaders('short'))).status, 401);
    assert.equal((await post('/api/rater/answer', { item: 0, answer: 'ai', elapsedMs: 1 }, { ...raterHeaders(t0), 'x-simpact-csrf': '0' })).status, 403);

    const results = await (await get(`/api/admin/studies/${created.id}/results`, { authorization: adminHeaders.authorization })).json() as any;
    assert.equal(results.results.responses, 10, 'every answer stored once');
    const exported = await (await get(`/api/admin/studies/${created.id}/export.json`, { authorization: adminHeaders.authorization })).json() as any;
    for (const r of [0, 1]) {
      const tasks = exported.responses.filter((x: any) => x.raterNo === r && x.taskId).map((x: any) => x.taskId);
      assert.equal(new Set(tasks).size, 4, `rater ${r} saw each of the 4 tasks once`);
    }
    for (const m of results.results.models) {
      const rows = exported.responses.filter((r: any) => r.model === m.model);
      // Per rater and arm: two tasks, one showing the real post and one the model's (real share 0.5).
      assert.equal(rows.filter((r: any) => r.kind === 'real').length, 2);
      // Rater 0: all right. Rater 1: right on the real post only.
      assert.equal(m.n, 4);
      assert.equal(m.correct, 3);
      assert.equal(m.unsure, 0);
      assert.equal(m.accuracy, 3 / 4);
      assert.equal(m.agreement.itemsWithTwoOrMore, 2, 'both raters rated the same items');
      assert.equal(m.agreement.pairwise, 1 / 2);
    }
    assert.deepEqual(results.results.attention.map((a: any) => a.passed), [1, 1]);
    const csv = await (await get(`/api/admin/studies/${created.id}/export.csv`, { authorization: adminHeaders.authorization })).text();
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'study_id,rater,item,kind,model,task_id,expected,answer,score,elapsed_ms,answered_at');
    assert.equal(lines.length, 11);
  });

  test("a rater's token reaches only its own study", async () => {
    const a = await (await createStudy({ name: 'A' })).json() as any;
    const b = await (await createStudy({ name: 'B', settings: { raters: 1, itemsPerRater: 2, attentionChecks: 0, seed: 9 } })).json() as any;
    const tb = tokenOf(b.raterLinks[0]);
    await post('/api/rater/consent', { consent: true }, raterHeaders(tb));
    const mine = (await (await get('/api/rater/session', raterHeaders(tb))).json() as any).items as any[];
    assert.equal(mine.length, 2);
    // Item numbers of study A that B's rater was not given are refused, and nothing lands in A.
    const notMine = [...Array(a.items).keys()].find((n) => !mine.some((i) => i.item === n))!;
    assert.equal((await post('/api/rater/answer', { item: notMine, answer: 'ai', elapsedMs: 1, study: a.id }, raterHeaders(tb))).status, 403);
    assert.equal((await post('/api/rater/answer', { item: mine[0].item, answer: 'ai', elapsedMs: 1, study: a.id }, raterHeaders(tb))).status, 201);
    const ra = await (await get(`/api/admin/studies/${a.id}/results`, { authorization: adminHeaders.authorization })).json() as any;
    const rb = await (await get(`/api/admin/studies/${b.id}/results`, { authorization: adminHeaders.authorization })).json() as any;
    assert.equal(ra.results.responses, 0);
    assert.equal(rb.results.responses, 1);
    assert.equal((await get('/api/admin/studies/s000000000000/results', { authorization: adminHeaders.authorization })).status, 404);
  });

  test('a torn last line is skipped and counted; a page open for days stores the capped time', async () => {
    const text = `${predictionsFor(srv.fixture.threads, 'test', 'model-t')}\n{"task_id": "task-1-4", "model": "model-t", "content": "", "sta`;
    const res = await createStudy({ name: 'T', settings: { raters: 1, itemsPerRater: 2, attentionChecks: 0, seed: 4 } }, [{ name: 'torn.jsonl', text }]);
    assert.equal(res.status, 201);
    const created = (await res.json()) as any;
    assert.deepEqual(created.skipped, { real_post_without_text: 2, torn_line: 1 });
    const lineNo = text.split('\n').length;
    assert.deepEqual(created.notes.length, 1);
    assert.match(created.notes[0], new RegExp(`^torn\\.jsonl:${lineNo}: torn last line \\(JSON cut off`));
    const t = tokenOf(created.raterLinks[0]);
    await post('/api/rater/consent', { consent: true }, raterHeaders(t));
    const items = ((await (await get('/api/rater/session', raterHeaders(t))).json()) as any).items;
    assert.equal((await post('/api/rater/answer', { item: items[0].item, answer: 'ai', elapsedMs: 3 * 24 * 3600 * 1000 }, raterHeaders(t))).status, 201);
    const exported = (await (await get(`/api/admin/studies/${created.id}/export.json`, { authorization: adminHeaders.authorization })).json()) as any;
    assert.equal(exported.responses[0].elapsedMs, 24 * 3600 * 1000);
  });
});

test('closing a study withdraws its links (410) and keeps the answers', async () => {
  const created = (await (await createStudy({ name: 'C', settings: { raters: 1, itemsPerRater: 3, attentionChecks: 0, seed: 1 } })).json()) as any;
  const t = tokenOf(created.raterLinks[0]);
  await post('/api/rater/consent', { consent: true }, raterHeaders(t));
  const items = ((await (await get('/api/rater/session', raterHeaders(t))).json()) as any).items;
  assert.equal((await post('/api/rater/answer', { item: items[0].item, answer: 'real', elapsedMs: 10 }, raterHeaders(t))).status, 201);
  const { 'x-simpact-csrf': _, ...noCsrf } = adminHeaders;
  assert.equal((await post(`/api/admin/studies/${created.id}/close`, {}, noCsrf)).status, 403);
  assert.equal((await post(`/api/admin/studies/${created.id}/close`, {}, adminHeaders)).status, 200);
  const gone = await post('/api/rater/answer', { item: items[1].item, answer: 'real', elapsedMs: 10 }, raterHeaders(t));
  assert.equal(gone.status, 410);
  assert.match(((await gone.json()) as any).error, /closed or the link has expired/);
  const res = (await (await get(`/api/admin/studies/${created.id}/results`, { authorization: adminHeaders.authorization })).json()) as any;
  assert.equal(res.results.responses, 1);
  assert.match(res.study.closedAt, /^\d{4}-\d\d-\d\dT/);
});

test('per-link rate limit and the API-only server', async () => {
  const limited = await startTestServer({ raterRate: { burst: 3, perSecond: 0.01 } });
  try {
    const res = await fetch(`${limited.base}/api/admin/studies`, {
      method: 'POST',
      headers: adminHeaders,
      body: JSON.stringify({ name: 'r', k: 2, split: 'test', predictions: [{ name: 'a', text: predictionsFor(limited.fixture.threads, 'test', 'm') }], settings: { raters: 2 } }),
    });
    const links = (await res.json() as any).raterLinks.map(tokenOf);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.base}/api/rater/session`, { headers: raterHeaders(links[0]) })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    // Another link has its own bucket.
    assert.equal((await fetch(`${limited.base}/api/rater/session`, { headers: raterHeaders(links[1]) })).status, 200);
    const page = await fetch(`${limited.base}/explore`);
    assert.equal(page.status, 404);
  } finally {
    await limited.close();
  }
});

describe('explorer access', () => {
  test('the explorer is rate-limited per address', async () => {
    const limited = await startTestServer({ explorerRate: { burst: 3, perSecond: 0.01 } });
    try {
      const statuses: number[] = [];
      let refused: Response | undefined;
      for (let i = 0; i < 5; i++) {
        const r = await fetch(`${limited.base}/api/explorer/threads?k=2&q=budget`);
        statuses.push(r.status);
        if (r.status === 429) refused ??= r;
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      assert.match(((await refused!.json()) as any).error, /too many explorer requests/);
      assert.ok(Number(refused!.headers.get('retry-after')) >= 1);
      // The admin token is not limited; a wrong one is.
      assert.equal((await fetch(`${limited.base}/api/explorer/threads?k=2`, { headers: { authorization: adminHeaders.authorization } })).status, 200);
      assert.equal((await fetch(`${limited.base}/api/explorer/threads?k=2`, { headers: { authorization: 'Bearer wrong-token' } })).status, 429);
      // The same address, refused by the explorer, still consents and answers study items.
      const p = (path: string, body: unknown, headers: Record<string, string>) => fetch(`${limited.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const res = await p('/api/admin/studies', { name: 'E', k: 2, split: 'test', predictions: [{ name: 'a', text: predictionsFor(limited.fixture.threads, 'test', 'm') }], settings: { raters: 1, itemsPerRater: 3, attentionChecks: 0, seed: 2 } }, adminHeaders);
      assert.equal(res.status, 201);
      const t = tokenOf(((await res.json()) as any).raterLinks[0]);
      assert.equal((await p('/api/rater/consent', { consent: true }, raterHeaders(t))).status, 200);
      const items = ((await (await fetch(`${limited.base}/api/rater/session`, { headers: raterHeaders(t) })).json()) as any).items;
      for (const it of items) assert.equal((await p('/api/rater/answer', { item: it.item, answer: 'ai', elapsedMs: 10 }, raterHeaders(t))).status, 201);
      assert.equal((await fetch(`${limited.base}/api/explorer/release`)).status, 429, 'and the explorer still refuses it');
    } finally {
      await limited.close();
    }
  });

  test('with explorerToken the explorer needs the admin token; on loopback it is open by default', async () => {
    assert.equal(srv.running.explorerNeedsToken, false, 'bound to 127.0.0.1: open');
    const locked = await startTestServer({ explorerToken: true });
    try {
      assert.equal(locked.running.explorerNeedsToken, true);
      for (const path of ['/api/explorer/release', '/api/explorer/clusters?k=2', '/api/explorer/threads?k=2']) {
        assert.equal((await fetch(`${locked.base}${path}`)).status, 401, path);
        assert.equal((await fetch(`${locked.base}${path}`, { headers: { authorization: 'Bearer wrong-token' } })).status, 401, path);
        assert.equal((await fetch(`${locked.base}${path}`, { headers: { authorization: adminHeaders.authorization } })).status, 200, path);
      }
    } finally {
      await locked.close();
    }
  });

  test('explorer queries cannot hold up answers: their own connection and queue, and a bounded queue', async () => {
    const own = await startTestServer({ explorerRate: { burst: 1000, perSecond: 1000 } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    try {
      const p = (path: string, body: unknown, headers: Record<string, string>) => fetch(`${own.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const res = await p('/api/admin/studies', { name: 'S', k: 2, split: 'test', predictions: [{ name: 'a', text: predictionsFor(own.fixture.threads, 'test', 'm') }], settings: { raters: 1, itemsPerRater: 3, attentionChecks: 0, seed: 2 } }, adminHeaders);
      const t = tokenOf(((await res.json()) as any).raterLinks[0]);
      await p('/api/rater/consent', { consent: true }, raterHeaders(t));
      const items = ((await (await fetch(`${own.base}/api/rater/session`, { headers: raterHeaders(t) })).json()) as any).items;
      // Keep the explorer's queue busy (as a flood of full-scan searches would) and queue explorer requests behind it.
      const blocker = own.running.queues.explorer.run(() => gate);
      let explorerDone = false;
      const searches = Array.from({ length: 3 }, () => fetch(`${own.base}/api/explorer/threads?k=2&q=nothing-matches`).then((r) => ((explorerDone = true), r)));
      const answered = await p('/api/rater/answer', { item: items[0].item, answer: 'ai', elapsedMs: 10 }, raterHeaders(t));
      assert.equal(answered.status, 201);
      assert.equal(explorerDone, false, 'the answer went through while explorer queries were still waiting');
      // More waiting explorer requests than the bound are refused at once instead of piling up.
      const refusedNow: number[] = [];
      const flood = Array.from({ length: 20 }, () => fetch(`${own.base}/api/explorer/threads?k=2&q=x`).then(async (r) => (await r.arrayBuffer(), r.status === 503 && refusedNow.push(1), r.status)));
      const deadline = Date.now() + 10_000;
      while (refusedNow.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(refusedNow.length > 0, 'a full explorer queue answers 503 while it is full');
      release();
      await blocker;
      for (const r of await Promise.all(searches)) assert.equal(r.status, 200);
      const statuses = await Promise.all(flood);
      assert.ok(statuses.every((x) => x === 200 || x === 503));
    } finally {
      release();
      await own.close();
    }
  });
});

describe('behind a reverse proxy', () => {
  test('--public-origin: POSTs from the public origin pass, others are refused with a hint', async () => {
    const body = JSON.stringify({ consent: true });
    const headersFor = (origin: string) => ({ ...adminHeaders, origin, 'sec-fetch-site': 'same-origin' });
    const plain = await startTestServer();
    const proxied = await startTestServer({ publicOrigins: [parsePublicOrigin('https://Study.Example.org/')] });
    try {
      // The proxy forwards the upstream Host (127.0.0.1:port) while the browser's Origin is the public one.
      const refused = await fetch(`${plain.base}/api/admin/studies`, { method: 'POST', headers: headersFor('https://study.example.org'), body });
      assert.equal(refused.status, 403);
      assert.match(((await refused.json()) as any).error, /--public-origin/);
      const ok = await fetch(`${proxied.base}/api/admin/studies`, { method: 'POST', headers: headersFor('https://study.example.org'), body });
      assert.equal(ok.status, 400, 'past the origin check (the body is not a study)');
      assert.equal((await fetch(`${proxied.base}/api/admin/studies`, { method: 'POST', headers: headersFor('https://evil.example'), body })).status, 403);
      assert.equal((await fetch(`${proxied.base}/api/admin/studies`, { method: 'POST', headers: headersFor('http://study.example.org'), body })).status, 403, 'the scheme is part of the origin');
      assert.equal((await fetch(`${proxied.base}/api/admin/studies`, { method: 'POST', headers: { ...headersFor('https://study.example.org'), 'sec-fetch-site': 'cross-site' }, body })).status, 403, 'Sec-Fetch-Site still counts');
      const { 'x-simpact-csrf': _, ...noCsrf } = headersFor('https://study.example.org');
      assert.equal((await fetch(`${proxied.base}/api/admin/studies`, { method: 'POST', headers: noCsrf, body })).status, 403, 'the custom header is still required');
    } finally {
      await plain.close();
      await proxied.close();
    }
  });

  test('public origins are validated; X-Forwarded-For counts only with trustProxy, and only its last hop', () => {
    assert.equal(parsePublicOrigin('https://study.example.org'), 'https://study.example.org');
    assert.equal(parsePublicOrigin('http://LOCALHOST:8443/'), 'http://localhost:8443');
    for (const bad of ['study.example.org', 'ftp://x.org', 'https://x.org/study', 'https://u:p@x.org', 'https://x.org/?a=1']) assert.throws(() => parsePublicOrigin(bad), /--public-origin/, bad);
    const req = (xff?: string) => ({ socket: { remoteAddress: '127.0.0.1' }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as any;
    assert.equal(clientAddress({ trustProxy: false }, req('203.0.113.9')), '127.0.0.1');
    assert.equal(clientAddress({ trustProxy: true }, req('198.51.100.1, 203.0.113.9')), '203.0.113.9');
    assert.equal(clientAddress({ trustProxy: true }, req()), '127.0.0.1');
    assert.equal(clientAddress({ trustProxy: true }, req('not an address')), '127.0.0.1');
  });

  test('serve settings: the explorer needs the token off loopback; the admin token and --explorer are checked', () => {
    assert.equal(serveSettings({ host: '127.0.0.1' }, {}).explorerToken, false);
    assert.equal(serveSettings({ host: 'localhost' }, {}).explorerToken, false);
    assert.equal(serveSettings({ host: '::1' }, {}).explorerToken, false);
    assert.equal(serveSettings({ host: '0.0.0.0' }, {}).explorerToken, true);
    assert.equal(serveSettings({ host: '192.168.1.20' }, {}).explorerToken, true);
    assert.equal(serveSettings({ host: '0.0.0.0', explorer: 'open' }, {}).explorerToken, false);
    assert.equal(serveSettings({ host: '127.0.0.1', explorer: 'token' }, {}).explorerToken, true);
    assert.throws(() => serveSettings({ host: '127.0.0.1', explorer: 'public' }, {}), /--explorer must be open or token/);
    assert.throws(() => serveSettings({ host: '127.0.0.1' }, { SIMPACT_ADMIN_TOKEN: 'short' }), /SIMPACT_ADMIN_TOKEN must be 20 to 200/);
    assert.deepEqual(serveSettings({ host: '127.0.0.1', publicOrigins: ['https://a.example.org,https://b.example.org:8443'] }, {}).publicOrigins, ['https://a.example.org', 'https://b.example.org:8443']);
    assert.throws(() => serveSettings({ host: '127.0.0.1', publicOrigins: ['a.example.org'] }, {}), /is not a URL/);
  });
});
