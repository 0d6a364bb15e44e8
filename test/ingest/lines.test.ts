import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from '../../src/ingest/lines.ts';

function split(chunks: Buffer[], max = 1 << 20) {
  const got: [number, string][] = [];
  const problems: [number, string][] = [];
  const s = new LineSplitter({ line: (t, n) => got.push([n, t]), problem: (n, r) => problems.push([n, r]) }, max);
  for (const c of chunks) s.push(c);
  s.end();
  return { got, problems };
}

/** Every way of cutting `buf` into two or three pieces gives the same lines. */
test('line splitting does not depend on where the chunks are cut', () => {
  const text = Buffer.from('{"a":1}\r\n\n{"b":"é✓"}\n   \n{"c":3}');
  const want = split([text]);
  assert.deepEqual(want.got, [[1, '{"a":1}'], [3, '{"b":"é✓"}'], [5, '{"c":3}']]);
  for (let i = 0; i <= text.length; i++) {
    for (let j = i; j <= text.length; j += 3) {
      const r = split([text.subarray(0, i), text.subarray(i, j), text.subarray(j)]);
      assert.deepEqual(r.got, want.got, `cut at ${i},${j}`);
      assert.deepEqual(r.problems, []);
    }
  }
});

test('over-long lines are skipped without being held, inside a chunk or across chunks', () => {
  const long = 'x'.repeat(50);
  const one = split([Buffer.from(`ok1\n${long}\nok2\n`)], 20);
  assert.deepEqual(one.got, [[1, 'ok1'], [3, 'ok2']]);
  assert.deepEqual(one.problems, [[2, 'line longer than 20 bytes']]);
  const pieces = [Buffer.from('ok1\nxxxxxxxxxx'), Buffer.from('x'.repeat(15)), Buffer.from('x'.repeat(15)), Buffer.from('xx\nok2')];
  const many = split(pieces, 20);
  assert.deepEqual(many.got, [[1, 'ok1'], [3, 'ok2']]);
  assert.deepEqual(many.problems, [[2, 'line longer than 20 bytes']]);
  const tail = split([Buffer.from('ok1\n'), Buffer.from('y'.repeat(30))], 20);
  assert.deepEqual(tail.problems, [[2, 'line longer than 20 bytes']]);
  // multi-byte characters count as bytes: 8 × "é" = 16 bytes
  const bytes = split([Buffer.from(`${'é'.repeat(8)}\n${'é'.repeat(11)}\n`)], 20);
  assert.deepEqual(bytes.got, [[1, 'é'.repeat(8)]]);
  assert.deepEqual(bytes.problems, [[2, 'line longer than 20 bytes']]);
});

test('invalid UTF-8 costs only its own line', () => {
  const buf = Buffer.concat([Buffer.from('good1\nbad'), Buffer.from([0xc3, 0x28]), Buffer.from('\ngood2\n'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\ngood3')]);
  const r = split([buf]);
  assert.deepEqual(r.got, [[1, 'good1'], [3, 'good2'], [5, 'good3']]);
  assert.deepEqual(r.problems, [[2, 'invalid UTF-8'], [4, 'invalid UTF-8']]);
});

test('discardPartial drops an unfinished last line (cut-off input)', () => {
  const got: string[] = [];
  const s = new LineSplitter({ line: (t) => got.push(t), problem: () => assert.fail('no problem expected') });
  s.push(Buffer.from('a\nb\npartial'));
  assert.equal(s.discardPartial(), true);
  s.end();
  assert.deepEqual(got, ['a', 'b']);
  assert.equal(s.linesSeen, 2);
});
