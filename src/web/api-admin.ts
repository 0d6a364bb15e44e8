// Admin API (bearer admin token): create studies, list them, results per model, CSV and JSON export.
import { closeStudy, getStudy, listStudies, type ResponseRow } from '../store/studies.ts';
import type { Request, WebContext } from './context.ts';
import { clientAddress, LIMITS } from './context.ts';
import { bearer, checkSameOrigin, HttpError, readJson, sendJson, sendText } from './http.ts';
import { createStudy, StudyInputError, type PredictionFile } from './study/create.ts';
import { DEFAULT_SETTINGS, type StudySettings } from './study/design.ts';
import { studyReport } from './study/report.ts';
import { tokenMatches } from './tokens.ts';

/** The admin token (Bearer) or 401; failures are rate-limited per address (429). Used by the explorer when it needs the token. */
export function authorise(ctx: WebContext, r: Request): void {
  const ip = clientAddress(ctx, r.req);
  const token = bearer(r.req);
  if (!token || !tokenMatches(token, ctx.adminTokenHash)) {
    // Failed attempts spend the address's bucket, so the admin token cannot be guessed at speed.
    if (!ctx.clientLimiter.take(`admin-fail:${ip}`)) throw new HttpError(429, 'too many failed admin attempts', { 'retry-after': String(ctx.clientLimiter.retryAfter(`admin-fail:${ip}`)) });
    throw new HttpError(401, 'admin token missing or wrong');
  }
}

function parseCreate(body: any): { name: string; k: number; split: string; predictions: PredictionFile[]; tasks?: PredictionFile; settings: StudySettings } {
  if (!body || typeof body !== 'object') throw new HttpError(400, 'the body must be a JSON object');
  const preds = body.predictions;
  if (!Array.isArray(preds) || preds.length === 0 || preds.length > 20) throw new HttpError(400, 'predictions must be a list of 1 to 20 files {name, text}');
  for (const p of preds) if (!p || typeof p.name !== 'string' || typeof p.text !== 'string' || p.name.length > 200) throw new HttpError(400, 'each prediction file needs a name (≤ 200 characters) and text');
  const tasks = body.tasks;
  if (tasks !== undefined && tasks !== null && (typeof tasks.name !== 'string' || typeof tasks.text !== 'string' || tasks.name.length > 200)) throw new HttpError(400, 'tasks must be a file {name, text}');
  const s = body.settings ?? {};
  const settings: StudySettings = {
    raters: s.raters ?? DEFAULT_SETTINGS.raters,
    itemsPerRater: s.itemsPerRater ?? DEFAULT_SETTINGS.itemsPerRater,
    showContext: s.showContext ?? DEFAULT_SETTINGS.showContext,
    realShare: s.realShare ?? DEFAULT_SETTINGS.realShare,
    attentionChecks: s.attentionChecks ?? DEFAULT_SETTINGS.attentionChecks,
    seed: s.seed ?? DEFAULT_SETTINGS.seed,
    linkDays: s.linkDays ?? DEFAULT_SETTINGS.linkDays,
  };
  return {
    name: typeof body.name === 'string' ? body.name : '',
    k: Number(body.k),
    split: typeof body.split === 'string' ? body.split : '',
    predictions: preds.map((p: any) => ({ name: p.name, text: p.text })),
    ...(tasks ? { tasks: { name: tasks.name, text: tasks.text } } : {}),
    settings,
  };
}

const CSV_COLUMNS = ['study_id', 'rater', 'item', 'kind', 'model', 'task_id', 'expected', 'answer', 'score', 'elapsed_ms', 'answered_at'];

/** A CSV field: quoted when needed, and with a leading quote when a spreadsheet would read it as a formula. */
export function csvField(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function score(r: ResponseRow): number {
  return r.answer === 'unsure' ? 0.5 : r.answer === r.expected ? 1 : 0;
}

export function responsesCsv(studyId: string, rows: readonly ResponseRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push([studyId, r.raterNo, r.itemNo, r.kind, r.model, r.taskId, r.expected, r.answer, score(r), r.elapsedMs, r.answeredAt].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export async function adminRoute(ctx: WebContext, r: Request): Promise<void> {
  authorise(ctx, r);
  const [what, id, sub] = r.parts;
  if (what !== 'studies') throw new HttpError(404, 'no such admin resource');
  if (!id) {
    if (r.req.method === 'GET') return sendJson(r.res, 200, { studies: await ctx.serial.run(() => listStudies(ctx.store)), release: { id: ctx.release.id, ks: ctx.release.ks } });
    if (r.req.method !== 'POST') throw new HttpError(405, 'use GET or POST');
    checkSameOrigin(r.req, ctx.publicOrigins);
    const input = parseCreate(await readJson(r.req, LIMITS.adminBody));
    try {
      // Thread lookups on the explorer's connection; only the insert (one bulk statement per table) queues with answers.
      const created = await createStudy(ctx.store, ctx.release, input, { reader: ctx.reader, read: (fn) => ctx.readSerial.run(fn), write: (fn) => ctx.serial.run(fn) });
      return sendJson(r.res, 201, { ...created, raterLinks: created.raterTokens.map((t) => `/rate#t=${t}`) });
    } catch (err) {
      if (err instanceof StudyInputError) throw new HttpError(422, err.message);
      throw err;
    }
  }
  if (!/^s[0-9a-f]{12}$/.test(id)) throw new HttpError(404, 'no such study');
  if (sub === 'close' && r.req.method === 'POST') {
    checkSameOrigin(r.req, ctx.publicOrigins);
    if (!(await ctx.serial.run(() => closeStudy(ctx.store, id)))) throw new HttpError(404, 'no such study');
    return sendJson(r.res, 200, { closed: true });
  }
  if (r.req.method !== 'GET') throw new HttpError(405, 'use GET');
  if (sub !== 'results' && sub !== 'export.json' && sub !== 'export.csv') {
    if (!(await ctx.serial.run(() => getStudy(ctx.store, id)))) throw new HttpError(404, 'no such study');
    throw new HttpError(404, 'no such study resource');
  }
  const found = await studyReport(ctx.store, id, { excludeInattentive: r.url.searchParams.get('exclude') === 'inattentive', responses: sub === 'export.json' }, (fn) => ctx.serial.run(fn));
  if (!found) throw new HttpError(404, 'no such study');
  if (sub === 'export.csv') return sendText(r.res, 200, responsesCsv(id, found.rows), 'text/csv; charset=utf-8', { 'content-disposition': `attachment; filename="${id}.csv"` });
  return sendJson(r.res, 200, found.report, sub === 'export.json' ? { 'content-disposition': `attachment; filename="${id}.json"` } : {});
}
