// Store-level alignment and reporting, and the `simpact personas align | report` commands, on scores written directly
// (no model): 400 gated personas skewed to high extraversion, aligned to draws from the Johnson norms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Store } from '../../src/store/store.ts';
import { getPersonaSet, putJudgements, putPersonas, putScores } from '../../src/store/personas.ts';
import { alignStage, reportStage } from '../../src/personas/stage-align.ts';
import { exportPersonaSet, toJsonl } from '../../src/personas/export.ts';
import { endpointFailed, referenceSource } from '../../src/personas/cli-run.ts';
import { loadNormGroups } from '../../src/personas/data-files.ts';
import { sampleFromNorms } from '../../src/personas/norms.ts';
import { tiltedSample } from '../../src/personas/bias.ts';
import { Rng } from '../../src/util/rng.ts';
import { row, rowToBig5 } from '../../src/personas/types.ts';

const bin = fileURLToPath(new URL('../../bin/simpact.js', import.meta.url));

async function seedStore(store: Store): Promise<void> {
  const pop = sampleFromNorms(loadNormGroups(), 4000, new Rng(21));
  const pool = tiltedSample(pop, 400, { E: 0.8 }, new Rng(22)).points;
  const ids = Array.from({ length: 430 }, (_, i) => `p${String(i).padStart(4, '0')}`);
  await putPersonas(store, ids.map((id, i) => ({ id, sourceUser: `u${i}`, narrative: 'n', model: 'm', promptVersion: 'persona-v1', settings: {}, postsUsed: 10, redactions: 0 })));
  // 0–399 pass with scores; 400–409 are rejected; 410–419 have no valid score; 420–429 were never scored
  const scored = ids.slice(0, 420);
  const good = { faithfulness: 5, specificity: 4, consistency: 5, privacy: 4 };
  const bad = { faithfulness: 2, specificity: 4, consistency: 4, privacy: 3 };
  await putJudgements(store, scored.map((id, i) => ({ personaId: id, judgeModel: 'j', promptVersion: 'judge-v1', scores: i < 400 || i >= 410 ? good : bad, passed: i < 400 || i >= 410, reasons: 'r' })));
  await putScores(
    store,
    scored.map((id, i) => ({
      personaId: id,
      instrument: 'ipip-ffm-50',
      model: 'm',
      big5: i < 400 ? rowToBig5(row(pool, i)) : i < 410 ? { O: 3, C: 3, E: 3, A: 3, N: 3 } : null,
      repeats: 3,
      validRepeats: i < 410 ? 3 : 0,
      reason: i < 410 ? undefined : 'no valid repeat',
    })),
  );
}

