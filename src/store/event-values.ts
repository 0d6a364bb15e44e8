// Value helpers for events.ts, which cannot import values from store.ts: store.ts → schemas.ts → events.ts would
// be an import cycle (schemas.ts reads eventsSchema while events.ts is still waiting for store.ts).

/** BIGINT → number (the counts and time_us here stay below 2^53). */
export function toNumber(v: unknown): number {
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`integer ${v} exceeds 2^53`);
    return Number(v);
  }
  return v === null || v === undefined ? 0 : Number(v);
}

/** A SQL string literal (for paths in read_csv, which takes no parameters). */
export function sqlLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
