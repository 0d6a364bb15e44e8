// Store-level alignment: the gated, scored persona pool against a reference (the human file, optionally a subgroup
// of it, or draws from the Johnson norms), saved as a named persona set with its settings and diagnostics.
import { listPersonas, listScores, passedPersonaIds, listJudgements, putPersonaSet, getPersonaSet } from '../store/personas.ts';
import type { Store } from '../store/store.ts';
import { Rng } from '../util/rng.ts';
import { alignToReference } from './align.ts';
import { loadHumanReference, loadNormGroups, type InstrumentId } from './data-files.ts';
import { describeFilter, filterReference, type SubgroupFilter } from './human-reference.ts';
import { sampleFromNorms } from './norms.ts';
import { buildAlignmentReport, reportHtml, reportMarkdown, type AlignmentReport, type NamedSet } from './report.ts';
import { countExclusion, pointsFromBig5, selectRows, type Big5, type ExclusionCounts, type Points } from './types.ts';

export type ReferenceSource = { kind: 'file'; path: string; filter?: SubgroupFilter } | { kind: 'norms'; n: number; seed: number };

export interface LoadedReference {
  points: Points;
  label: string;
  rows?: number;
  excluded?: ExclusionCounts;
}

export function loadReference(src: ReferenceSource): LoadedReference {
  if (src.kind === 'norms') {
    return { points: sampleFromNorms(loadNormGroups(), src.n, new Rng(src.seed)), label: `Johnson IPIP-NEO-120 norms, ${src.n} draws (seed ${src.seed})` };
  }
  const parsed = loadHumanReference(src.path);
  const kept = src.filter ? filterReference(parsed.respondents, src.filter) : parsed.respondents;
  if (kept.length < 2) throw new RangeError(`the reference subgroup (${describeFilter(src.filter ?? {})}) has ${kept.length} respondents`);
  return {
    points: pointsFromBig5(kept.map((r) => r.big5)),
    label: `human reference (${describeFilter(src.filter ?? {})}), ${kept.length} of ${parsed.rows} rows`,
    rows: parsed.rows,
    excluded: parsed.excluded,
  };
}

export interface PoolOptions {
  instrument: InstrumentId;
  /** Only scores from this scoring model (needed when several models scored the same persona). */
  scorer?: string;
  includeUnjudged?: boolean;
}

export async function loadScoredPool(store: Store, opts: PoolOptions): Promise<{ ids: string[]; points: Points; excluded: ExclusionCounts }> {
  const scores = (await listScores(store, opts.instrument)).filter((s) => !opts.scorer || s.model === opts.scorer);
  const passed = await passedPersonaIds(store);
  const judged = new Set((await listJudgements(store)).map((j) => j.personaId));
  const excluded: ExclusionCounts = {};
  const byPersona = new Map<string, Big5>();
  for (const s of scores) {
    if (byPersona.has(s.personaId)) throw new RangeError(`persona scores come from several models; choose one with a scorer`);
    if (!s.big5) {
      countExclusion(excluded, 'no valid questionnaire score');
      continue;
    }
    if (!passed.has(s.personaId)) {
      if (judged.has(s.personaId)) {
        countExclusion(excluded, 'rejected by the quality gate');
        continue;
      }
      if (!opts.includeUnjudged) {
        countExclusion(excluded, 'not judged');
        continue;
      }
    }
    byPersona.set(s.personaId, s.big5);
  }
  const scored = new Set(scores.map((s) => s.personaId));
  const unscored = (await listPersonas(store)).filter((p) => !scored.has(p.id)).length;
  if (unscored) countExclusion(excluded, 'not scored', unscored);
  const ids = [...byPersona.keys()].sort();
  return { ids, points: pointsFromBig5(ids.map((id) => byPersona.get(id)!)), excluded };
}

export interface AlignStageOptions extends PoolOptions {
  reference: ReferenceSource;
  targetSize: number;
  seed: number;
  setId: string;
  candidateFactor?: number;
  skipOt?: boolean;
  epsilonScale?: number;
}

export interface AlignStageResult {
  setId: string;
  poolSize: number;
  referenceN: number;
  referenceLabel: string;
  excludedPersonas: ExclusionCounts;
  excludedReferenceRows?: ExclusionCounts;
  ess: number;
  essBeforeClip: number;
  clipped: number;
  ot?: { epsilon: number; iterations: number; converged: boolean; meanMatchedCost: number };
  /** Low coverage: ESS below the target size (the pool covers the reference, or subgroup, poorly). */
  poorCoverage: boolean;
  notes: string[];
}

