import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumGate } from './chromium.ts';

test('the browser test skips without Chromium on a developer machine, and fails under CI', () => {
  const missing = () => false;
  assert.deepEqual(chromiumGate('/usr/bin/chromium', {}, () => true), { skip: false, missingInCi: null });
  const dev = chromiumGate('/nowhere/chromium', {}, missing);
  assert.match(dev.skip as string, /not installed at \/nowhere\/chromium/);
  assert.equal(dev.missingInCi, null);
  for (const CI of ['true', '1', 'yes']) {
    const ci = chromiumGate('/nowhere/chromium', { CI }, missing);
    assert.equal(ci.skip, false, `CI=${CI}: not skipped`);
    assert.match(ci.missingInCi!, /CI must install it/);
  }
  assert.notEqual(chromiumGate('/nowhere/chromium', { CI: 'false' }, missing).skip, false);
});
