// Study design (pure, seeded): which post each item shows (the real target or the model's), attention checks, and
// each rater's items in a randomised order, balanced across model arms.
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
  itemsPerRater: number;
  showContext: boolean;
  /** Probability that an item shows the real post rather than the model's. */
  realShare: number;
  attentionChecks: number;
  seed: number;
  /** Days until the rater links expire. */
  linkDays: number;
}

export const DEFAULT_SETTINGS: StudySettings = { raters: 2, itemsPerRater: 20, showContext: true, realShare: 0.5, attentionChecks: 1, seed: 42, linkDays: 30 };

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

export function designStudy(candidates: readonly Candidate[], s: StudySettings): StudyDesign {
  const rng = new Rng(s.seed);
  const shown = rng.fork('shown');
  const items: StudyItem[] = candidates.map((c, i) => {
    const real = shown.next() < s.realShare;
    return {
      itemNo: i,
      kind: real ? 'real' : 'model',
      model: c.model,
      taskId: c.taskId,
      context: JSON.stringify(s.showContext ? c.context : []),
      candidate: real ? c.real : c.generated,
      expected: real ? 'real' : 'ai',
    };
  });
  const checkNos: number[] = [];
  for (let j = 0; j < s.attentionChecks; j++) {
    const check = CHECKS[j % CHECKS.length];
    checkNos.push(items.length);
    items.push({ itemNo: items.length, kind: 'attention', model: null, taskId: null, context: '[]', candidate: check.text, expected: check.expected });
  }
  const byModel = new Map<string, number[]>();
  for (const it of items) if (it.model !== null) (byModel.get(it.model) ?? byModel.set(it.model, []).get(it.model)!).push(it.itemNo);
  const arms = [...byModel.keys()].sort();
  const assignments: number[][] = [];
  for (let r = 0; r < s.raters; r++) {
    const rr = rng.fork(`rater-${r}`);
    const queues = arms.map((m) => rr.shuffle([...byModel.get(m)!]));
    const chosen: number[] = [];
    // Round-robin over the arms so every model gets an equal share of the rater's items.
    for (let round = 0; chosen.length < s.itemsPerRater; round++) {
      let took = false;
      for (const q of queues) {
        if (round < q.length && chosen.length < s.itemsPerRater) {
          chosen.push(q[round]);
          took = true;
        }
      }
      if (!took) break;
    }
    rr.shuffle(chosen);
    // Attention checks go anywhere but first, so the rater has seen a real item before.
    for (const c of checkNos) chosen.splice(1 + rr.int(chosen.length), 0, c);
    assignments.push(chosen);
  }
  return { items, assignments };
}
