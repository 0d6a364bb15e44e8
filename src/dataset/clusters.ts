// The user → cluster partitions the release is split by: the clustering stage's per-K assignments, or one cluster
// (K=1) when no K above 1 is asked for.
import type { Activity } from '../bluesky/activity.ts';
import type { ClusteringResult } from '../cluster/stage.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/log.ts';

export interface ClusterPartitions {
  /** The K values released, ascending. */
  ks: number[];
  byK: Map<number, Map<string, number>>;
  /** How the partitions were made, for the dataset card. */
  method: string;
  seed: number | null;
  /** The embedder of the user vectors (id, secret-free spec, settings), for the dataset card. */
  embedder?: { id: string; spec: Record<string, unknown>; settings: Record<string, unknown>; dim: number };
  /** The clustering stage's result, from which the release's diagnostics are written. */
  stage?: ClusteringResult;
}

export interface ClusterRequest {
  ks: number[];
  seed: number;
}

export function singleCluster(users: Iterable<string>): ClusterPartitions {
  const m = new Map<string, number>();
  for (const did of users) m.set(did, 0);
  return { ks: [1], byK: new Map([[1, m]]), method: 'single cluster (clustering not run)', seed: null };
}

/**
 * The K whose clusters group conversation trees: the reference builds chains once from its K=25 run and re-splits
 * them for every other K. The requested K is used when released, otherwise the largest released K below it, or
 * the smallest one.
 */
export function chooseChainK(ks: readonly number[], wanted = 25): number {
  if (ks.includes(wanted)) return wanted;
  const below = ks.filter((k) => k < wanted);
  return below.length ? Math.max(...below) : Math.min(...ks);
}

export interface StageClusterOptions {
  ks: number[];
  seed: number;
  compat: boolean;
  embedder?: string;
  log: Logger;
}

/**
 * Partitions from the clustering stage (user vectors → size-constrained k-means per K, stored and reused). K=1 needs
 * no clustering. K values the stage cannot satisfy are left out with a warning; if none is left, one cluster.
 */
export async function clusterUsers(store: Store, activity: Activity, users: ReadonlySet<string>, o: StageClusterOptions): Promise<ClusterPartitions> {
  const wanted = [...new Set(o.ks)].sort((a, b) => a - b);
  const real = wanted.filter((k) => k > 1);
  if (real.length === 0) return singleCluster(users);
  const { runClustering } = await import('../cluster/stage.ts');
  const res = await runClustering(store, { ks: real, seed: o.seed, compatBlueprint: o.compat, activity, embedder: o.embedder, logger: o.log });
  const byK = new Map<number, Map<string, number>>();
  if (wanted.includes(1)) byK.set(1, singleCluster(users).byK.get(1)!);
  for (const r of res.perK) {
    if (r.status === 'ok') byK.set(r.k, r.assignments);
    else o.log.warn(`K=${r.k} is left out of the release: ${r.reason}`);
  }
  if (byK.size === 0) {
    o.log.warn('no requested K could be clustered: releasing one cluster (K=1)');
    return singleCluster(users);
  }
  const deviations = res.deviations.length ? `; departs from the reference: ${res.deviations.join('; ')}` : '';
  return {
    ks: [...byK.keys()].sort((a, b) => a - b),
    byK,
    method: `size-constrained k-means (minimum ${res.settings.minSize} users per cluster, seed ${res.settings.seed}) over ${res.embedder.id} user vectors${deviations}`,
    seed: res.seeds.kmeans,
    embedder: { id: res.embedder.id, spec: res.embedder.spec, settings: res.embedder.settings, dim: res.embedder.dim },
    stage: res,
  };
}
