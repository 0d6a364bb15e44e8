// A fingerprint of the filtered activity: equal inputs give equal fingerprints, so a re-run can reuse finished
// stages. SHA-256 over every record's identity and content; it cannot be turned back into any record.
import { createHash } from 'node:crypto';
import type { Activity } from '../bluesky/activity.ts';

export function activityFingerprint(activity: Activity): string {
  const h = createHash('sha256');
  let buf: string[] = [];
  const flush = () => {
    h.update(buf.join('\u0001'));
    buf = [];
  };
  for (const p of activity.posts) {
    buf.push(`${p.uri}\u0002${p.timeUs}\u0002${p.seq}\u0002${p.kind}\u0002${p.replyParent ?? ''}\u0002${p.replyRoot ?? ''}\u0002${p.text}`);
    if (buf.length >= 4096) flush();
  }
  buf.push('\u0003');
  for (const a of activity.actions) {
    buf.push(`${a.key}\u0002${a.did}\u0002${a.rkey}\u0002${a.timeUs}\u0002${a.seq}\u0002${a.subjectUri ?? ''}\u0002${a.subjectDid ?? ''}\u0002${a.text ?? ''}\u0002${a.unresolved ?? ''}`);
    if (buf.length >= 4096) flush();
  }
  flush();
  return h.digest('hex');
}

/** SHA-256 of a JSON-able settings object (keys sorted), for stage records. */
export function settingsHash(settings: unknown): string {
  return createHash('sha256').update(stableJson(settings)).digest('hex');
}

function stableJson(v: unknown): string {
  if (v instanceof Map) return stableJson([...v.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)));
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
