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

// ---------------------------------------------------------------------------------------------------------------
// The release's time option (`simpact build --time rank|bucket:<size>`).

export type BucketUnit = 'm' | 'h' | 'd' | 'w' | 'mo';

/** A bucket width: `n` minutes, hours, days, Monday-aligned weeks or calendar months (all UTC). */
export interface BucketSize {
  n: number;
  unit: BucketUnit;
}

/** `rank`: the reference's `relative_integer_time`. `bucket`: coarse bucket indices counted from the earliest bucket. */
export type TimeOption = { kind: 'rank' } | { kind: 'bucket'; size: BucketSize };

export const TIME_RANK: TimeOption = { kind: 'rank' };

const UNIT_NAMES: Record<string, BucketUnit> = {
  m: 'm', min: 'm', minute: 'm', minutes: 'm',
  h: 'h', hour: 'h', hours: 'h',
  d: 'd', day: 'd', days: 'd',
  w: 'w', week: 'w', weeks: 'w',
  mo: 'mo', month: 'mo', months: 'mo',
};

const UNIT_US: Record<Exclude<BucketUnit, 'mo'>, number> = { m: 60e6, h: 3600e6, d: 86400e6, w: 7 * 86400e6 };

/**
 * Parses `rank` or `bucket:<n><unit>` (units m, h, d, w, mo; `bucket:hour`, `bucket:day` … mean one of them).
 * Throws an Error with a usage message on anything else.
 */
export function parseTimeOption(spec: string): TimeOption {
  const s = spec.trim().toLowerCase();
  if (s === 'rank' || s === 'relative_integer_time') return TIME_RANK;
  const m = /^bucket:(\d*)\s*([a-z]+)$/.exec(s);
  const unit = m ? UNIT_NAMES[m[2]] : undefined;
  const n = m && m[1] !== '' ? Number(m[1]) : 1;
  if (!m || !unit || !Number.isSafeInteger(n) || n < 1 || n > 100_000) {
    throw new Error(`--time "${spec}": expected "rank" or "bucket:<n><unit>" with a unit of m, h, d, w or mo (e.g. bucket:1h, bucket:1d)`);
  }
  return { kind: 'bucket', size: { n, unit } };
}

/** The canonical name of a time option, as recorded in release.json: `relative_integer_time` or `bucket:<n><unit>`. */
export function timeOptionName(t: TimeOption): string {
  return t.kind === 'rank' ? 'relative_integer_time' : `bucket:${t.size.n}${t.size.unit}`;
}

/** The absolute index of the bucket holding `timeUs` (UTC; weeks start on Monday, blocks of n counted from 1970). */
function absoluteBucket(timeUs: number, size: BucketSize): number {
  if (size.unit === 'mo') {
    const d = new Date(Math.floor(timeUs / 1000));
    return Math.floor((d.getUTCFullYear() * 12 + d.getUTCMonth()) / size.n);
  }
  // 1970-01-01 was a Thursday; shifting by three days makes week buckets start on Mondays.
  const shift = size.unit === 'w' ? 3 * 86400e6 : 0;
  return Math.floor((timeUs + shift) / (UNIT_US[size.unit] * size.n));
}

/** Bucket indices of `times` counted from the earliest message's bucket (0-based); equal buckets share an index. */
export function relativeBucketIndex(times: ArrayLike<number>, size: BucketSize): Int32Array {
  const n = times.length;
  const out = new Int32Array(n);
  if (n === 0) return out;
  let min = Infinity;
  for (let i = 0; i < n; i++) if (times[i] < min) min = times[i];
  const origin = absoluteBucket(min, size);
  for (let i = 0; i < n; i++) out[i] = absoluteBucket(times[i], size) - origin;
  return out;
}

/** The ranker of a time option: what `relative_integer_time` holds in the release. */
export function releaseTimes(t: TimeOption): (times: ArrayLike<number>) => Int32Array {
  return t.kind === 'rank' ? relativeIntegerTime : (times) => relativeBucketIndex(times, t.size);
}