/** Caveats about comparing this instrument's scores with this reference. */
export function referenceNotes(instrument: InstrumentId, ref: ReferenceSource): string[] {
  if (ref.kind === 'file' && instrument !== 'ipip-ffm-50')
    return [`${instrument} persona scores are compared with an IPIP-FFM-50 reference: both are 1–5 mean item scores of the same domains, not the same scale`];
  if (ref.kind === 'norms' && instrument !== 'ipip-neo-120')
    return [`${instrument} persona scores are compared with IPIP-NEO-120 norms: both are 1–5 mean item scores of the same domains, not the same scale`];
  return [];
}

export async function alignStage(store: Store, opts: AlignStageOptions): Promise<AlignStageResult> {
  const pool = await loadScoredPool(store, opts);
  const ref = loadReference(opts.reference);
  const r = alignToReference(pool.points, ref.points, {
    targetSize: opts.targetSize,
    seed: opts.seed,
    candidateFactor: opts.candidateFactor,
    skipOt: opts.skipOt,
    sinkhorn: opts.epsilonScale ? { epsilonScale: opts.epsilonScale } : undefined,
  });
  const result: AlignStageResult = {
    setId: opts.setId,
    poolSize: pool.points.n,
    referenceN: ref.points.n,
    referenceLabel: ref.label,
    excludedPersonas: pool.excluded,
    excludedReferenceRows: ref.excluded,
    ess: r.weights.ess,
    essBeforeClip: r.weights.essBeforeClip,
    clipped: r.weights.clipped,
    ot: r.ot && { epsilon: r.ot.epsilon, iterations: r.ot.iterations, converged: r.ot.converged, meanMatchedCost: r.ot.meanMatchedCost },
    poorCoverage: r.weights.ess < opts.targetSize,
    notes: referenceNotes(opts.instrument, opts.reference),
  };
  const settings = { instrument: opts.instrument, scorer: opts.scorer ?? null, includeUnjudged: Boolean(opts.includeUnjudged), reference: opts.reference, ...r.settings, epsilonScale: opts.epsilonScale ?? 0.05 };
  const diagnostics = { ...result, importanceOnlyIds: r.importanceOnly.map((i) => pool.ids[i]), matchedCosts: r.ot?.matchedCosts ?? [], weights: { clipTau: r.weights.clipTau, bandwidthRef: r.weights.bandwidthRef, bandwidthPool: r.weights.bandwidthPool, referenceUsed: r.weights.referenceUsed } };
  await putPersonaSet(store, opts.setId, r.selected.map((i) => pool.ids[i]), settings, diagnostics);
  return result;
}

export interface ReportOutput {
  report: AlignmentReport;
  markdown: string;
  html: string;
}

/** Rebuilds the pool and reference a set was aligned with, and compares pool, random subset, IS only and IS + OT. */
export async function reportStage(store: Store, setId: string, opts: { seed?: number } = {}): Promise<ReportOutput> {
  const set = await getPersonaSet(store, setId);
  if (!set) throw new RangeError(`no persona set "${setId}" (run personas align first)`);
  const st = set.settings as AlignStageOptions & { targetSize: number };
  const diag = set.diagnostics as AlignStageResult & { importanceOnlyIds: string[] };
  const pool = await loadScoredPool(store, { instrument: st.instrument, scorer: st.scorer ?? undefined, includeUnjudged: st.includeUnjudged });
  const ref = loadReference(st.reference);
  const index = new Map(pool.ids.map((id, i) => [id, i]));
  const pick = (ids: string[]) => {
    const missing = ids.filter((id) => !index.has(id));
    if (missing.length) throw new RangeError(`${missing.length} personas of set "${setId}" are no longer in the scored pool; re-run personas align`);
    return selectRows(pool.points, ids.map((id) => index.get(id)!));
  };
  const K = set.memberIds.length;
  const random = new Rng(opts.seed ?? 7).shuffle(pool.ids.map((_, i) => i)).slice(0, K);
  const sets: NamedSet[] = [
    { name: 'unaligned pool', points: pool.points },
    { name: 'random subset', points: selectRows(pool.points, random) },
    { name: 'importance sampling', points: pick(diag.importanceOnlyIds) },
    { name: 'aligned (IS + OT)', points: pick(set.memberIds) },
  ];
  const reference = { name: 'reference', points: ref.points };
  const report = buildAlignmentReport(`Persona set "${setId}" against ${ref.label}`, reference, sets, {
    instrument: st.instrument,
    ess: diag.ess,
    essBeforeClip: diag.essBeforeClip,
    clipped: diag.clipped,
    ot: diag.ot,
    excludedPersonas: pool.excluded,
    excludedReferenceRows: ref.excluded,
  }, { seed: opts.seed ?? 7 });
  return { report, markdown: reportMarkdown(report), html: reportHtml(report, reference, sets) };
}
