// The clustering stage `simpact build` runs: user vectors (embed stage) → size-constrained k-means for every K →
// diagnostics. Resumable: each K's labels and diagnostics are stored under a key that hashes the user vectors' key
// and every clustering setting, so a re-run reuses finished K values and computes only the rest.
// K values that cannot be satisfied (n < K·minSize) are skipped with a recorded reason instead of failing the build
// (`simpact build` releases the other K values); `simpact cluster` passes `refuseInfeasible` and gets an
// InfeasibleKError naming every such K before anything is embedded or clustered.
import type { Activity } from '../bluesky/activity.ts';
import { stableHash, textHash } from '../embed/cache.ts';
import { embedUsers, userTexts, type EmbedderRecord, type EmbedUsersOptions, type EmbedUsersResult } from '../embed/stage.ts';
import { getCachedEmbeddings, getClusterLabels, getClusterRun, putClusterRun } from '../store/embeddings.ts';
import type { Store } from '../store/store.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import { Rng } from '../util/rng.ts';
import { computeDiagnostics, type ClusterDiagnostics } from './diagnostics.ts';
import { constrainedKMeans, type SeedSample } from './index.ts';
import { defaultSeedSample, seedSampleSize } from './constrained-kmeans.ts';

/** Medoid posts are chosen among at most this many sampled texts per cluster, and this many over all clusters. */
const MEDOID_SAMPLE = 1000;
const MEDOID_TOTAL = 200_000;

/** Bump when the stage's results change for the same inputs, so stored runs are not reused. */
const STAGE_VERSION = 3;

