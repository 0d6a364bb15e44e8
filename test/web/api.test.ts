import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { predictionsFor, tasksFor } from './fixture.ts';
import { adminHeaders, raterHeaders, startTestServer, tokenOf, type TestServer } from './helpers.ts';

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
    assert.equal((await get('/api/explorer/threads?k=3')).status, 404);
    for (const bad of ['cluster=x', 'split=dev', 'after=1', 'action=DROP%20TABLE', `q=${'x'.repeat(201)}`]) assert.equal((await get(`/api/explorer/threads?k=2&${bad}`)).status, 400, bad);
  });
});

describe('admin', () => {
  test('admin routes need the token; failures are rate-limited per address', async () => {
    assert.equal((await get('/api/admin/studies')).status, 401);
    assert.equal((await get('/api/admin/studies', { authorization: 'Bearer wrong-token' })).status, 401);
    assert.equal((await get('/api/admin/studies', { authorization: adminHeaders.authorization })).status, 200);
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
    const preds = [{ name: 'a.jsonl', text: predictionsFor(srv.fixture.threads, 'test', 'model-a') }];
    const otherRelease = await post('/api/admin/studies', { name: 'x', k: 2, split: 'test', predictions: preds, tasks: { name: 't.jsonl', text: tasksFor(srv.fixture.threads, 'test', true) } }, adminHeaders);
    assert.equal(otherRelease.status, 422);
    assert.match(((await otherRelease.json()) as any).error, /a\.jsonl:1: task-0-0 in t\.jsonl is not this release's thread \(made from another release or K\?\)/);
    const sameRelease = await post('/api/admin/studies', { name: 'x', k: 2, split: 'test', predictions: preds, tasks: { name: 't.jsonl', text: tasksFor(srv.fixture.threads, 'test') }, settings: { raters: 1 } }, adminHeaders);
    assert.equal(sameRelease.status, 201, 'the matching tasks file passes');
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
    // Test split: lines 0, 4, 8 per cluster; line 8 is a like (no real text), so 4 tasks × 2 models + 1 check.
    assert.equal(created.items, 9);
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
    assert.equal(items0.length, 9);
    for (const it of items0) {
      assert.deepEqual(Object.keys(it).sort(), ['answered', 'candidate', 'context', 'item', 'position'], 'no answer key or model name');
    }
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
    for (const it of items1.slice(1)) assert.equal((await post('/api/rater/answer', { item: it.item, answer: truth(it.candidate) === 'unsure' ? 'unsure' : 'real', elapsedMs: 800 }, raterHeaders(t1))).status, 201);

    // Double submission, unassigned item, bad values, oversized body, forged and malformed tokens.
    const dup = await post('/api/rater/answer', { item: items0[0].item, answer: 'ai', elapsedMs: 1 }, raterHeaders(t0));
    assert.equal(dup.status, 409);
    assert.match((await dup.json() as any).error, /already been answered/);
    assert.equal((await post('/api/rater/answer', { item: 999, answer: 'ai', elapsedMs: 1 }, raterHeaders(t0))).status, 403);
    assert.equal((await post('/api/rater/answer', { item: 0, answer: 'maybe', elapsedMs: 1 }, raterHeaders(t0))).status, 400);
    assert.equal((await post('/api/rater/answer', { item: 0, answer: 'ai', elapsedMs: -1 }, raterHeaders(t0))).status, 400);
    assert.equal((await post('/api/rater/answer', { item: 0, answer: 'ai', elapsedMs: 1, pad: 'x'.repeat(10_000) }, raterHeaders(t0))).status, 413);
    const forged = 'A'.repeat(43);
    assert.equal((await get('/api/rater/session', raterHeaders(forged))).status, 401);
    assert.equal((await get('/api/rater/session', raterHeaders('short'))).status, 401);
    assert.equal((await post('/api/rater/answer', { item: 0, answer: 'ai', elapsedMs: 1 }, { ...raterHeaders(t0), 'x-simpact-csrf': '0' })).status, 403);

    const results = await (await get(`/api/admin/studies/${created.id}/results`, { authorization: adminHeaders.authorization })).json() as any;
    assert.equal(results.results.responses, 18, 'every answer stored once');
    const exported = await (await get(`/api/admin/studies/${created.id}/export.json`, { authorization: adminHeaders.authorization })).json() as any;
    for (const m of results.results.models) {
      const rows = exported.responses.filter((r: any) => r.model === m.model);
      const real = rows.filter((r: any) => r.kind === 'real').length / 2;
      // Rater 0: all right. Rater 1: right on the real posts only.
      assert.equal(m.n, 8);
      assert.equal(m.correct, 4 + real);
      assert.equal(m.unsure, 0);
      assert.equal(m.accuracy, (4 + real) / 8);
      assert.equal(m.agreement.itemsWithTwoOrMore, 4);
      assert.equal(m.agreement.pairwise, real / 4);
    }
    assert.deepEqual(results.results.attention.map((a: any) => a.passed), [1, 1]);
    const csv = await (await get(`/api/admin/studies/${created.id}/export.csv`, { authorization: adminHeaders.authorization })).text();
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'study_id,rater,item,kind,model,task_id,expected,answer,score,elapsed_ms,answered_at');
    assert.equal(lines.length, 19);
  });

  test("a rater's token reaches only its own study", async () => {
    const a = await (await createStudy({ name: 'A' })).json() as any;
    const b = await (await createStudy({ name: 'B', settings: { raters: 1, itemsPerRater: 2, attentionChecks: 0, seed: 9 } })).json() as any;
    const tb = tokenOf(b.raterLinks[0]);
    await post('/api/rater/consent', { consent: true }, raterHeaders(tb));
    const mine = (await (await get('/api/rater/session', raterHeaders(tb))).json() as any).items as any[];
    assert.equal(mine.length, 2);
    // Item numbers of study A that B's rater was not given are refused, and nothing lands in A.
    const notMine = [...Array(9).keys()].find((n) => !mine.some((i) => i.item === n))!;
    assert.equal((await post('/api/rater/answer', { item: notMine, answer: 'ai', elapsedMs: 1, study: a.id }, raterHeaders(tb))).status, 403);
    assert.equal((await post('/api/rater/answer', { item: mine[0].item, answer: 'ai', elapsedMs: 1, study: a.id }, raterHeaders(tb))).status, 201);
    const ra = await (await get(`/api/admin/studies/${a.id}/results`, { authorization: adminHeaders.authorization })).json() as any;
    const rb = await (await get(`/api/admin/studies/${b.id}/results`, { authorization: adminHeaders.authorization })).json() as any;
    assert.equal(ra.results.responses, 0);
    assert.equal(rb.results.responses, 1);
    assert.equal((await get('/api/admin/studies/s000000000000/results', { authorization: adminHeaders.authorization })).status, 404);
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
