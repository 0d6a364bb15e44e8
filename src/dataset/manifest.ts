// release.json: the completion marker of a release, with its counts, settings, seeds and input fingerprint.
import type { ActionKey } from '../bluesky/actions.ts';
import type { PartitionStats } from './write-release.ts';

export interface ReleaseManifest {
  format: 'simpact-release';
  formatVersion: 1;
  complete: true;
  simpactVersion: string;
  /** SHA-256 over the filtered activity the threads were built from (not reversible to any record). */
  inputFingerprint: string;
  settings: ReleaseSettings;
  seeds: { split: number; clustering: number | null };
  counts: {
    users: number;
    threads: number;
    messages: number;
    actions: Partial<Record<ActionKey, number>>;
    /** Candidate threads not emitted, by reason (unresolvable targets, text-less messages). */
    skipped: Record<string, number>;
    optedOut: number;
    filter: Record<string, number>;
    partitions: PartitionStats[];
  };
  files: { path: string; bytes: number }[];
}

export interface ReleaseSettings {
  compat: 'blueprint' | null;
  scope: 'same-cluster' | 'all';
  ks: number[];
  /** The K whose clusters group conversation trees in same-cluster scope (the reference uses its K=25 run). */
  chainK: number;
  clustering: string;
  /** The embedder behind the clusters (absent for a single cluster). */
  embedder?: { id: string; spec: Record<string, unknown>; settings: Record<string, unknown>; dim: number };
  languages: 'blueprint' | string[];
  keywords: string;
  minPosts: number;
  split: { train: number; validation: number; test: number };
  pii: { entities: string[]; mode: string; thresholds?: Record<string, number> };
  pseudonyms: 'hmac' | 'blueprint';
  /** What `relative_integer_time` holds: `relative_integer_time` (the global rank) or `bucket:<n><unit>` (bucket indices). */
  time: string;
  optOutList: boolean;
  parquet: boolean;
}
