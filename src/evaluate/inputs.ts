// What evaluation consumes, independent of where it came from: tasks with their truth, and per model the raw
// answer content per task id.
import type { ActionKey } from '../bluesky/actions.ts';

export interface EvalTask {
  id: string;
  cluster: number;
  /** Chain index (the number after the cluster in `task-<cluster>-<chain>`). */
  index: number;
  /** `post` (no context) or `reply`; unknown for solutions-only input. */
  kind: 'post' | 'reply' | null;
  truth: { action: ActionKey | 'ignore' | null; text: string | null };
  /** The ground truth as the reference's validation content: `{"actions": <json string>|null, "text": ...}`. */
  truthContent: string;
}

export interface EvalPrediction {
  task_id: string;
  content: string;
  refusal?: string;
}

export interface EvalModel {
  id: string;
  predictions: EvalPrediction[];
}
