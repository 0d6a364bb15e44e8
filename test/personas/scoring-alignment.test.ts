// Issue 7's criterion (every trait's Wasserstein-1 to the reference cut by at least 70 %) with the scoring code in the
// loop: personas with known latent Big Five levels (drawn from the Johnson norms, pool tilted on all five traits)
// answer the IPIP-FFM-50 through administerQuestionnaire, in a mix of reply styles ("4", "4/5", "Answer: 4", "(4)",
// scale labels), with item-level noise; reverse-keyed items are answered reversed, as a respondent would. The reference
// respondents answer the same way and are scored by the same code. So a regression in the prompt-to-score path
// (parsing, item order mapping, reverse keys, averaging) breaks either the trait recovery or the alignment criterion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChatModel, ChatRequest, ChatResult } from '../../src/llm/types.ts';
import { Store } from '../../src/store/store.ts';
import { listScores, putPersonas, type PersonaRecord } from '../../src/store/personas.ts';
import { Rng } from '../../src/util/rng.ts';
import { parseFfm50, scoreAnswers, type Instrument, type InstrumentItem } from '../../src/personas/instruments.ts';
import { administerQuestionnaire } from '../../src/personas/questionnaire.ts';
import { parseJohnsonNorms, sampleFromNorms } from '../../src/personas/norms.ts';
import { tiltedSample } from '../../src/personas/bias.ts';
import { alignToReference } from '../../src/personas/align.ts';
import { compareToReference, errorReduction } from '../../src/personas/metrics.ts';
import { column, pointsFromBig5, row, selectRows, TRAITS, type Big5, type Points } from '../../src/personas/types.ts';

const dir = fileURLToPath(new URL('../../fixtures/bigfive-instruments/', import.meta.url));
const ffm = parseFfm50(readFileSync(`${dir}ipip-ffm-50-items.csv`, 'utf8'));
const groups = parseJohnsonNorms(readFileSync(`${dir}ipip-neo-norms-johnson.json`, 'utf8'));
const byText = new Map(ffm.items.map((it) => [it.text, it]));

/** A respondent's answer to an item: their latent trait level plus noise, rounded to the scale, reversed when keyed so. */
function answer(latent: ArrayLike<number>, it: InstrumentItem, rng: Rng): number {
  const v = Math.min(5, Math.max(1, Math.round(latent[TRAITS.indexOf(it.trait)] + 0.6 * rng.normal())));
  return it.reversed ? 6 - v : v;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** A scripted in-character respondent: reads the persona marker and the numbered statements, answers in mixed styles. */
class LatentRespondent implements ChatModel {
  readonly id = 'scripted:latent';
  constructor(private readonly latent: ReadonlyMap<string, ArrayLike<number>>) {}
  async chat(req: ChatRequest): Promise<ChatResult> {
    const marker = /PERSONA-\d+/.exec(req.messages[0].content)![0];
    const latent = this.latent.get(marker)!;
    const rng = new Rng(`${marker}:${req.seed}`);
    const lines: string[] = [];
    for (const l of req.messages[1].content.split('\n')) {
      const m = /^(\d+)\. (.*)$/.exec(l);
      if (!m) continue;
      const v = answer(latent, byText.get(m[2])!, rng);
      const style = rng.int(5);
      lines.push(`${m[1]}. ${[`${v}`, `${v}/5`, `Answer: ${v}`, `(${v})`, ffm.scale.labels[v - 1]][style]}`);
    }
    return { content: lines.join('\n') };
  }
}

/** The same scoring as the human reference file: every respondent answers all 50 items once, scored with the keys. */
function scoreRespondents(inst: Instrument, latent: Points, seed: string): Points {
  const out: Big5[] = [];
  for (let i = 0; i < latent.n; i++) {
    const rng = new Rng(`${seed}:${i}`);
    // Answered with the true keys (ffm), scored with `inst`'s.
    const s = scoreAnswers(inst, new Map(ffm.items.map((it) => [it.code, answer(row(latent, i), it, rng)])));
    out.push(s.big5!);
  }
  return pointsFromBig5(out);
}

test('scored through the questionnaire, every trait is recovered and aligning cuts every trait’s W1 by at least 70 %', async () => {
  const population = sampleFromNorms(groups, 12000, new Rng(2));
  const poolLatent = tiltedSample(population, 1200, { E: 1.0, N: -0.7, O: 0.5, C: 0.7, A: -1.0 }, new Rng(3)).points;
  const reference = scoreRespondents(ffm, sampleFromNorms(groups, 2000, new Rng(1)), 'ref');
  const latent = new Map<string, Float64Array>();
  const personas: PersonaRecord[] = [];
  for (let i = 0; i < poolLatent.n; i++) {
    const marker = `PERSONA-${i}`;
    latent.set(marker, row(poolLatent, i));
    personas.push({ id: `p${String(i).padStart(5, '0')}`, sourceUser: `u${i}`, narrative: `${marker} They knit.`, model: 'm', promptVersion: 'persona-v3', settings: {}, postsUsed: 1, redactions: 0 });
  }
  const store = await Store.open(':memory:');
  try {
    await putPersonas(store, personas);
    const q = await administerQuestionnaire(store, new LatentRespondent(latent), ffm, personas, { repeats: 1, seed: 1, concurrency: 8 });
    assert.deepEqual([q.scored, q.answers], [1200, { ok: 60000 }], 'every reply style is read');
    const scored = new Map((await listScores(store, 'ipip-ffm-50')).map((s) => [s.personaId, s.big5!]));
    const pool = pointsFromBig5(personas.map((p) => scored.get(p.id)!));
    // Trait recovery: the scored trait follows the latent level (reverse keys and item mapping right).
    for (const [k, t] of TRAITS.entries()) {
      const r = pearson(column(pool, k), column(poolLatent, k));
      assert.ok(r >= 0.9, `${t}: r = ${r.toFixed(3)}`);
    }
    // The alignment criterion on the scored values, for every trait.
    const r = alignToReference(pool, reference, { targetSize: 150, seed: 4 });
    const opts = { projections: 16, mmdMaxRows: 300 };
    const before = compareToReference(pool, reference, opts);
    const after = compareToReference(selectRows(pool, r.selected), reference, opts);
    for (const t of TRAITS) {
      assert.ok(before.perTrait[t].w1 > 0.12, `${t} is biased before alignment: ${before.perTrait[t].w1.toFixed(3)}`);
      const red = errorReduction(before.perTrait[t].w1, after.perTrait[t].w1);
      assert.ok(red >= 0.7, `${t}: W1 ${before.perTrait[t].w1.toFixed(3)} → ${after.perTrait[t].w1.toFixed(3)} (${(100 * red).toFixed(1)} %)`);
    }
  } finally {
    store.close();
  }
  // The check is sensitive to the keys: scoring without reverse keys loses Extraversion (5 of its 10 items reversed).
  const unkeyed: Instrument = { ...ffm, items: ffm.items.map((it) => ({ ...it, reversed: false })) };
  const wrong = scoreRespondents(unkeyed, poolLatent, 'pool');
  const rWrong = pearson(column(wrong, TRAITS.indexOf('E')), column(poolLatent, TRAITS.indexOf('E')));
  assert.ok(Math.abs(rWrong) < 0.5, `E without reverse keys: r = ${rWrong}`);
});
