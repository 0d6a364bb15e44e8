// Expected strings were produced by CPython 3 `json.dumps(value, sort_keys=True)` and pasted here verbatim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCodePoints, PyFloat, pythonFloatRepr, pythonJsonDumps, pythonJsonString } from '../../src/util/python-json.ts';

test('nested values, escapes and sorted keys match json.dumps(sort_keys=True)', () => {
  const v = { b: [1, 2.5, true, null, { z: 'é', a: [] }], a: 'x"y\\z\n\t\x01\x7f' };
  assert.equal(pythonJsonDumps(v, { sortKeys: true }), '{"a": "x\\"y\\\\z\\n\\t\\u0001\\u007f", "b": [1, 2.5, true, null, {"a": [], "z": "\\u00e9"}]}');
});

test('astral characters become lowercase surrogate-pair escapes', () => {
  assert.equal(pythonJsonDumps(['😀 café 東京', '🇯🇵']), '["\\ud83d\\ude00 caf\\u00e9 \\u6771\\u4eac", "\\ud83c\\uddef\\ud83c\\uddf5"]');
  assert.equal(pythonJsonString('\u2028\u2029\ud800'), '"\\u2028\\u2029\\ud800"');
});

test('sort_keys orders by code point, so an astral key sorts after U+FF01', () => {
  const v = { '😀': 1, '！': 2, B: 3, a: 4, é: 5 };
  assert.equal(pythonJsonDumps(v, { sortKeys: true }), '{"B": 3, "a": 4, "\\u00e9": 5, "\\uff01": 2, "\\ud83d\\ude00": 1}');
  assert.ok(compareCodePoints('\ud83d\ude00', '\uff01') > 0);
  assert.ok('\ud83d\ude00' < '\uff01', 'JS code-unit order differs, which is why compareCodePoints exists');
});

test('floats follow repr(float); integral JS numbers are ints unless wrapped in PyFloat', () => {
  const xs = [0.1, new PyFloat(1), -0, new PyFloat(1e16), 1.5e-5, 0.0001, 123456789012345.6, new PyFloat(1e22), 2.5e-300, new PyFloat(1.7976931348623157e308), NaN, Infinity, -Infinity, new PyFloat(100), 3.14159];
  assert.equal(
    pythonJsonDumps(xs),
    '[0.1, 1.0, -0.0, 1e+16, 1.5e-05, 0.0001, 123456789012345.6, 1e+22, 2.5e-300, 1.7976931348623157e+308, NaN, Infinity, -Infinity, 100.0, 3.14159]',
  );
  assert.equal(pythonJsonDumps([100, 1740973563121964, 1e22]), '[100, 1740973563121964, 10000000000000000000000]', 'ints never use an exponent');
  assert.equal(pythonFloatRepr(1e16), '1e+16');
  assert.equal(pythonFloatRepr(123.0), '123.0');
});

test('insertion order without sortKeys; undefined keys dropped; Map keeps its order; separators and ensure_ascii options', () => {
  assert.equal(pythonJsonDumps({ relative_integer_time: 4, text: 'hi', user_id: 'x', gone: undefined }), '{"relative_integer_time": 4, "text": "hi", "user_id": "x"}');
  assert.equal(pythonJsonDumps(new Map<string, number>([['2', 1], ['1', 2]])), '{"2": 1, "1": 2}');
  assert.equal(pythonJsonDumps({ a: [1, 2] }, { separators: [',', ':'] }), '{"a":[1,2]}');
  assert.equal(pythonJsonDumps('é😀\n', { ensureAscii: false }), '"é😀\\n"');
  assert.equal(pythonJsonDumps({}), '{}');
  assert.equal(pythonJsonDumps([]), '[]');
});

test('cycles and unsupported values throw', () => {
  const a: unknown[] = [];
  a.push(a);
  assert.throws(() => pythonJsonDumps(a), /Circular/);
  assert.throws(() => pythonJsonDumps(() => 1), /not JSON serializable/);
  assert.throws(() => pythonJsonDumps({ at: new Date(0) }), /Date is not JSON serializable/);
  assert.equal(pythonJsonDumps({ t: Int32Array.from([3, 1]) }), '{"t": [3, 1]}');
});
