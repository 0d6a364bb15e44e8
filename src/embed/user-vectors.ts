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
