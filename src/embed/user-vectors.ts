// User vectors (spec §5.1): the arithmetic mean of the embeddings of a user's posts and replies, not normalised.
// A user whose texts all embed to zero keeps a zero vector (as the reference); NaN anywhere is an error.

export interface UserTexts {
  did: string;
  /** Hashes of the user's post and reply texts (one entry per post: repeated texts count again, as in a mean over posts). */
  textHashes: string[];
}

export interface UserVector {
  did: string;
  nTexts: number;
  vec: Float32Array;
}

export function meanUserVectors(users: readonly UserTexts[], vectors: ReadonlyMap<string, Float32Array>, dim: number): UserVector[] {
  return users.map((u) => {
    const acc = new Float64Array(dim);
    for (const h of u.textHashes) {
      const v = vectors.get(h);
      if (!v) throw new Error(`no embedding for one of a user's texts (hash ${h.slice(0, 8)}…)`);
      if (v.length !== dim) throw new Error(`dimension mismatch: a text vector has ${v.length} dimensions, expected ${dim}`);
      for (let d = 0; d < dim; d++) acc[d] += v[d];
    }
    const n = u.textHashes.length;
    const vec = new Float32Array(dim);
    for (let d = 0; d < dim; d++) vec[d] = n > 0 ? acc[d] / n : 0;
    if (vec.some((x) => Number.isNaN(x))) throw new Error('a user vector contains NaN');
    return { did: u.did, nTexts: n, vec };
  });
}

export function countZeroVectors(vectors: readonly { vec: Float32Array }[]): number {
  let n = 0;
  for (const u of vectors) if (u.vec.every((x) => x === 0)) n++;
  return n;
}

/** The same means, accumulated one text vector at a time (no need to hold every text vector in memory). */
export class UserMeanAccumulator {
  private readonly owners = new Map<string, number[]>();
  private sums: Float64Array | undefined;
  private dim = 0;
  private seen = 0;

  constructor(private readonly users: readonly UserTexts[]) {
    users.forEach((u, i) => {
      for (const h of u.textHashes) {
        let list = this.owners.get(h);
        if (!list) this.owners.set(h, (list = []));
        list.push(i);
      }
    });
  }

  add(hash: string, vec: Float32Array): void {
    const list = this.owners.get(hash);
    if (!list) return;
    if (!this.sums) {
      this.dim = vec.length;
      this.sums = new Float64Array(this.users.length * this.dim);
    } else if (vec.length !== this.dim) {
      throw new Error(`dimension mismatch: a text vector has ${vec.length} dimensions, expected ${this.dim}`);
    }
    this.seen++;
    for (const i of list) {
      const o = i * this.dim;
      for (let d = 0; d < this.dim; d++) this.sums[o + d] += vec[d];
    }
  }

  result(): UserVector[] {
    if (this.seen !== this.owners.size) throw new Error(`no embedding for ${this.owners.size - this.seen} of the users' texts`);
    const sums = this.sums ?? new Float64Array(0);
    return this.users.map((u, i) => {
      const n = u.textHashes.length;
      const vec = new Float32Array(this.dim);
      for (let d = 0; d < this.dim; d++) vec[d] = n > 0 ? sums[i * this.dim + d] / n : 0;
      if (vec.some((x) => Number.isNaN(x))) throw new Error('a user vector contains NaN');
      return { did: u.did, nTexts: n, vec };
    });
  }
}
