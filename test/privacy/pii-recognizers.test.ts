// Per-recognizer positives and negatives. The realistic posts (our own text) live in fixtures/pii-posts/cases.jsonl,
// each with the exact entities the default engine must find, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPiiEngine } from '../../src/privacy/index.ts';
import { base58CheckValid, bech32Valid, ibanValid, luhnValid } from '../../src/privacy/pii/checksums.ts';
import { phoneStructureReject } from '../../src/privacy/pii/recognizers-numbers.ts';

const engine = createPiiEngine();
const found = (text: string, e = engine) => e.analyze(text).map((h) => [h.type, text.slice(h.start, h.end)]);

const cases = readFileSync(new URL('../../fixtures/pii-posts/cases.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { text: string; expect: [string, string][] });

test('fixture: every post yields exactly its expected entities', () => {
  assert.ok(cases.length >= 40);
  const types = new Set(cases.flatMap((c) => c.expect.map((e) => e[0])));
  for (const t of ['EMAIL_ADDRESS', 'USERNAME', 'URL', 'PHONE_NUMBER', 'CREDIT_CARD', 'CRYPTO', 'IP_ADDRESS', 'IBAN_CODE', 'US_SSN', 'DID', 'AT_URI']) {
    assert.ok(types.has(t), `fixture covers ${t}`);
  }
  for (const c of cases) assert.deepEqual(found(c.text), c.expect, c.text);
});

test('phones: international and national formats, validated', () => {
  assert.deepEqual(found('Call +1 (202) 456-1111 now'), [['PHONE_NUMBER', '+1 (202) 456-1111']]);
  assert.deepEqual(found('WhatsApp 0049 30 901820'), [['PHONE_NUMBER', '0049 30 901820']]);
  assert.deepEqual(found('call 202-456-1111'), [['PHONE_NUMBER', '202-456-1111']]);
  assert.deepEqual(found('call 123-456-7890'), [], 'area code 123 is not valid');
});

test('phones: versions, dates, prices, scores, year ranges and ISBNs are rejected by structure', () => {
  for (const s of ['10.0.19041', '2024-03-05', '05.03.2024', '1990-2000', '9783161484100', '0-306-40615-2', '12345.678', '536-22-1234']) {
    assert.ok(phoneStructureReject(s), s);
  }
  assert.equal(phoneStructureReject('(415) 555-2671'), null);
  assert.equal(phoneStructureReject('+44 20 7946 0958'), null);
  for (const t of ['v2.10.4', 'on 2024-03-05 at 10:30', 'it costs $1,299.99', 'won 3-2', 'lost 101-99', 'from 1990-2000', '2001 – 2010', '1.5.2024']) {
    assert.deepEqual(found(t), [], t);
  }
});

test('context words raise a bare number into a phone, and only then', () => {
  assert.deepEqual(found('my number is 2024561111'), [['PHONE_NUMBER', '2024561111']]);
  assert.deepEqual(found('invoice 2024561111'), []);
  const [hit] = engine.analyze('phone: 2024561111');
  assert.equal(hit.score, 0.75);
});

test('URLs with and without scheme; file names and abbreviations are not URLs', () => {
  assert.deepEqual(found('go to https://a.example.org/x?y=1#z.'), [['URL', 'https://a.example.org/x?y=1#z']]);
  assert.deepEqual(found('more: https://t.co/abc… and [x](https://x.org/a)'), [['URL', 'https://t.co/abc'], ['URL', 'https://x.org/a']]);
  assert.deepEqual(found('try www.gov.uk or nytimes.com today'), [['URL', 'www.gov.uk'], ['URL', 'nytimes.com']]);
  for (const t of ['e.g. this', 'the U.S. and U.K.', 'pi is 3.14', 'open file.txt', 'see README.md', 'Node.js rocks', 'it.is', 'great.Love it']) {
    assert.deepEqual(found(t), [], t);
  }
  assert.deepEqual(found('my new site: jane.me'), [['URL', 'jane.me']], 'a context word lifts a weak TLD');
  assert.deepEqual(found('call.me maybe'), []);
  const low = createPiiEngine({ entities: ['URL'], thresholds: { URL: 0.3 } });
  assert.deepEqual(found('see README.md', low), [['URL', 'README.md']], 'weak TLDs are found below the default threshold');
});

test('handles: bsky.social and custom domains keep the @; words after @ are not handles; e-mails are not handles', () => {
  assert.equal(engine.redact('hi @alice.bsky.social!').redacted, 'hi @<USERNAME>!');
  assert.equal(engine.redact('via @example.com').redacted, 'via @<USERNAME>');
  assert.deepEqual(found('@home @everyone meet @ 5pm, @3.14'), []);
  assert.deepEqual(found('mail bob@example.com'), [['EMAIL_ADDRESS', 'bob@example.com']]);
});

test('IP addresses v4 and v6; clock times and versions are not', () => {
  assert.deepEqual(found('hosts 10.0.0.1, ::1 and fe80::1ff:fe23:4567:890a'), [
    ['IP_ADDRESS', '10.0.0.1'],
    ['IP_ADDRESS', '::1'],
    ['IP_ADDRESS', 'fe80::1ff:fe23:4567:890a'],
  ]);
  assert.deepEqual(found('at 12:30:45 on v1.2.3.4 and 256.1.1.1'), []);
  assert.deepEqual(found('gateway fe80::1'), [['IP_ADDRESS', 'fe80::1']]);
});

test('checksums', () => {
  assert.ok(luhnValid('4111111111111111'));
  assert.ok(!luhnValid('4111111111111112'));
  assert.ok(ibanValid('GB82WEST12345698765432'));
  assert.ok(!ibanValid('GB82WEST12345698765433'));
  assert.ok(!ibanValid('GB82WEST1234569876543'), 'wrong length for GB');
  assert.ok(base58CheckValid('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'));
  assert.ok(base58CheckValid('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'));
  assert.ok(!base58CheckValid('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3'));
  assert.ok(bech32Valid('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'));
  assert.ok(bech32Valid('bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297'), 'bech32m (taproot)');
  assert.ok(!bech32Valid('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx'));
  assert.ok(!bech32Valid('bc1QAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'), 'mixed case');
});

test('credit cards need Luhn and consistent separators', () => {
  assert.deepEqual(found('card 5555-5555-5555-4444'), [['CREDIT_CARD', '5555-5555-5555-4444']]);
  assert.deepEqual(found('card 5555-5555 5555-4444'), []);
  assert.deepEqual(found('card 5555555555554445'), []);
});

test('SSNs: invalid areas and well-known examples are skipped; context raises the space-separated form', () => {
  assert.deepEqual(found('ssn 123-45-6789 or 078-05-1120 or 900-12-3456'), []);
  assert.deepEqual(found('SSN 536 22 1234'), [['US_SSN', '536 22 1234']]);
  assert.deepEqual(found('lot 536 22 1234'), []);
});
