// Study design (pure, seeded): which tasks each rater sees, in which model arm, showing the real target post or the
// model's post, plus attention checks, in a randomised order.
//
// A rater sees every task at most once: two items of the same task (the same real post twice, or the real post and a
// model's answer to the same thread) would let the rater compare them. So the unit a rater is given is a task, and
// for each (rater, task) the design decides the arm (which model's prediction) and what is shown (real or model):
// - arms are balanced per rater (counts differ by at most one when every model answered every task);
// - within each arm the real share is `realShare` up to randomised rounding (floor or ceiling of realShare × count);
// - to measure agreement, a condition (task, model, real|model) already shown to one rater is preferred for the next
//   rater until REPLICATION raters have it; after that, conditions nobody has seen yet are preferred (coverage).
import type { Answer, StudyItem } from '../../store/studies.ts';
import { Rng } from '../../util/rng.ts';

export interface ContextMessage {
  role: string;
  text?: string;
  action?: string;
}

/** One task with both candidates: the real target post and one model's generated post. */
export interface Candidate {
  model: string;
  taskId: string;
  context: ContextMessage[];
  real: string;
  generated: string;
}

export interface StudySettings {
  raters: number;
  /** Tasks per rater (at most one item per task; attention checks come on top). */
  itemsPerRater: number;
  showContext: boolean;
  /** Share of a rater's items (per model arm) that show the real post rather than the model's. */
  realShare: number;
  attentionChecks: number;
  seed: number;
  /** Days until the rater links expire. */
  linkDays: number;
}

export const DEFAULT_SETTINGS: StudySettings = { raters: 2, itemsPerRater: 20, showContext: true, realShare: 0.5, attentionChecks: 1, seed: 42, linkDays: 30 };

/** How many raters a condition is given to before conditions nobody has seen are preferred. */
export const REPLICATION = 2;

const CHECKS: { text: string; expected: Answer }[] = [
  { text: 'Attention check: this is not a real post. Please answer “Unsure” for this item.', expected: 'unsure' },
  { text: 'Attention check: please answer “Real” for this item.', expected: 'real' },
  { text: 'Attention check: please answer “AI” for this item.', expected: 'ai' },
];

export interface StudyDesign {
  items: StudyItem[];
  /** Per rater (0-based), the item numbers in the order shown. */
  assignments: number[][];
}

export function validateSettings(s: StudySettings): string[] {
  const bad: string[] = [];
  if (!Number.isInteger(s.raters) || s.raters < 1 || s.raters > 1000) bad.push('raters must be an integer from 1 to 1000');
  if (!Number.isInteger(s.itemsPerRater) || s.itemsPerRater < 1 || s.itemsPerRater > 1000) bad.push('itemsPerRater must be an integer from 1 to 1000');
  if (!(s.realShare >= 0 && s.realShare <= 1)) bad.push('realShare must be between 0 and 1');
  if (!Number.isInteger(s.attentionChecks) || s.attentionChecks < 0 || s.attentionChecks > 20) bad.push('attentionChecks must be an integer from 0 to 20');
  if (!Number.isInteger(s.seed) || s.seed < 0) bad.push('seed must be a non-negative integer');
  if (typeof s.showContext !== 'boolean') bad.push('showContext must be true or false');
  if (!Number.isInteger(s.linkDays) || s.linkDays < 1 || s.linkDays > 365) bad.push('linkDays must be an integer from 1 to 365');
  return bad;
}

type Shown = 'real' | 'model';

interface Condition {
  task: string;
  model: string;
  shown: Shown;
}

const keyOf = (c: Condition) => `${c.model}\u0000${c.task}\u0000${c.shown}`;

/** Per arm, how many real and model items a rater of `n` tasks gets: arms balanced, real share rounded at random. */
function quotas(rr: Rng, models: readonly string[], n: number, realShare: number): Map<string, Record<Shown, number>> {
  const arms = rr.shuffle([...models]);
  const out = new Map<string, Record<Shown, number>>();
  arms.forEach((m, i) => {
    const count = Math.floor(n / arms.length) + (i < n % arms.length ? 1 : 0);
    const real = Math.min(count, Math.floor(realShare * count + rr.next()));
    out.set(m, { real, model: count - real });
  });
  return out;
}

