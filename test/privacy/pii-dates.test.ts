// DATE_TIME: opt-in recognizer of dates and times written in a text (off by default: a typed date is content).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPiiEngine, PII_ALL_ENTITIES, PII_DEFAULT_ENTITIES, resolveEntityNames } from '../../src/privacy/index.ts';

const engine = createPiiEngine({ entities: ['DATE_TIME'] });
const found = (text: string) => engine.analyze(text).map((e) => text.slice(e.start, e.end));

test('DATE_TIME is known, has the alias DATE, and is not in the default set', () => {
  assert.ok(PII_ALL_ENTITIES.includes('DATE_TIME'));
  assert.ok(!PII_DEFAULT_ENTITIES.includes('DATE_TIME'));
  assert.deepEqual(resolveEntityNames(['date']), ['DATE_TIME']);
  const text = 'Election Day is 2025-11-04, polls close at 8pm';
  assert.equal(createPiiEngine().redact(text).redacted, text, 'the default engine keeps dates');
  assert.equal(engine.redact(text).redacted, 'Election Day is <DATE_TIME>, polls close at <DATE_TIME>');
});

test('DATE_TIME positives: ISO dates and timestamps, numeric and named dates, clock times, µs epochs', () => {
  const cases: [string, string[]][] = [
    ['created 2025-03-03T03:46:02.223Z by the app', ['2025-03-03T03:46:02.223Z']],
    ['stamp 20250303T034602Z', ['20250303T034602Z']],
    ['due 2024/02/29', ['2024/02/29']],
    ['meet me 03/05/2025 or 31.12.2024', ['03/05/2025', '31.12.2024']],
    ['Vote on November 4, 2025!', ['November 4, 2025']],
    ['born 4th of July 1990', ['4th of July 1990']],
    ['see you Nov. 5th', ['Nov. 5th']],
    ['doors at 7:30 pm, show 20:15:00', ['7:30 pm', '20:15:00']],
    ['call at 14:30', ['14:30']],
    ['open till 2am', ['2am']],
    ['time_us 1740973563121964 in the log', ['1740973563121964']],
    ['unix timestamp 1740973563', ['1740973563']],
  ];
  for (const [text, want] of cases) assert.deepEqual(found(text), want, text);
});

test('DATE_TIME negatives: versions, scores, prices, ranges, invalid dates, verbs, verses, plain amounts', () => {
  for (const text of [
    'v2.10.4 and 10.0.1 released',
    'won 3-2, then 21-14',
    'costs $1,299.99 or $1000000000000',
    'from 1990-2000 and 2019–2024',
    'it was 2025-02-30 or 99/99/2024 or 13/13/2024',
    'you may 5 times, march 4 miles',
    'John 3:16',
    'a 1740973563 count of things',
    'ratio 16:9 screens',
    'I am here, pm me',
    '東京 😀 日本語',
  ]) {
    assert.deepEqual(found(text), [], text);
  }
});
