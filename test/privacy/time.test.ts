import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketTime, parseTimeOption, relativeBucketIndex, relativeBucketTime, relativeIntegerTime, releaseTimes, timeOptionName } from '../../src/privacy/index.ts';

test('relative_integer_time is the 0-based stable rank by (time, original index)', () => {
  const times = [30, 10, 20, 10, 30, 5];
  assert.deepEqual([...relativeIntegerTime(times)], [4, 1, 3, 2, 5, 0]);
  assert.deepEqual([...relativeIntegerTime([])], []);
  const us = Float64Array.from([1740973563122633, 1740973563121964, 1740973563121964]);
  assert.deepEqual([...relativeIntegerTime(us)], [2, 0, 1]);
});

test('ranks are a permutation and monotone in time', () => {
  const n = 5000;
  const times = Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
  const r = relativeIntegerTime(times);
  assert.deepEqual([...r].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  for (let i = 0; i < n; i++) {
    for (const j of [(i * 31) % n, (i * 17 + 3) % n]) {
      if (times[i] < times[j]) assert.ok(r[i] < r[j]);
      if (times[i] === times[j] && i < j) assert.ok(r[i] < r[j]);
    }
  }
});

test('bucketTime floors to the UTC minute, hour, day, Monday-week and month', () => {
  const t = Date.UTC(2025, 2, 5, 13, 47, 12, 345) * 1000 + 678; // Wednesday 2025-03-05
  assert.equal(bucketTime(t, 'minute'), Date.UTC(2025, 2, 5, 13, 47) * 1000);
  assert.equal(bucketTime(t, 'hour'), Date.UTC(2025, 2, 5, 13) * 1000);
  assert.equal(bucketTime(t, 'day'), Date.UTC(2025, 2, 5) * 1000);
  assert.equal(bucketTime(t, 'week'), Date.UTC(2025, 2, 3) * 1000);
  assert.equal(bucketTime(t, 'month'), Date.UTC(2025, 2, 1) * 1000);
});

test('relativeBucketTime counts buckets from the earliest one', () => {
  const day = 86400e6;
  const t0 = Date.UTC(2025, 0, 31, 23) * 1000;
  assert.deepEqual([...relativeBucketTime([t0 + 2 * day, t0, t0 + 3600e6], 'day')], [2, 0, 1]);
  assert.deepEqual([...relativeBucketTime([t0, t0 + 2 * day], 'month')], [0, 1]);
  assert.deepEqual([...relativeBucketTime([t0 + 60e6, t0], 'hour')], [0, 0]);
});

test('--time: rank and bucket:<n><unit> parse to canonical names; anything else is a usage error', () => {
  assert.equal(timeOptionName(parseTimeOption('rank')), 'relative_integer_time');
  for (const [spec, name] of [['bucket:1h', 'bucket:1h'], ['bucket:h', 'bucket:1h'], ['bucket:hour', 'bucket:1h'], ['bucket:1d', 'bucket:1d'], ['BUCKET:15m', 'bucket:15m'], ['bucket:2w', 'bucket:2w'], ['bucket:month', 'bucket:1mo']]) {
    assert.equal(timeOptionName(parseTimeOption(spec)), name, spec);
  }
  for (const bad of ['', 'bucket', 'bucket:', 'bucket:0h', 'bucket:1y', 'bucket:-1h', 'bucket:1.5h', 'hour', 'rank:1']) {
    assert.throws(() => parseTimeOption(bad), /expected "rank" or "bucket:<n><unit>"/, bad);
  }
});

test('bucket indices: UTC buckets counted from the earliest message; equal buckets share an index; rank is the default', () => {
  const h = 3600e6;
  const t0 = Date.UTC(2025, 0, 31, 23, 30) * 1000; // Friday 23:30 UTC; t0 + 49 h is Monday 00:30
  const times = [t0 + 2 * h, t0, t0 + 10 * 60e6, t0 + 45 * 60e6, t0 + 49 * h];
  assert.deepEqual([...relativeBucketIndex(times, { n: 1, unit: 'h' })], [2, 0, 0, 1, 49]);
  assert.deepEqual([...relativeBucketIndex(times, { n: 1, unit: 'd' })], [1, 0, 0, 1, 3], 'days start at midnight UTC');
  assert.deepEqual([...relativeBucketIndex(times, { n: 6, unit: 'h' })], [1, 0, 0, 1, 9], '6-hour blocks from 00:00 UTC');
  assert.deepEqual([...relativeBucketIndex(times, { n: 1, unit: 'w' })], [0, 0, 0, 0, 1], 'weeks start on Monday');
  assert.deepEqual([...relativeBucketIndex(times, { n: 1, unit: 'mo' })], [1, 0, 0, 1, 1]);
  assert.deepEqual([...relativeBucketIndex([], { n: 1, unit: 'h' })], []);
  // The same as the older named-bucket helper where both apply.
  assert.deepEqual([...relativeBucketIndex(times, { n: 1, unit: 'd' })], [...relativeBucketTime(times, 'day')]);
  assert.deepEqual([...releaseTimes(parseTimeOption('rank'))(times)], [...relativeIntegerTime(times)]);
  assert.deepEqual([...releaseTimes(parseTimeOption('bucket:1h'))(times)], [2, 0, 0, 1, 49]);
});
