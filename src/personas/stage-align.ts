// Store-level alignment: the gated, scored persona pool against a reference (the human file, optionally a subgroup
// of it, or draws from the Johnson norms), saved as a named persona set with its settings and diagnostics.
import { listPersonas, listScores, passedPersonaIds, listJudgements, putPersonaSet, getPersonaSet, type GateKey, type PersonaRecord } from '../store/personas.ts';
import type { Store } from '../store/store.ts';
import { Rng } from '../util/rng.ts';
import { alignToReference } from './align.ts';
import { loadHumanReference, loadNormGroups, type InstrumentId } from './data-files.ts';
import { describeFilter, filterReference, type SubgroupFilter } from './human-reference.ts';
import { sampleFromNorms } from './norms.ts';
import { gateReport, resolveGateKey, type GateReport } from './judge.ts';
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
  /** Which verdicts count as a pass (judge model, prompt version, thresholds); undefined when nothing was judged. */
  gate?: GateKey;
  includeUnjudged?: boolean;
  /**
   * Subgroup label of a subgroup alignment. Without it (global alignment) only original personas are used; with it,
   * personas revised for this group (revise --group-label) join the pool and replace their parents, and revisions for
   * other groups stay out.
   */
  group?: string;
}

export interface ScoredPool {
  ids: string[];
  points: Points;
  excluded: ExclusionCounts;
  /** The personas the gate was applied to: all but revisions for another group (or, globally, all revisions). */
  considered: string[];
}

/** The original persona a revision descends from (itself for an original). */
function lineageRoot(p: PersonaRecord, byId: ReadonlyMap<string, PersonaRecord>): { root: string; depth: number } {
  let cur = p;
  let depth = 0;
  while (cur.parentId && depth < 64) {
    const up = byId.get(cur.parentId);
    depth++;
    if (!up) return { root: cur.parentId, depth };
    cur = up;
  }
  return { root: cur.id, depth };
}

/**
 * The gated, scored personas of a pool, each counted once, with a reason for every persona left out: in pipeline order
 * (revised for another group or for a subgroup at all; rejected by the quality gate or not judged; not scored or no
 * valid score; replaced by its revision). Of a persona and its revisions for the group, only the most revised one that
 * is itself eligible stays, so a parent and its revision are never both in one set.
 */
export async function loadScoredPool(store: Store, opts: PoolOptions): Promise<ScoredPool> {
  const scores = (await listScores(store, opts.instrument)).filter((s) => !opts.scorer || s.model === opts.scorer);
  const personas = await listPersonas(store);
  const byId = new Map(personas.map((p) => [p.id, p]));
  const passed = opts.gate ? await passedPersonaIds(store, opts.gate) : new Set<string>();
  const judged = new Set(opts.gate ? (await listJudgements(store)).filter((j) => j.judgeModel === opts.gate!.judgeModel && j.promptVersion === opts.gate!.promptVersion).map((j) => j.personaId) : []);
  const scoreOf = new Map<string, Big5 | null>();
  for (const s of scores) {
    if (scoreOf.has(s.personaId)) throw new RangeError(`persona scores come from several models; choose one with a scorer`);
    scoreOf.set(s.personaId, s.big5);
  }
  const excluded: ExclusionCounts = {};
  const eligible: PersonaRecord[] = [];
  const considered: string[] = [];
  for (const p of personas) {
    if (p.parentId && opts.group === undefined) {
      countExclusion(excluded, 'revised for a subgroup (a global alignment uses the originals)');
      continue;
    }
    if (p.parentId && p.groupLabel !== opts.group) {
      countExclusion(excluded, 'revised for another group');
      continue;
    }
    considered.push(p.id);
    if (!passed.has(p.id)) {
      if (judged.has(p.id)) {
        countExclusion(excluded, 'rejected by the quality gate');
        continue;
      }
      if (!opts.includeUnjudged) {
        countExclusion(excluded, 'not judged');
        continue;
      }
    }
    if (!scoreOf.has(p.id)) {
      countExclusion(excluded, 'not scored');
      continue;
    }
    if (!scoreOf.get(p.id)) {
      countExclusion(excluded, 'no valid questionnaire score');
      continue;
    }
    eligible.push(p);
  }
  // One persona per lineage: the deepest eligible revision (ties by id), else the original.
  const lineages = new Map<string, Array<{ p: PersonaRecord; depth: number }>>();
  for (const p of eligible) {
    const { root, depth } = lineageRoot(p, byId);
    let list = lineages.get(root);
    if (!list) lineages.set(root, (list = []));
    list.push({ p, depth });
  }
  const ids: string[] = [];
  for (const list of lineages.values()) {
    list.sort((a, b) => b.depth - a.depth || (a.p.id < b.p.id ? -1 : 1));
    ids.push(list[0].p.id);
    for (const x of list.slice(1)) countExclusion(excluded, x.depth < list[0].depth ? 'replaced by its revision for the group' : 'another revision of the same persona is used');
  }
  ids.sort();
  return { ids, points: pointsFromBig5(ids.map((id) => scoreOf.get(id)!)), excluded, considered };
}

