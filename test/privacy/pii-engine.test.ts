import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPiiEngine, PII_BLUEPRINT_ENTITIES, PII_DEFAULT_ENTITIES, resolveEntityNames, resolveOverlaps } from '../../src/privacy/index.ts';

test('entity sets: the compat set is the reference set; the default adds IBAN, SSN, DID, at:// URI', () => {
  assert.deepEqual([...PII_BLUEPRINT_ENTITIES].sort(), ['CREDIT_CARD', 'CRYPTO', 'EMAIL_ADDRESS', 'IP_ADDRESS', 'PHONE_NUMBER', 'URL', 'USERNAME']);
  assert.deepEqual(PII_DEFAULT_ENTITIES.filter((e) => !PII_BLUEPRINT_ENTITIES.includes(e)).sort(), ['AT_URI', 'DID', 'IBAN_CODE', 'US_SSN']);
  assert.deepEqual(createPiiEngine({ compatBlueprint: true }).entities, [...PII_BLUEPRINT_ENTITIES]);
  const compat = createPiiEngine({ compatBlueprint: true });
  assert.deepEqual(compat.analyze('IBAN GB82WEST12345698765432'), [], 'IBAN is not in the reference set');
  assert.equal(compat.redact('see README.md').redacted, 'see <URL>', 'compat keeps every detection (score_threshold=0)');
});

test('spans are UTF-16 indices; emoji and CJK survive redaction intact', () => {
  const engine = createPiiEngine();
  const text = '👩‍👩‍👧 東京タワー🗼 mail 山田 taro@example.jp 🇯🇵 call +81 3-1234-5678 ✨';
  const r = engine.redact(text);
  assert.equal(r.redacted, '👩‍👩‍👧 東京タワー🗼 mail 山田 <EMAIL_ADDRESS> 🇯🇵 call <PHONE_NUMBER> ✨');
  const [email, phone] = r.entities;
  assert.equal(text.slice(email.start, email.end), 'taro@example.jp');
  assert.equal(text.slice(phone.start, phone.end), '+81 3-1234-5678');
  assert.equal(email.start, text.indexOf('taro@'));
  const plain = '😀😀 ça va? 日本語のテキスト — nothing here ✅';
  assert.deepEqual(engine.redact(plain), { redacted: plain, entities: [] });
});

test('operators: replace, mask, keyed hash', () => {
  const text = 'write jane@example.com';
  assert.equal(createPiiEngine({ operator: 'mask' }).redact(text).redacted, 'write ****************');
  const key = new TextEncoder().encode('k1');
  const h1 = createPiiEngine({ operator: 'hash', hashKey: key }).redact(text).redacted;
  assert.match(h1, /^write <EMAIL_ADDRESS:[0-9a-f]{16}>$/);
  assert.equal(createPiiEngine({ operator: 'hash', hashKey: key }).redact(text).redacted, h1, 'deterministic');
  assert.notEqual(createPiiEngine({ operator: 'hash', hashKey: new TextEncoder().encode('k2') }).redact(text).redacted, h1, 'keyed');
  assert.throws(() => createPiiEngine({ operator: 'hash' }), /needs a key/);
});

test('--entities selection, aliases and unknown names', () => {
  const onlyEmail = createPiiEngine({ entities: ['email'] });
  assert.deepEqual(onlyEmail.entities, ['EMAIL_ADDRESS']);
  assert.equal(onlyEmail.redact('a@example.com https://x.org').redacted, '<EMAIL_ADDRESS> https://x.org');
  assert.deepEqual(resolveEntityNames(['phone', 'IBAN', 'handle']), ['PHONE_NUMBER', 'IBAN_CODE', 'USERNAME']);
  assert.throws(() => resolveEntityNames(['NRP']), /unknown entity type "NRP"/);
});

test('per-type thresholds', () => {
  const strict = createPiiEngine({ thresholds: { URL: 0.9 } });
  assert.deepEqual(strict.analyze('see example.org').length, 0);
  assert.deepEqual(strict.analyze('see https://example.org').length, 1);
});

test('overlaps: higher score wins, then the longer span', () => {
  const hits = resolveOverlaps([
    { type: 'URL', start: 0, end: 10, score: 0.6 },
    { type: 'EMAIL_ADDRESS', start: 2, end: 12, score: 1 },
    { type: 'DID', start: 20, end: 30, score: 1 },
    { type: 'AT_URI', start: 15, end: 40, score: 1 },
  ]);
  assert.deepEqual(hits.map((h) => h.type), ['EMAIL_ADDRESS', 'AT_URI'], 'the DID inside the at:// URI goes with it');
  const engine = createPiiEngine();
  const text = 'see at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3k2 and https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur';
  assert.equal(engine.redact(text).redacted, 'see <AT_URI> and <URL>');
});

test('many overlapping hits are resolved in one pass (every other "John John" pair is kept)', () => {
  const engine = createPiiEngine({ entities: ['PERSON'] });
  const text = 'John '.repeat(2000);
  const hits = engine.analyze(text);
  assert.equal(hits.length, 1000);
  assert.deepEqual(hits.slice(0, 2).map((h) => [h.start, h.end]), [[0, 9], [10, 19]]);
});