export interface ClusteringOptions {
  ks: number[];
  /** Smallest cluster (default 10, as the reference). */
  minSize?: number;
  /** Largest cluster (default none, as the reference). */
  maxSize?: number;
  /** k-means seed (default 42). */
  seed?: number;
  nInit?: number;
  maxIter?: number;
  tol?: number;
  /** k-means++ seeding over all users or a seeded sample (default 'auto'; 'all' under compatBlueprint, as sklearn). */
  seedSample?: SeedSample;
  embedder?: EmbedUsersOptions['embedder'];
  /** Reference behaviour where it differs (passed to the activity loader; recorded). */
  compatBlueprint?: boolean;
  /** The filtered activity of the kept users; loaded and filtered from the store when absent. */
  activity?: Activity;
  filter?: EmbedUsersOptions['filter'];
  silhouetteSample?: number;
  /** Recompute even when a stored run matches. */
  force?: boolean;
  /** Throw an InfeasibleKError, before embedding, when some K cannot be satisfied (default: skip and record it). */
  refuseInfeasible?: boolean;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface KClustering {
  k: number;
  status: 'ok' | 'skipped';
  /** Why a K was skipped. */
  reason?: string;
  /** did → cluster id (empty when skipped). */
  assignments: Map<string, number>;
  runKey: string;
  /** True when read back from the store rather than computed now. */
  reused: boolean;
  inertia?: number;
  /** Lloyd iterations of the winning seeding (read back from the stored diagnostics when reused). */
  iterations?: number;
  seconds?: number;
  diagnostics?: ClusterDiagnostics;
}

/** Some requested K cannot be satisfied by the kept users (only with `refuseInfeasible`). */
export class InfeasibleKError extends Error {
  constructor(
    readonly problems: Array<{ k: number; reason: string }>,
    readonly nUsers: number,
  ) {
    super(
      `infeasible K: ${problems.map((p) => `K=${p.k}: ${p.reason}`).join('; ')} ` +
        `(${nUsers} kept users; lower --k or --min-size, or loosen the filters)`,
    );
  }
}

export interface ClusteringSettings {
  minSize: number;
  maxSize: number | null;
  seed: number;
  nInit: number;
  maxIter: number;
  tol: number;
  seedSample: SeedSample;
  compatBlueprint: boolean;
  silhouetteSample: number;
  stageVersion: number;
}

export interface ClusteringResult {
  embedder: EmbedderRecord;
  embedKey: string;
  nUsers: number;
  /** The users in row order of the user vectors (sorted DIDs): row i of a labels file is dids[i]. Never output. */
  dids: string[];
  settings: ClusteringSettings;
  /** Every seed that shaped the result, for the dataset card. */
  seeds: { kmeans: number; diagnostics: number; embedder?: number };
  embedStats: EmbedUsersResult['stats'];
  perK: KClustering[];
  /** Ways this run departs from the reference method (empty when faithful). */
  deviations: string[];
}

export async function runClustering(store: Store, opts: ClusteringOptions): Promise<ClusteringResult> {
  const log = opts.logger ?? silentLogger;
  if (opts.ks.length === 0) throw new Error('runClustering: no K values given');
  const settings: ClusteringSettings = {
    minSize: opts.minSize ?? 10,
    maxSize: opts.maxSize ?? null,
    seed: opts.seed ?? 42,
    nInit: opts.nInit ?? 10,
    maxIter: opts.maxIter ?? 300,
    tol: opts.tol ?? 1e-4,
    seedSample: opts.seedSample ?? defaultSeedSample(opts.compatBlueprint ?? false),
    compatBlueprint: opts.compatBlueprint ?? false,
    silhouetteSample: opts.silhouetteSample ?? 2000,
    stageVersion: STAGE_VERSION,
  };
  const activity = opts.activity ?? (await loadFiltered(store, opts));
  if (opts.refuseInfeasible) {
    const nKept = userTexts(activity).users.length;
    const problems = [...new Set(opts.ks)].flatMap((k) => {
      const reason = infeasibility(k, nKept, settings);
      return reason ? [{ k, reason }] : [];
    });
    if (problems.length) throw new InfeasibleKError(problems, nKept);
  }
  const emb = await embedUsers(store, { embedder: opts.embedder, activity, signal: opts.signal, logger: log });
  const n = emb.users.length;
  const dim = emb.embedder.dim;
  const data = new Float32Array(n * dim);
  emb.users.forEach((u, i) => data.set(u.vec, i * dim));
  const dids = emb.users.map((u) => u.did);

  const perK: KClustering[] = [];
  for (const k of [...new Set(opts.ks)]) {
    opts.signal?.throwIfAborted();
    const runKey = stableHash({ embedKey: emb.embedKey, k, ...settings });
    const stored = opts.force ? undefined : await getClusterRun(store, runKey);
    if (stored) {
      log.info(`cluster: K=${k} reused from the store`);
      const diagnostics = stored.diagnosticsJson ? (JSON.parse(stored.diagnosticsJson) as ClusterDiagnostics) : undefined;
      perK.push({
        k,
        status: stored.status,
        reason: stored.reason,
        assignments: stored.status === 'ok' ? await getClusterLabels(store, runKey) : new Map(),
        runKey,
        reused: true,
        inertia: stored.inertia,
        ...(diagnostics?.iterations !== undefined ? { iterations: diagnostics.iterations } : {}),
        diagnostics,
      });
      continue;
    }
    const reason = infeasibility(k, n, settings);
    if (reason) {
      log.warn(`cluster: K=${k} skipped: ${reason}`);
      await putClusterRun(store, { runKey, embedKey: emb.embedKey, k, status: 'skipped', reason, settingsJson: JSON.stringify(settings) }, []);
      perK.push({ k, status: 'skipped', reason, assignments: new Map(), runKey, reused: false });
      continue;
    }
    log.info(`cluster: K=${k} over ${n} users (${dim} dimensions)`);
    const t0 = performance.now();
    const res = await constrainedKMeans(data, n, dim, {
      k,
      minSize: settings.minSize,
      maxSize: settings.maxSize ?? undefined,
      nInit: settings.nInit,
      maxIter: settings.maxIter,
      tol: settings.tol,
      seed: settings.seed,
      seedSample: settings.seedSample,
      allowZeroRows: true, // zero-norm user vectors are kept, as the reference does
    });
    const textVectors = await getCachedEmbeddings(
      store,
      emb.embedder.id,
      emb.embedder.settingsHash,
      medoidCandidates(activity, dids, res.labels, k, settings.seed),
    );
    const diagnostics = computeDiagnostics({
      k,
      dids,
      data,
      dim,
      labels: res.labels,
      inertia: res.inertia,
      activity,
      textVectors,
      seed: settings.seed,
      silhouetteSample: settings.silhouetteSample,
    });
    diagnostics.iterations = res.iterations;
    const seconds = (performance.now() - t0) / 1000;
    const assignments = new Map(dids.map((did, i) => [did, res.labels[i]]));
    await putClusterRun(
      store,
      { runKey, embedKey: emb.embedKey, k, status: 'ok', inertia: res.inertia, settingsJson: JSON.stringify(settings), diagnosticsJson: JSON.stringify(diagnostics) },
      dids.map((did, i) => ({ did, clusterId: res.labels[i] })),
    );
    perK.push({ k, status: 'ok', assignments, runKey, reused: false, inertia: res.inertia, iterations: res.iterations, seconds, diagnostics });
  }
  return {
    embedder: emb.embedder,
    embedKey: emb.embedKey,
    nUsers: n,
    dids,
    settings,
    seeds: { kmeans: settings.seed, diagnostics: settings.seed, ...embedderSeed(emb.embedder) },
    embedStats: emb.stats,
    perK,
    deviations: deviations(emb.embedder, settings, n, perK),
  };
}

/** Texts that may be a medoid: per cluster a seeded sample of its distinct post texts (the reference sampled 1000). */
export function medoidCandidates(activity: Activity, dids: readonly string[], labels: ArrayLike<number>, k: number, seed: number): string[] {
  const perCluster = Math.max(20, Math.min(MEDOID_SAMPLE, Math.floor(MEDOID_TOTAL / k)));
  const row = new Map(dids.map((d, i) => [d, i]));
  const byCluster: Array<Set<string>> = Array.from({ length: k }, () => new Set());
  for (const p of activity.posts) {
    const i = row.get(p.did);
    if (i !== undefined && p.text.trim() !== '') byCluster[labels[i]].add(p.text);
  }
  const rng = new Rng(seed).fork('medoids');
  return byCluster.flatMap((texts) => {
    const list = [...texts];
    return (list.length > perCluster ? rng.shuffle(list).slice(0, perCluster) : list).map(textHash);
  });
}

export function infeasibility(k: number, n: number, s: Pick<ClusteringSettings, 'minSize' | 'maxSize'>): string | undefined {
  if (!Number.isInteger(k) || k < 1) return `K=${k} is not a positive integer`;
  if (n < k) return `${n} users cannot form ${k} clusters`;
  if (n < k * s.minSize) return `${n} users cannot fill ${k} clusters of at least ${s.minSize} (needs ${k * s.minSize})`;
  if (s.maxSize !== null && k * s.maxSize < n) return `${k} clusters of at most ${s.maxSize} cannot hold ${n} users`;
  return undefined;
}

async function loadFiltered(store: Store, opts: ClusteringOptions): Promise<Activity> {
  const [{ loadActivity }, { filterActivity }] = await Promise.all([import('../store/activity.ts'), import('../filter/index.ts')]);
  return filterActivity(await loadActivity(store, { compatBlueprint: opts.compatBlueprint }), opts.filter).activity;
}

function embedderSeed(e: EmbedderRecord): { embedder?: number } {
  const seed = e.settings.seed;
  return typeof seed === 'number' ? { embedder: seed } : {};
}

function deviations(e: EmbedderRecord, s: ClusteringSettings, n: number, perK: KClustering[]): string[] {
  const out: string[] = [];
  const faithfulE5 = e.id.includes('multilingual-e5-large') && e.settings.mode === 'blueprint';
  if (!faithfulE5) out.push(`embedder ${e.id} instead of intfloat/multilingual-e5-large with CLS pooling (spec §5.1)`);
  if (s.minSize !== 10) out.push(`minimum cluster size ${s.minSize} instead of 10`);
  if (s.maxSize !== null) out.push(`maximum cluster size ${s.maxSize} (the reference has none)`);
  const sampled = perK.filter((r) => r.status === 'ok' && seedSampleSize(n, r.k, s.seedSample) < n).map((r) => `K=${r.k}: ${seedSampleSize(n, r.k, s.seedSample)}`);
  if (sampled.length) out.push(`k-means++ seeded from a sample of the ${n} users (${sampled.join(', ')}; sklearn seeds from all; --seed-sample all)`);
  if (s.seed !== 42 || s.nInit !== 10 || s.maxIter !== 300) out.push(`k-means seed/n_init/max_iter ${s.seed}/${s.nInit}/${s.maxIter} instead of 42/10/300`);
  return out;
}
