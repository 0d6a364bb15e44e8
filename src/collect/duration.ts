// Human durations for the command line: `1500ms`, `30s`, `5m`, `2h`, `1d`; a bare number is seconds.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 's'];
  return Number.isFinite(ms) ? Math.round(ms) : null;
}
