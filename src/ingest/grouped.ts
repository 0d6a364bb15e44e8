// The grouped example format of the BluePrint reference (clustering/expected_input_format_examples.json):
// {"kinds": {"commit": [...], "identity": [...], "account": [...]}, "commits": {<collection>: {<operation>: [...]}}}.
// Recognised by content: a JSON object whose top-level keys include "kinds" or "commits" and that has no "did".

/** True when the start of a file looks like the grouped format (works for pretty-printed files). */
export function looksGrouped(head: string): boolean {
  return /^\uFEFF?\s*\{\s*"(kinds|commits)"\s*:/.test(head);
}

export function isGroupedObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return !('did' in o) && (isObject(o.kinds) || isObject(o.commits));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every event of a grouped object with its location (e.g. `commits.app.bsky.feed.post.create[3]`). */
export function* groupedEvents(doc: Record<string, unknown>): Generator<{ where: string; value: unknown }> {
  if (isObject(doc.kinds)) {
    for (const [kind, list] of Object.entries(doc.kinds)) {
      if (!Array.isArray(list)) continue;
      for (let i = 0; i < list.length; i++) yield { where: `kinds.${kind}[${i}]`, value: list[i] };
    }
  }
  if (isObject(doc.commits)) {
    for (const [collection, ops] of Object.entries(doc.commits)) {
      if (!isObject(ops)) continue;
      for (const [op, list] of Object.entries(ops)) {
        if (!Array.isArray(list)) continue;
        for (let i = 0; i < list.length; i++) yield { where: `commits.${collection}.${op}[${i}]`, value: list[i] };
      }
    }
  }
}
