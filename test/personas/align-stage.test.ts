// Store-level alignment and reporting, and the `simpact personas align | report` commands, on scores written directly
// (no model): 400 gated personas skewed to high extraversion, aligned to draws from the Johnson norms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Store } from '../../src/store/store.ts';
import { getPersonaSet, putJudgement, putPersona, putScore } from '../../src/store/personas.ts';
import { alignStage, reportStage } from '../../src/personas/stage-align.ts';
import { loadNormGroups } from '../../src/personas/data-files.ts';
import { sampleFromNorms } from '../../src/personas/norms.ts';
import { tiltedSample } from '../../src/personas/bias.ts';
import { Rng } from '../../src/util/rng.ts';
import { row, rowToBig5 } from '../../src/personas/types.ts';

const bin = fileURLToPath(new URL('../../bin/simpact.js', import.meta.url));

async function seedStore(store: Store): Promise<void> {
  const pop = sampleFromNorms(loadNormGroups(), 4000, new Rng(21));
  const pool = tiltedSample(pop, 400, { E: 0.8 }, new Rng(22)).points;
  for (let i = 0; i < 430; i++) {
    const id = `p${String(i).padStart(4, '0')}`;
    await putPersona(store, { id, sourceUser: `u${i}`, narrative: 'n', model: 'm', promptVersion: 'persona-v1', settings: {}, postsUsed: 10, redactions: 0 });
    if (i >= 420) continue; // 10 personas never scored
    const rejected = i >= 400 && i < 410;
    await putJudgement(store, { personaId: id, judgeModel: 'j', promptVersion: 'judge-v1', passed: !rejected, reasons: rejected ? 'faithfulness 2 < 3' : 'ok' });
    await putScore(store, { personaId: id, instrument: 'ipip-ffm-50', model: 'm', big5: i < 400 ? rowToBig5(row(pool, i)) : i < 410 ? { O: 3, C: 3, E: 3, A: 3, N: 3 } : null, repeats: 3, validRepeats: i < 410 ? 3 : 0, reason: i < 410 ? undefined : 'no valid repeat' });
  }
}

test('align writes a set with diagnostics; report compares pool, random, IS and IS + OT', async () => {
  const store = await Store.open(':memory:');
  try {
    await seedStore(store);
    const r = await alignStage(store, { instrument: 'ipip-ffm-50', reference: { kind: 'norms', n: 2000, seed: 3 }, targetSize: 60, seed: 4, setId: 'global' });
    assert.equal(r.poolSize, 400);
    assert.deepEqual(r.excludedPersonas, { 'rejected by the quality gate': 10, 'no valid questionnaire score': 10, 'not scored': 10 });
    assert.ok(r.ess > 0 && r.ess <= 400);
    assert.ok(r.ot?.converged);
    const set = await getPersonaSet(store, 'global');
    assert.equal(set?.memberIds.length, 60);
    assert.equal(new Set(set?.memberIds).size, 60);
    const out = await reportStage(store, 'global');
    assert.deepEqual(out.report.sets.map((s) => s.name), ['unaligned pool', 'random subset', 'importance sampling', 'aligned (IS + OT)']);
    const [pool, , , aligned] = out.report.sets.map((s) => s.metrics);
    assert.ok(aligned.perTrait.E.w1 < 0.6 * pool.perTrait.E.w1, `${aligned.perTrait.E.w1} vs ${pool.perTrait.E.w1}`);
    assert.match(out.markdown, /\| aligned \(IS \+ OT\) \| 60 \|/);
    assert.equal((out.html.match(/<svg /g) ?? []).length, 5);
    await assert.rejects(reportStage(store, 'nope'), /no persona set/);
    await assert.rejects(alignStage(store, { instrument: 'ipip-ffm-50', reference: { kind: 'norms', n: 100, seed: 3 }, targetSize: 500, seed: 4, setId: 'x' }), /fewer than the 500/);
  } finally {
    store.close();
  }
});

test('simpact personas align and report run from the command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-personas-'));
  try {
    const db = join(dir, 's.duckdb');
    const store = await Store.open(db);
    await seedStore(store);
    store.close();
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, '--db', db, 'personas', ...args], { encoding: 'utf8', env: { ...process.env, SIMPACT_QUIET: '1' } });
    const a = run('align', '--norms', '1500', '--size', '40', '--set', 'g', '--seed', '2', '--json');
    assert.equal(a.status, 0, a.stderr);
    assert.equal(JSON.parse(a.stdout).poolSize, 400);
    const rep = run('report', '--set', 'g', '--out', join(dir, 'rep'));
    assert.equal(rep.status, 0, rep.stderr);
    assert.match(rep.stdout, /mean W1/);
    for (const f of ['report.json', 'report.md', 'report.html']) assert.ok(existsSync(join(dir, 'rep', f)));
    assert.equal(JSON.parse(readFileSync(join(dir, 'rep', 'report.json'), 'utf8')).sets.length, 4);
    const bad = run('align', '--size', '10', '--set', 'x');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /a reference is needed/);
    const missing = run('align', '--reference', join(dir, 'nope.csv'), '--size', '10', '--set', 'x');
    assert.equal(missing.status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
