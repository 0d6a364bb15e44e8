// Rater API: the link token (sent in the x-rater-token header, read by the page from the link's #fragment) names
// one rater of one study; everything a rater can read or write is looked up through it, so no request can reach
// another study. Rate-limited per link.
import { assignedItems, getStudy, raterByTokenHash, raterCounts, recordConsent, recordResponse, type Answer, type RaterRef } from '../store/studies.ts';
import type { Request, WebContext } from './context.ts';
import { clientAddress, LIMITS } from './context.ts';
import { checkSameOrigin, HttpError, readJson, sendJson } from './http.ts';
import { hashToken, isTokenShape } from './tokens.ts';

const ANSWERS: readonly Answer[] = ['real', 'ai', 'unsure'];
/** Response times above a day are stored as a day. */
export const MAX_ELAPSED_MS = 24 * 3600 * 1000;

async function rater(ctx: WebContext, r: Request): Promise<RaterRef> {
  const token = r.req.headers['x-rater-token'];
  const ip = clientAddress(ctx, r.req);
  if (typeof token !== 'string' || !isTokenShape(token)) {
    if (!ctx.clientLimiter.take(`rater-fail:${ip}`)) throw new HttpError(429, 'too many requests', { 'retry-after': '1' });
    throw new HttpError(401, 'this study link is not valid');
  }
  const hash = hashToken(token);
  if (!ctx.raterLimiter.take(hash)) throw new HttpError(429, 'too many requests from this link; wait a moment', { 'retry-after': String(ctx.raterLimiter.retryAfter(hash)) });
  const ref = await ctx.serial.run(() => raterByTokenHash(ctx.store, hash));
  if (!ref) {
    if (!ctx.clientLimiter.take(`rater-fail:${ip}`)) throw new HttpError(429, 'too many requests', { 'retry-after': '1' });
    throw new HttpError(401, 'this study link is not valid');
  }
  if (ref.expired) throw new HttpError(410, 'this study is closed or the link has expired; thank you for your interest');
  return ref;
}

export async function raterRoute(ctx: WebContext, r: Request): Promise<void> {
  const [what] = r.parts;
  const ref = await rater(ctx, r);
  if (what === 'session' && r.req.method === 'GET') {
    const study = await ctx.serial.run(() => getStudy(ctx.store, ref.studyId));
    const items = await ctx.serial.run(() => assignedItems(ctx.store, ref));
    const settings = JSON.parse(study!.settings) as { showContext: boolean };
    return sendJson(r.res, 200, {
      study: { name: study!.name, showContext: settings.showContext },
      consented: ref.consented,
      total: items.length,
      answered: items.filter((i) => i.answered).length,
      // Items only after consent; never the answer key, the model or the task.
      items: ref.consented ? items.map((i) => ({ item: i.itemNo, position: i.position, answered: i.answered, context: JSON.parse(i.context), candidate: i.candidate })) : [],
    });
  }
  if (r.req.method !== 'POST') throw new HttpError(405, 'use POST');
  checkSameOrigin(r.req, ctx.publicOrigins);
  if (what === 'consent') {
    const body = (await readJson(r.req, LIMITS.raterBody)) as any;
    if (!body || body.consent !== true) throw new HttpError(400, 'consent must be true');
    await ctx.serial.run(() => recordConsent(ctx.store, ref));
    return sendJson(r.res, 200, { consented: true });
  }
  if (what === 'answer') {
    if (!ref.consented) throw new HttpError(403, 'give consent before answering');
    const body = (await readJson(r.req, LIMITS.raterBody)) as any;
    if (!body || typeof body !== 'object') throw new HttpError(400, 'the body must be a JSON object');
    const { item, answer, elapsedMs } = body;
    if (!Number.isInteger(item) || item < 0) throw new HttpError(400, 'item must be a non-negative integer');
    if (!ANSWERS.includes(answer)) throw new HttpError(400, 'answer must be real, ai or unsure');
    if (!Number.isInteger(elapsedMs) || elapsedMs < 0) throw new HttpError(400, 'elapsedMs must be a non-negative integer of milliseconds');
    // A page left open for days measures days; the time is capped, the answer kept.
    const elapsed = Math.min(elapsedMs, MAX_ELAPSED_MS);
    const { outcome, counts } = await ctx.serial.run(async () => {
      const result = await recordResponse(ctx.store, ref, item, answer, elapsed);
      return { outcome: result, counts: result === 'not_assigned' ? null : await raterCounts(ctx.store, ref) };
    });
    if (outcome === 'not_assigned') throw new HttpError(403, 'this item is not assigned to this link');
    // The counts come with the refusal too, so the page can show the progress the stored answers imply.
    if (outcome === 'duplicate') return sendJson(r.res, 409, { error: 'this item has already been answered; the first answer is kept', ...counts });
    return sendJson(r.res, 201, { stored: true, ...counts });
  }
  throw new HttpError(404, 'no such rater resource');
}
