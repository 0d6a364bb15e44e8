import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumGate } from './chromium.ts';

test('the browser test skips without Chromium on a developer machine, fails under CI, and skips only when told to', () => {
  const missing = () => false;
  assert.deepEqual(chromiumGate('/usr/bin/chromium', {}, () => true), { skip: false, missingInCi: null });
  const dev = chromiumGate('/nowhere/chromium', {}, missing);
  assert.match(dev.skip as string, /not installed at \/nowhere\/chromium/);
  assert.equal(dev.missingInCi, null);
  for (const CI of ['true', '1', 'yes']) {
    const ci = chromiumGate('/nowhere/chromium', { CI }, missing);
    assert.equal(ci.skip, false, `CI=${CI}: not skipped`);
    assert.match(ci.missingInCi!, /CI must install it/);
    for (const off of ['', '0', 'false']) assert.equal(chromiumGate('/nowhere/chromium', { CI, SIMPACT_SKIP_BROWSER_TESTS: off }, missing).skip, false, `opt-out "${off}" is no opt-out`);
    const optOut = chromiumGate('/nowhere/chromium', { CI, SIMPACT_SKIP_BROWSER_TESTS: '1' }, missing);
    assert.match(optOut.skip as string, /SIMPACT_SKIP_BROWSER_TESTS is set/);
    assert.equal(optOut.missingInCi, null);
  }
  assert.notEqual(chromiumGate('/nowhere/chromium', { CI: 'false' }, missing).skip, false);
  assert.match(chromiumGate('/usr/bin/chromium', { SIMPACT_SKIP_BROWSER_TESTS: 'true' }, () => true).skip as string, /on request/);
});
