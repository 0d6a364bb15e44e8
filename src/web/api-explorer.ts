// Explorer API (read-only): release summary, clusters of a K with diagnostics, and a paged thread browser.
import { clusterRows, pageThreads, type ThreadFilter } from '../store/explorer.ts';
import { sampleRoles } from '../threads/sample.ts';
import { authorise } from './api-admin.ts';
import type { Request, WebContext } from './context.ts';
import { clientAddress, LIMITS } from './context.ts';
import { bearer, HttpError, sendJson } from './http.ts';
import { tokenMatches } from './tokens.ts';
import { readDiagnostics } from './release.ts';
import { indexedRelease } from '../store/explorer.ts';

/** Explorer requests waiting for the explorer's connection beyond which new ones are refused (503) rather than queued. */
const MAX_QUEUED = 16;

function intParam(url: URL, name: string, min = 0): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min) throw new HttpError(400, `${name} must be an integer >= ${min}`);
  return Number(v);
}

function kParam(ctx: WebContext, url: URL): number {
  const k = intParam(url, 'k', 1) ?? ctx.release.ks[0];
  if (!ctx.release.ks.includes(k)) throw new HttpError(404, `K=${k} is not in this release`);
  return k;
}

/** A released message for display: role, pseudonym (the released user_id), time rank, text or action. */
export function displayThread(record: string): { role: string; pseudonym: string; time: number | null; text?: string; action?: string }[] {
  const thread = (JSON.parse(record) as { thread: any[] }).thread;
  const roles = sampleRoles(thread);
  return thread.map((m, i) => {
    const out: { role: string; pseudonym: string; time: number | null; text?: string; action?: string } = {
      role: roles[i],
      pseudonym: String(m.user_id),
      time: typeof m.relative_integer_time === 'number' ? m.relative_integer_time : null,
    };
    if (typeof m.text === 'string') out.text = m.text;
    const action = m.actions && typeof m.actions === 'object' ? Object.entries(m.actions).find(([, v]) => v === true)?.[0] : undefined;
    if (action) out.action = action;
    return out;
  });
}

export async function explorerRoute(ctx: WebContext, r: Request): Promise<void> {
  const [what] = r.parts;
  const ip = clientAddress(ctx, r.req);
  // The admin (a valid admin token) is not rate-limited; everyone else has a bucket per address. The bucket is the
  // explorer's own, so a client the explorer refuses can still answer study items (the rater API has its own limits),
  // and the bounded queue below still keeps admin requests from piling up.
  const token = bearer(r.req);
  const admin = token !== undefined && tokenMatches(token, ctx.adminTokenHash);
  if (!admin && !ctx.explorerLimiter.take(`explorer:${ip}`)) throw new HttpError(429, 'too many explorer requests from this address; wait a moment', { 'retry-after': String(ctx.explorerLimiter.retryAfter(`explorer:${ip}`)) });
  if (ctx.explorerNeedsToken && !admin) authorise(ctx, r);
  if (r.req.method !== 'GET') throw new HttpError(405, 'use GET');
  if (ctx.readSerial.pending >= MAX_QUEUED) throw new HttpError(503, 'the explorer is busy; try again in a moment', { 'retry-after': '1' });
  // Every query runs on the explorer's own connection and queue, never in the way of rater answers.
  const read = <T>(fn: () => Promise<T>) => ctx.readSerial.run(fn);
  if (what === 'release') {
    const idx = await read(() => indexedRelease(ctx.reader, ctx.release.id));
    const m = ctx.release.manifest as any;
    // Every K holds every released thread: the release's own count, else the index's (one row per K and thread) per K.
    const threads = typeof m.counts?.threads === 'number' ? m.counts.threads : Math.round((idx?.threads ?? 0) / Math.max(1, ctx.release.ks.length));
    return sendJson(r.res, 200, { id: ctx.release.id, ks: ctx.release.ks, threads, users: m.counts?.users ?? null, settings: { compat: m.settings?.compat ?? null, split: m.settings?.split ?? null } });
  }
  if (what === 'clusters') {
    const k = kParam(ctx, r.url);
    const rows = await read(() => clusterRows(ctx.reader, ctx.release.id, k));
    return sendJson(r.res, 200, { k, clusters: rows, diagnostics: readDiagnostics(ctx.release, k) });
  }
  if (what === 'threads') {
    const k = kParam(ctx, r.url);
    const f: ThreadFilter = { k, limit: Math.min(intParam(r.url, 'limit', 1) ?? 25, LIMITS.pageSize) };
    f.cluster = intParam(r.url, 'cluster');
    const action = r.url.searchParams.get('action');
    if (action) {
      if (!/^[a-z_]{1,20}$/.test(action)) throw new HttpError(400, 'action must be an action key');
      f.action = action;
    }
    const split = r.url.searchParams.get('split');
    if (split) {
      if (!['train', 'validation', 'test'].includes(split)) throw new HttpError(400, 'split must be train, validation or test');
      f.split = split;
    }
    const q = r.url.searchParams.get('q');
    if (q) {
      if (q.length > 200) throw new HttpError(400, 'search text is limited to 200 characters');
      f.text = q;
    }
    const after = r.url.searchParams.get('after');
    if (after) {
      const m = /^(\d{1,9}):(\d{1,9})$/.exec(after);
      if (!m) throw new HttpError(400, 'after must be <cluster>:<line>');
      f.after = { cluster: Number(m[1]), line: Number(m[2]) };
    }
    const page = await read(() => pageThreads(ctx.reader, ctx.release.id, f));
    const last = page.rows[page.rows.length - 1];
    return sendJson(r.res, 200, {
      k,
      threads: page.rows.map((t) => ({ cluster: t.cluster, line: t.line, split: t.split, action: t.action, messages: displayThread(t.record) })),
      next: page.more && last ? `${last.cluster}:${last.line}` : null,
    });
  }
  throw new HttpError(404, 'no such explorer resource');
}
