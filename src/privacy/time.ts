// Timestamp obfuscation (spec §6.2): absolute times are replaced by their global rank, or optionally by a coarse
// bucket index. Pure computation.

/**
 * `relative_integer_time`: the 0-based rank of each message instance in a stable sort by (time, original index),
 * as the reference assigns it (but deterministic on ties, where pandas' quicksort was not).
 */
export function relativeIntegerTime(times: ArrayLike<number>): Int32Array {
  const n = times.length;
  if (n > 0x7fffffff) throw new RangeError('too many messages for 32-bit ranks');
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => times[a] - times[b] || a - b);
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[order[r]] = r;
  return rank;
}

export type TimeBucket = 'minute' | 'hour' | 'day' | 'week' | 'month';
export const TIME_BUCKETS: readonly TimeBucket[] = ['minute', 'hour', 'day', 'week', 'month'];

const US_PER: Record<Exclude<TimeBucket, 'month'>, number> = {
  minute: 60e6,
  hour: 3600e6,
  day: 86400e6,
  week: 7 * 86400e6,
};

/** The start (µs since the epoch, UTC) of the bucket holding `timeUs`. Weeks start on Monday. */
export function bucketTime(timeUs: number, bucket: TimeBucket): number {
  if (bucket === 'month') {
    const d = new Date(Math.floor(timeUs / 1000));
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) * 1000;
  }
  if (bucket === 'week') {
    // 1970-01-01 was a Thursday; shift so that buckets start on Mondays.
    const shift = 3 * 86400e6;
    return Math.floor((timeUs + shift) / US_PER.week) * US_PER.week - shift;
  }
  return Math.floor(timeUs / US_PER[bucket]) * US_PER[bucket];
}

/**
 * Coarse relative time: the index of each message's bucket counted from the earliest bucket (0-based), so that a
 * release keeps only "same hour / next day" information and no absolute date.
 */
export function relativeBucketTime(times: ArrayLike<number>, bucket: TimeBucket): Int32Array {
  const n = times.length;
  const out = new Int32Array(n);
  if (n === 0) return out;
  let min = Infinity;
  for (let i = 0; i < n; i++) if (times[i] < min) min = times[i];
  if (bucket === 'month') {
    const base = new Date(Math.floor(min / 1000));
    const baseMonths = base.getUTCFullYear() * 12 + base.getUTCMonth();
    for (let i = 0; i < n; i++) {
      const d = new Date(Math.floor(times[i] / 1000));
      out[i] = d.getUTCFullYear() * 12 + d.getUTCMonth() - baseMonths;
    }
    return out;
  }
  const width = US_PER[bucket];
  const origin = bucketTime(min, bucket);
  for (let i = 0; i < n; i++) out[i] = Math.floor((bucketTime(times[i], bucket) - origin) / width);
  return out;
}