export interface AlignStageOptions extends PoolOptions {
  reference: ReferenceSource;
  targetSize: number;
  seed: number;
  setId: string;
  candidateFactor?: number;
  skipOt?: boolean;
  /** Stage 3c, the energy-distance swap refinement (default on). */
  refine?: boolean;
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
  refine?: { swaps: number; passes: number; energyBefore: number; energyAfter: number };
  /** The verdicts the pool was gated with (undefined when nothing was judged). */
  gate?: GateKey;
  /** What the gate did to the personas considered for the pool: passed / rejected (with reasons) / unjudged. */
  gateReport: GateReport | null;
  group?: string;
  /** Low coverage: ESS below the target size (the pool covers the reference, or subgroup, poorly). */
  poorCoverage: boolean;
  notes: string[];
}

/** The human file's response scale differs from the personas': stated with every comparison against it. */
export const HUMAN_FILE_SCALE_NOTE =
  'response scales differ: the human reference was collected on a 1–5 scale anchored 1 = Disagree, 3 = Neutral, 5 = Agree (its codebook); ' +
  'personas answer on the IPIP scale 1 = Very inaccurate … 5 = Very accurate. Both are scored 1–5 with the same keys, but the anchors are not the same';

/** Caveats about comparing this instrument's scores with this reference. */
export function referenceNotes(instrument: InstrumentId, ref: ReferenceSource): string[] {
  const notes: string[] = [];
  if (ref.kind === 'file') {
    if (instrument !== 'ipip-ffm-50') notes.push(`${instrument} persona scores are compared with an IPIP-FFM-50 reference: both are 1–5 mean item scores of the same domains, not the same scale`);
    notes.push(HUMAN_FILE_SCALE_NOTE);
  }
  if (ref.kind === 'norms' && instrument !== 'ipip-neo-120')
    notes.push(`${instrument} persona scores are compared with IPIP-NEO-120 norms: both are 1–5 mean item scores of the same domains, not the same scale`);
  return notes;
}