export function designStudy(candidates: readonly Candidate[], s: StudySettings): StudyDesign {
  const rng = new Rng(s.seed);
  // Tasks in input order, each with the models that answered it (the first line of a (model, task) pair counts).
  const byTask = new Map<string, Map<string, Candidate>>();
  const order = new Map<string, number>();
  candidates.forEach((c, i) => {
    const models = byTask.get(c.taskId) ?? byTask.set(c.taskId, new Map()).get(c.taskId)!;
    if (!models.has(c.model)) {
      models.set(c.model, c);
      order.set(`${c.model}\u0000${c.taskId}`, i);
    }
  });
  const tasks = [...byTask.keys()];
  const models = [...new Set(candidates.map((c) => c.model))].sort();
  const n = Math.min(s.itemsPerRater, tasks.length);
  const seen = new Map<string, number>();
  const perRater: Condition[][] = [];
  const rraters: Rng[] = [];

  for (let r = 0; r < s.raters; r++) {
    const rr = rng.fork(`rater-${r}`);
    rraters.push(rr);
    const quota = quotas(rr, models, n, s.realShare);
    const chosen: Condition[] = [];
    const deferred: string[] = [];
    for (const task of rr.shuffle([...tasks])) {
      if (chosen.length >= n) break;
      let best: Condition | null = null;
      let bestScore: number[] = [];
      for (const model of byTask.get(task)!.keys()) {
        for (const shown of ['real', 'model'] as const) {
          const left = quota.get(model)![shown];
          if (left <= 0) continue;
          const c = { task, model, shown };
          const times = seen.get(keyOf(c)) ?? 0;
          // Replicate up to REPLICATION raters, then prefer what nobody has seen; then the fullest quota; then chance.
          const score = [times > 0 && times < REPLICATION ? 2 : times === 0 ? 1 : 0, -times, left, rr.next()];
          if (!best || lexGreater(score, bestScore)) {
            best = c;
            bestScore = score;
          }
        }
      }
      if (!best) {
        deferred.push(task);
        continue;
      }
      quota.get(best.model)![best.shown]--;
      chosen.push(best);
    }
    // Arms short of tasks (a model that did not answer every task) leave quota unfilled: the remaining tasks go to the
    // least-used arm that answered them, with the configured real share.
    for (const task of deferred) {
      if (chosen.length >= n) break;
      const avail = [...byTask.get(task)!.keys()];
      const used = (m: string) => chosen.filter((c) => c.model === m).length;
      const model = avail.reduce((a, b) => (used(b) < used(a) ? b : a));
      chosen.push({ task, model, shown: rr.next() < s.realShare ? 'real' : 'model' });
    }
    for (const c of chosen) seen.set(keyOf(c), (seen.get(keyOf(c)) ?? 0) + 1);
    perRater.push(chosen);
  }

  // Items: every condition some rater is given, in input order (real before model), then the attention checks.
  const conditions = [...new Map(perRater.flat().map((c) => [keyOf(c), c])).values()].sort(
    (a, b) => order.get(`${a.model}\u0000${a.task}`)! - order.get(`${b.model}\u0000${b.task}`)! || (a.shown === b.shown ? 0 : a.shown === 'real' ? -1 : 1),
  );
  const itemNo = new Map<string, number>();
  const items: StudyItem[] = conditions.map((c, i) => {
    const cand = byTask.get(c.task)!.get(c.model)!;
    itemNo.set(keyOf(c), i);
    const real = c.shown === 'real';
    return {
      itemNo: i,
      kind: real ? 'real' : 'model',
      model: c.model,
      taskId: c.task,
      context: JSON.stringify(s.showContext ? cand.context : []),
      candidate: real ? cand.real : cand.generated,
      expected: real ? 'real' : 'ai',
    };
  });
  const checkNos: number[] = [];
  for (let j = 0; j < s.attentionChecks; j++) {
    const check = CHECKS[j % CHECKS.length];
    checkNos.push(items.length);
    items.push({ itemNo: items.length, kind: 'attention', model: null, taskId: null, context: '[]', candidate: check.text, expected: check.expected });
  }
  const assignments = perRater.map((chosen, r) => {
    const rr = rraters[r];
    const list = rr.shuffle(chosen.map((c) => itemNo.get(keyOf(c))!));
    // Attention checks go anywhere but first, so the rater has seen a real item before.
    for (const c of checkNos) list.splice(1 + rr.int(list.length), 0, c);
    return list;
  });
  return { items, assignments };
}

function lexGreater(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}
