import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRelease, threadsOfSplit } from '../../src/agents/release-files.ts';
import { buildTask } from '../../src/agents/tasks.ts';
import { BASELINES, TextPool, baselinePredictions, createBaseline } from '../../src/agents/baselines.ts';
import { classificationReport } from '../../src/evaluate/classification.ts';
import { ACTION_LABELS } from '../../src/evaluate/labels.ts';
import { parseAnswer } from '../../src/agents/answer.ts';
import { writeSyntheticRelease } from './helpers/synthetic-release.ts';

test('the learned classifier beats majority and per-cluster prior on macro-F1 (synthetic release)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-base-'));
  try {
    writeSyntheticRelease(dir, { clusters: 3, threadsPerCluster: 400, seed: 5 });
    const rel = loadRelease(dir);
    const train = threadsOfSplit(rel, 'train').map((t) => buildTask(t, 'train'));
    const test_ = threadsOfSplit(rel, 'test').map((t) => buildTask(t, 'test'));
    const pool = new TextPool(train);
    const f1: Record<string, number> = {};
    for (const name of BASELINES) {
      const b = createBaseline(name, train, 7);
      const preds = baselinePredictions(b, test_, pool, 7);
      // the written content must parse back to the same action
      preds.forEach((p, i) => assert.equal(parseAnswer(p.content, test_[i].kind).action, p.action));
      f1[name] = classificationReport(test_.map((t) => t.truth.action!), preds.map((p) => p.action), ACTION_LABELS).macroF1;
    }
    assert.ok(f1.learned > f1.majority + 0.1, JSON.stringify(f1));
    assert.ok(f1.learned > f1['cluster-prior'] + 0.1, JSON.stringify(f1));
    // seeded: same predictions twice
    const a = baselinePredictions(createBaseline('learned', train, 7), test_, pool, 7);
    const b = baselinePredictions(createBaseline('learned', train, 7), test_, pool, 7);
    assert.deepEqual(a, b);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