/** Aligns the pool; without `gate` the store's only judge and its recorded thresholds gate it (resolveGateKey). */
export async function alignStage(store: Store, options: AlignStageOptions): Promise<AlignStageResult> {
  const opts = { ...options, gate: options.gate ?? (await resolveGateKey(store)) };
  const pool = await loadScoredPool(store, opts);
  const ref = loadReference(opts.reference);
  const r = alignToReference(pool.points, ref.points, {
    targetSize: opts.targetSize,
    seed: opts.seed,
    candidateFactor: opts.candidateFactor,
    skipOt: opts.skipOt,
    refine: opts.refine,
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
    refine: r.refine && { swaps: r.refine.swaps, passes: r.refine.passes, energyBefore: r.refine.energyBefore, energyAfter: r.refine.energyAfter },
    gate: opts.gate,
    gateReport: opts.gate ? await gateReport(store, opts.gate, pool.considered) : null,
    group: opts.group,
    poorCoverage: r.weights.ess < opts.targetSize,
    notes: referenceNotes(opts.instrument, opts.reference),
  };
  const settings = {
    instrument: opts.instrument,
    scorer: opts.scorer ?? null,
    gate: opts.gate ?? null,
    group: opts.group ?? null,
    includeUnjudged: Boolean(opts.includeUnjudged),
    reference: opts.reference,
    ...r.settings,
    epsilonScale: opts.epsilonScale ?? 0.05,
  };
  const diagnostics = { ...result, importanceOnlyIds: r.importanceOnly.map((i) => pool.ids[i]), otOnlyIds: r.otOnly.map((i) => pool.ids[i]), matchedCosts: r.ot?.matchedCosts ?? [], weights: { clipTau: r.weights.clipTau, bandwidthRef: r.weights.bandwidthRef, bandwidthPool: r.weights.bandwidthPool, referenceUsed: r.weights.referenceUsed } };
  await putPersonaSet(store, opts.setId, r.selected.map((i) => pool.ids[i]), settings, diagnostics);
  return result;
}

export interface ReportOutput {
  report: AlignmentReport;
  markdown: string;
  html: string;
}

/** The name of a set's final stage in reports: "aligned (IS + OT + energy refinement)" and shorter forms. */
export function alignedSetName(st: { skipOt?: boolean; refine?: boolean }): string {
  return `aligned (${st.skipOt ? 'IS' : st.refine ? 'IS + OT + energy refinement' : 'IS + OT'})`;
}

/**
 * Rebuilds the pool and reference a set was aligned with (same gate, group and scorer), and compares the pool, a
 * random subset, IS only, IS + OT (when refined) and the set.
 */
export async function reportStage(store: Store, setId: string, opts: { seed?: number } = {}): Promise<ReportOutput> {
  const set = await getPersonaSet(store, setId);
  if (!set) throw new RangeError(`no persona set "${setId}" (run personas align first)`);
  const st = set.settings as Omit<AlignStageOptions, 'gate' | 'group' | 'scorer'> & { targetSize: number; gate?: GateKey | null; group?: string | null; scorer?: string | null };
  const diag = set.diagnostics as AlignStageResult & { importanceOnlyIds: string[]; otOnlyIds?: string[] };
  // Sets written before the gate key was recorded: the store's only judge (as align would resolve it now).
  const gate = st.gate === undefined ? await resolveGateKey(store) : (st.gate ?? undefined);
  const pool = await loadScoredPool(store, { instrument: st.instrument, scorer: st.scorer ?? undefined, includeUnjudged: st.includeUnjudged, gate, group: st.group ?? undefined });
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
    ...(st.refine && diag.otOnlyIds?.length ? [{ name: 'IS + OT', points: pick(diag.otOnlyIds) }] : []),
    { name: alignedSetName(st), points: pick(set.memberIds) },
  ];
  const reference = { name: 'reference', points: ref.points };
  const report = buildAlignmentReport(`Persona set "${setId}" against ${ref.label}`, reference, sets, {
    instrument: st.instrument,
    ess: diag.ess,
    essBeforeClip: diag.essBeforeClip,
    clipped: diag.clipped,
    ot: diag.ot,
    refine: diag.refine,
    gate: gate ?? null,
    gateReport: gate ? await gateReport(store, gate, pool.considered) : null,
    group: st.group ?? null,
    excludedPersonas: pool.excluded,
    excludedReferenceRows: ref.excluded,
    scaleNotes: referenceNotes(st.instrument, st.reference),
  }, { seed: opts.seed ?? 7 });
  return { report, markdown: reportMarkdown(report), html: reportHtml(report, reference, sets) };
}
