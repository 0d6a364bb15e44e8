import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultSecretPath,
  loadSecret,
  loadSecretInfo,
  parseOptOut,
  pseudonymizeThread,
  releasedThreadHasOptedOutUser,
  secretForms,
  threadHasOptedOutUser,
} from '../../src/privacy/index.ts';

const SECRET = 'Zm9vYmFyYmF6cXV4LXRlc3Qtc2VjcmV0LTAxMjM0NTY=';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'simpact-secret-'));
}

test('SIMPACT_SECRET wins; an empty one is an error', () => {
  assert.deepEqual(loadSecretInfo({ env: { SIMPACT_SECRET: SECRET } }), { secret: SECRET, source: 'env', created: false });
  assert.throws(() => loadSecret({ env: { SIMPACT_SECRET: '  ' } }), /set but empty/);
});

test('a key file is created with mode 0600 on first use and read back later', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { XDG_CONFIG_HOME: dir };
  assert.equal(defaultSecretPath(env), join(dir, 'simpact', 'secret'));
  const first = loadSecretInfo({ env });
  assert.equal(first.created, true);
  assert.equal(Buffer.from(first.secret, 'base64').length, 32);
  assert.equal(statSync(first.path!).mode & 0o777, 0o600);
  assert.equal(readFileSync(first.path!, 'utf8'), `${first.secret}\n`);
  const again = loadSecretInfo({ env });
  assert.deepEqual(again, { ...first, created: false });
});

test('a short secret is refused, except in compat mode (the reference secret is whatever it was)', () => {
  assert.throws(() => loadSecret({ env: { SIMPACT_SECRET: 'short-secret' } }), /SIMPACT_SECRET is too short/);
  assert.equal(loadSecret({ env: { SIMPACT_SECRET: 'short-secret' }, compat: true }), 'short-secret');
});

test('compat mode never invents a secret; a missing one is a clear error', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(() => loadSecret({ env: { XDG_CONFIG_HOME: dir }, compat: true }), /compat mode needs the reference's secret: set SIMPACT_SECRET/);
  assert.throws(() => loadSecret({ env: { XDG_CONFIG_HOME: dir }, create: false }), /no secret/);
});

test('error messages never contain the secret', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const open = join(dir, 'open');
  writeFileSync(open, SECRET, { mode: 0o644 });
  chmodSync(open, 0o644);
  const empty = join(dir, 'empty');
  writeFileSync(empty, '\n', { mode: 0o600 });
  for (const [opts, re] of [
    [{ keyFile: open, env: { SIMPACT_SECRET: SECRET } }, /readable by other users/],
    [{ keyFile: empty, env: { SIMPACT_SECRET: SECRET } }, /is empty/],
    [{ keyFile: dir, env: { SIMPACT_SECRET: SECRET } }, /not a regular file/],
    [{ env: { SIMPACT_SECRET: 'short-secret' } }, /too short/],
  ] as const) {
    let message = '';
    try {
      loadSecret(opts);
    } catch (err) {
      message = (err as Error).message;
    }
    assert.match(message, re);
    for (const form of [...secretForms(SECRET), 'short-secret']) assert.ok(!message.includes(form), 'secret in message');
  }
  assert.throws(() => pseudonymizeThread([{ did: 'did:plc:x', text: 'a' }], ''), (e: Error) => !e.message.includes(SECRET));
});

test('secretForms covers raw, base64 and hex forms (and the decoded bytes of a base64 secret)', () => {
  const forms = secretForms(SECRET);
  assert.ok(forms.includes(SECRET));
  assert.ok(forms.includes(Buffer.from(SECRET).toString('hex')));
  assert.ok(forms.includes(Buffer.from(SECRET, 'base64').toString('hex')));
});

const A = 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb';
const C = 'did:web:example.com';

test('opt-out list: DIDs, comments and blank lines; a bad line is reported without its content', () => {
  assert.deepEqual(parseOptOut(`# removed on request\n${A}\n\n  ${C}  # web\n`), new Set([A, C]));
  assert.throws(() => parseOptOut(`${A}\n@alice.bsky.social\n`, 'optout.txt'), (e: Error) => e.message === 'optout.txt:2: not a DID');
});

test('a thread is removed if any of its messages is by an opted-out user', () => {
  const thread = [
    { did: A, text: 'x' },
    { did: B, text: 'y' },
  ];
  assert.equal(threadHasOptedOutUser(thread, new Set([B])), true);
  assert.equal(threadHasOptedOutUser(thread, new Set([C])), false);
  assert.equal(threadHasOptedOutUser(thread, new Set()), false);
});

for (const mode of ['hmac', 'blueprint'] as const) {
  test(`${mode}: an opted-out user is found again in a released thread by recomputing ids`, () => {
    const raw = [
      { did: A, relative_integer_time: 3, text: 'hello' },
      { did: B, relative_integer_time: 9, text: 'hi' },
    ];
    const ids = pseudonymizeThread(raw, SECRET, mode);
    const released = raw.map(({ did: _did, ...rest }, i) => ({ ...rest, user_id: ids[i] }));
    assert.equal(releasedThreadHasOptedOutUser(released, new Set([B]), SECRET, mode), true);
    assert.equal(releasedThreadHasOptedOutUser(released, new Set([C]), SECRET, mode), false);
  });
}