test('align writes a set with diagnostics; report compares pool, random, IS and IS + OT', async () => {
  const store = await Store.open(':memory:');
  try {
    await seedStore(store);
    const r = await alignStage(store, { instrument: 'ipip-ffm-50', reference: { kind: 'norms', n: 1000, seed: 3 }, targetSize: 60, seed: 4, setId: 'global' });
    assert.equal(r.poolSize, 400);
    assert.deepEqual(r.excludedPersonas, { 'rejected by the quality gate': 10, 'no valid questionnaire score': 10, 'not judged': 10 });
    assert.deepEqual(r.gate, { judgeModel: 'j', promptVersion: 'judge-v1', minEach: 3, minMean: 4 });
    assert.ok(r.ess > 0 && r.ess <= 400);
    assert.deepEqual(r.notes, ['ipip-ffm-50 persona scores are compared with IPIP-NEO-120 norms: both are 1–5 mean item scores of the same domains, not the same scale']);
    assert.ok(r.ot?.converged);
    const set = await getPersonaSet(store, 'global');
    assert.equal(set?.memberIds.length, 60);
    assert.equal(new Set(set?.memberIds).size, 60);
    const out = await reportStage(store, 'global');
    assert.deepEqual(out.report.sets.map((s) => s.name), ['unaligned pool', 'random subset', 'importance sampling', 'IS + OT', 'aligned (IS + OT + energy refinement)']);
    const [pool, , , , aligned] = out.report.sets.map((s) => s.metrics);
    assert.ok(aligned.perTrait.E.w1 < 0.6 * pool.perTrait.E.w1, `${aligned.perTrait.E.w1} vs ${pool.perTrait.E.w1}`);
    assert.match(out.markdown, /\| aligned \(IS \+ OT \+ energy refinement\) \| 60 \|/);
    assert.equal((out.html.match(/<svg /g) ?? []).length, 5);
    await assert.rejects(reportStage(store, 'nope'), /no persona set/);
    const exported = await exportPersonaSet(store, 'global');
    assert.equal(exported.length, 60);
    assert.deepEqual(exported.map((e) => e.id), set?.memberIds);
    assert.ok(exported.every((e, i) => e.rank === i && e.big5 !== null && e.instrument === 'ipip-ffm-50'));
    const jsonl = toJsonl(exported);
    assert.equal(jsonl.trim().split('\n').length, 60);
    assert.ok(!/sourceUser|"u\d+"/.test(jsonl), 'no source users in the export');
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
    assert.equal(JSON.parse(readFileSync(join(dir, 'rep', 'report.json'), 'utf8')).sets.length, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a human-format reference file is read in place, filtered to a subgroup, and its bad rows are counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-personas-ref-'));
  const store = await Store.open(':memory:');
  try {
    const rng = new Rng(8);
    const header = ['race', 'age', 'engnat', 'gender', 'hand', 'source', 'country', ...['E', 'N', 'A', 'C', 'O'].flatMap((p) => Array.from({ length: 10 }, (_, i) => `${p}${i + 1}`))];
    const lines = [header.join('\t')];
    for (let i = 0; i < 900; i++) {
      const items = Array.from({ length: 50 }, () => String(1 + rng.int(5)));
      if (i % 100 === 0) items[3] = '0';
      lines.push(['3', String(18 + (i % 50)), '1', String(1 + (i % 2)), '1', '1', i % 3 === 0 ? 'IN' : 'US', ...items].join('\t'));
    }
    const file = join(dir, 'data.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    await seedStore(store);
    const r = await alignStage(store, { instrument: 'ipip-ffm-50', reference: { kind: 'file', path: file, filter: { countries: ['IN'], minAge: 20 } }, targetSize: 40, seed: 1, setId: 'in' });
    assert.deepEqual(r.excludedReferenceRows, { 'missing item answer (0)': 9 });
    // rows i ≡ 0 mod 3, i mod 50 ≥ 2 (age ≥ 20), minus the 0-rows among them (i = 0, 300, 600 have age 18)
    const expected = Array.from({ length: 900 }, (_, i) => i).filter((i) => i % 3 === 0 && 18 + (i % 50) >= 20 && i % 100 !== 0).length;
    assert.equal(r.referenceN, expected);
    assert.match(r.referenceLabel, /country in IN, age 20–/);
    await assert.rejects(alignStage(store, { instrument: 'ipip-ffm-50', reference: { kind: 'file', path: file, filter: { countries: ['JP'] } }, targetSize: 40, seed: 1, setId: 'jp' }), /has 0 respondents/);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the align command needs exactly one reference and turns subgroup flags into a filter', () => {
  const base = { instrument: 'ipip-ffm-50' as const, size: 10, seed: 1, set: 's', candidateFactor: 3, ot: true };
  assert.throws(() => referenceSource(base), /a reference is needed/);
  assert.throws(() => referenceSource({ ...base, reference: 'f', norms: 10 }), /not both/);
  assert.deepEqual(referenceSource({ ...base, norms: 100 }), { kind: 'norms', n: 100, seed: 1 });
  assert.deepEqual(referenceSource({ ...base, reference: 'f', countries: ['IN'], gender: 'female', minAge: 20 }), {
    kind: 'file',
    path: 'f',
    filter: { countries: ['IN'], minAge: 20, gender: 'female' },
  });
  assert.deepEqual(referenceSource({ ...base, reference: 'f' }), { kind: 'file', path: 'f', filter: undefined });
  assert.equal(endpointFailed(0, { 'LLM call failed: connect ECONNREFUSED': 3 }), true);
  assert.equal(endpointFailed(1, { 'LLM call failed: connect ECONNREFUSED': 3 }), false);
  assert.equal(endpointFailed(0, { refusal: 3 }), false);
});
