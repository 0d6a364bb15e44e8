// Non-LLM next-action baselines, trained on the train split's tasks: the overall majority action, the per-cluster
// most frequent action, and a learned classifier (learned-classifier.ts). Text for post/reply predictions is a
// training text of the same cluster and action, drawn with a seed derived from the task id, so text metrics have
// something to compare; action metrics do not depend on it.
import type { ActionKey } from '../bluesky/actions.ts';
import { Rng, hashString } from '../util/rng.ts';
import { parseAnswer, type ParsedAnswer } from './answer.ts';
import { LearnedClassifier, type LearnedOptions } from './learned-classifier.ts';
import type { PredictionLine } from './predictions.ts';
import { BLUEPRINT_ANSWER_ACTIONS, type NextActionTask } from './tasks.ts';

export type BaselineName = 'majority' | 'cluster-prior' | 'learned';
export const BASELINES: readonly BaselineName[] = ['majority', 'cluster-prior', 'learned'];

export interface Baseline {
  readonly id: string;
  predictAction(task: NextActionTask): ActionKey | 'ignore';
}

function mode(counts: Map<string, number>): string | undefined {
  let best: string | undefined;
  let n = -1;
  for (const [k, c] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (c > n) [best, n] = [k, c];
  return best;
}

function labelled(train: readonly NextActionTask[]): NextActionTask[] {
  return train.filter((t) => t.truth.action !== null);
}

export function majorityBaseline(train: readonly NextActionTask[]): Baseline {
  const counts = new Map<string, number>();
  for (const t of labelled(train)) counts.set(t.truth.action!, (counts.get(t.truth.action!) ?? 0) + 1);
  const action = (mode(counts) ?? 'post') as ActionKey;
  return { id: 'baseline:majority', predictAction: () => action };
}

export function clusterPriorBaseline(train: readonly NextActionTask[]): Baseline {
  const per = new Map<number, Map<string, number>>();
  const all = new Map<string, number>();
  for (const t of labelled(train)) {
    const m = per.get(t.cluster) ?? per.set(t.cluster, new Map()).get(t.cluster)!;
    m.set(t.truth.action!, (m.get(t.truth.action!) ?? 0) + 1);
    all.set(t.truth.action!, (all.get(t.truth.action!) ?? 0) + 1);
  }
  const fallback = (mode(all) ?? 'post') as ActionKey;
  const best = new Map([...per].map(([c, m]) => [c, mode(m) as ActionKey]));
  return { id: 'baseline:cluster-prior', predictAction: (t) => best.get(t.cluster) ?? fallback };
}

export function learnedBaseline(train: readonly NextActionTask[], opts: LearnedOptions = {}): Baseline {
  const clf = new LearnedClassifier(opts).fit(labelled(train));
  return { id: 'baseline:learned', predictAction: (t) => clf.predict(t) };
}

export function createBaseline(name: BaselineName, train: readonly NextActionTask[], seed = 42): Baseline {
  if (name === 'majority') return majorityBaseline(train);
  if (name === 'cluster-prior') return clusterPriorBaseline(train);
  return learnedBaseline(train, { seed });
}

/** Texts of the training tasks by cluster and action, for the baselines' text. */
export class TextPool {
  private readonly byKey = new Map<string, string[]>();

  constructor(train: readonly NextActionTask[]) {
    for (const t of train) {
      if (!t.truth.text || !t.truth.action) continue;
      const k = `${t.cluster}:${t.truth.action}`;
      (this.byKey.get(k) ?? this.byKey.set(k, []).get(k)!).push(t.truth.text);
    }
  }

  draw(task: NextActionTask, action: string, seed: number): string {
    const list = this.byKey.get(`${task.cluster}:${action}`);
    if (!list?.length) return '';
    return new Rng((seed ^ hashString(task.id)) >>> 0).pick(list);
  }
}

/** The answer a baseline gives, in the task's schema shape (so the reference text rules apply to it too). */
export function baselineContent(task: NextActionTask, action: ActionKey | 'ignore', text: string): string {
  if (task.kind === 'post') return JSON.stringify({ text });
  const actions: Record<string, boolean> = Object.fromEntries(BLUEPRINT_ANSWER_ACTIONS.map((k) => [k, k === action]));
  if (action !== 'post' && action !== 'reply' && !(action in actions)) actions[action] = true;
  return JSON.stringify({ actions, text });
}

export function baselinePredictions(b: Baseline, tasks: readonly NextActionTask[], pool: TextPool, seed = 42): PredictionLine[] {
  return tasks.map((task) => {
    const action = b.predictAction(task);
    const text = action === 'post' || action === 'reply' ? pool.draw(task, action, seed) : '';
    const content = baselineContent(task, action, text);
    // What is scored is what the content says: a `post` on a task with context can only be written as a reply.
    const scored: ParsedAnswer['action'] = parseAnswer(content, task.kind).action;
    return { task_id: task.id, model: b.id, content, status: 'ok', action: scored, text };
  });
}
