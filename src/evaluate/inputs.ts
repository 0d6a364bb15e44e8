// What evaluation consumes, independent of where it came from: tasks with their truth, and per model the raw
// answer content per task id.
import type { ActionKey } from '../bluesky/actions.ts';

export interface EvalTask {
  id: string;
  cluster: number;
  /** Chain index (the number after the cluster in `task-<cluster>-<chain>`). */
  index: number;
  /** `post` (no context) or `reply`; unknown for a reference solutions file without its Batch input. */
  kind: 'post' | 'reply' | null;
  truth: { action: ActionKey | 'ignore' | null; text: string | null };
  /** The ground truth as the reference's validation content: `{"actions": <json string>|null, "text": ...}`. */
  truthContent: string;
  /**
   * What the chain index counts. `release` (simpact tasks and solutions): the line of the release cluster file; every
   * task is a thread. `reference` (a reference solutions file): the row of the reference's per-cluster validation
   * file, whose rows 0–999 are chains and the rest instruction items (dropped by `--compat blueprint`). Default release.
   */
  source?: 'release' | 'reference';
}

export interface EvalPrediction {
  task_id: string;
  content: string;
  refusal?: string;
  /** Set when the request failed (`status: "error"` line, failed Batch line): the reason, no content. */
  error?: string;
}

export interface EvalModel {
  id: string;
  predictions: EvalPrediction[];
}

/**
 * The reference pairing's truth side (`--validation`): per cluster, the ground-truth content (last message) of each
 * row of the cluster's validation file, in row order. The reference pairs the i-th answer of a cluster (answers sorted
 * by chain index) with row i, and takes rows 0..n−1 as the real texts.
 */
export type ValidationRows = ReadonlyMap<number, readonly string[]>;
