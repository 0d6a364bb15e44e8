// A multinomial logistic-regression next-action classifier over hashed features: TF-IDF-weighted words of the context
// (last context message apart), the context type (thread length, text vs action, URL, length bucket), the cluster, and
// whether the actor already appears in the context. Trained with seeded SGD and balanced class weights.
import type { ActionKey } from '../bluesky/actions.ts';
import { Rng, hashString } from '../util/rng.ts';
import type { NextActionTask } from './tasks.ts';

export interface LearnedOptions {
  /** log2 of the hashed feature space (default 18). */
  bits?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
  /** Class weight = (n / (classes · count))^power: 1 is sklearn's "balanced", 0 is none (default 0.25). */
  classWeightPower?: number;
  /** Train on at most this many tasks, a seeded sample (default 20 000). */
  maxTrain?: number;
}

interface Sparse {
  idx: Uint32Array;
  val: Float32Array;
}

const WORD = /[\p{L}\p{N}_]{2,}/gu;

function contextBodies(task: NextActionTask): { role: string; text: string; isAction: boolean }[] {
  return task.messages.slice(1).map((m) => {
    const nl = m.content.indexOf('\n');
    const role = m.content.slice(0, nl);
    let body: any = {};
    try {
      body = JSON.parse(m.content.slice(nl + 1));
    } catch {
      /* keep empty */
    }
    return { role, text: typeof body.text === 'string' ? body.text : '', isAction: body.actions != null };
  });
}

/** Named raw features of a task (exported for tests). */
export function taskFeatures(task: NextActionTask): { cats: string[]; words: string[] } {
  const ctx = contextBodies(task);
  const last = ctx[ctx.length - 1];
  const cats = [`bias`, `cluster:${task.cluster}`, `len:${Math.min(task.threadLength, 4)}`, `kind:${task.kind}`];
  if (last) {
    const chars = last.text.length;
    cats.push(`ctx:${last.isAction ? 'action' : 'text'}`, `ctxlen:${chars < 40 ? 's' : chars < 160 ? 'm' : 'l'}`);
    if (last.text.includes('<URL>') || /https?:\/\//.test(last.text)) cats.push('ctx:url');
    if (/@<USERNAME>|@\w/.test(last.text)) cats.push('ctx:mention');
    if (ctx.some((c) => c.role === 'assistant')) cats.push('actor-in-context');
    cats.push(`authors:${Math.min(new Set(ctx.map((c) => c.role)).size, 3)}`, `cluster:${task.cluster}|len:${Math.min(task.threadLength, 4)}`);
  }
  if (typeof task.gap === 'number') {
    const g = `gap:${Math.min(30, Math.floor(Math.log2(1 + Math.max(0, task.gap))))}`;
    cats.push(g, `${g}|ctx:${last?.isAction ? 'action' : 'text'}`);
  }
  const words = last ? (last.text.toLowerCase().match(WORD) ?? []) : [];
  return { cats, words };
}

export class LearnedClassifier {
  private labels: string[] = [];
  private weights: Float32Array[] = [];
  private idf = new Map<string, number>();
  private readonly dim: number;

  constructor(private readonly opts: LearnedOptions = {}) {
    this.dim = 1 << (opts.bits ?? 18);
  }

  private vectorize(task: NextActionTask): Sparse {
    const { cats, words } = taskFeatures(task);
    const acc = new Map<number, number>();
    const add = (f: string, v: number) => {
      const h = hashString(f) & (this.dim - 1);
      acc.set(h, (acc.get(h) ?? 0) + v);
    };
    for (const c of cats) add(`c:${c}`, 1);
    const tf = new Map<string, number>();
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    let ss = 0;
    const wv: [string, number][] = [];
    for (const [w, n] of tf) {
      const v = (1 + Math.log(n)) * (this.idf.get(w) ?? 0);
      if (v > 0) {
        wv.push([w, v]);
        ss += v * v;
      }
    }
    const norm = Math.sqrt(ss) || 1;
    for (const [w, v] of wv) add(`w:${w}`, v / norm);
    const idx = Uint32Array.from(acc.keys());
    return { idx, val: Float32Array.from(idx, (i) => acc.get(i)!) };
  }

  fit(all: readonly NextActionTask[]): this {
    const rng = new Rng(this.opts.seed ?? 42);
    const cap = this.opts.maxTrain ?? 20_000;
    const train = all.length > cap ? rng.fork('sample').shuffle([...all]).slice(0, cap) : all;
    const df = new Map<string, number>();
    for (const t of train) for (const w of new Set(taskFeatures(t).words)) df.set(w, (df.get(w) ?? 0) + 1);
    const n = train.length;
    for (const [w, c] of df) if (c >= 2) this.idf.set(w, Math.log((1 + n) / (1 + c)) + 1);
    this.labels = [...new Set(train.map((t) => t.truth.action as string))].sort();
    const y = train.map((t) => this.labels.indexOf(t.truth.action as string));
    const counts = this.labels.map((_, k) => y.filter((v) => v === k).length);
    const power = this.opts.classWeightPower ?? 0.25;
    const classWeight = counts.map((c) => (c ? (n / (this.labels.length * c)) ** power : 0));
    const X = train.map((t) => this.vectorize(t));
    this.weights = this.labels.map(() => new Float32Array(this.dim));
    const order = Array.from(X.keys());
    const epochs = this.opts.epochs ?? 5;
    const l2 = this.opts.l2 ?? 1e-6;
    let step = 0;
    for (let e = 0; e < epochs; e++) {
      rng.shuffle(order);
      for (const i of order) {
        const lr = (this.opts.learningRate ?? 0.5) / (1 + 1e-4 * step++);
        const p = this.probabilities(X[i]);
        const cw = classWeight[y[i]];
        for (let k = 0; k < this.labels.length; k++) {
          const g = (p[k] - (k === y[i] ? 1 : 0)) * cw;
          const w = this.weights[k];
          for (let j = 0; j < X[i].idx.length; j++) {
            const f = X[i].idx[j];
            w[f] -= lr * (g * X[i].val[j] + l2 * w[f]);
          }
        }
      }
    }
    return this;
  }

  private probabilities(x: Sparse): Float64Array {
    const z = new Float64Array(this.labels.length);
    for (let k = 0; k < z.length; k++) {
      const w = this.weights[k];
      let s = 0;
      for (let j = 0; j < x.idx.length; j++) s += w[x.idx[j]] * x.val[j];
      z[k] = s;
    }
    let m = -Infinity;
    for (const v of z) m = Math.max(m, v);
    let sum = 0;
    for (let k = 0; k < z.length; k++) sum += z[k] = Math.exp(z[k] - m);
    for (let k = 0; k < z.length; k++) z[k] /= sum;
    return z;
  }

  predict(task: NextActionTask): ActionKey {
    if (!this.labels.length) return 'post';
    const p = this.probabilities(this.vectorize(task));
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    return this.labels[best] as ActionKey;
  }
}
