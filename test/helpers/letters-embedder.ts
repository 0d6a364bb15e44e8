import type { EmbeddingModel } from '../../src/llm/types.ts';

/** A deterministic bag-of-letters embedder: enough for distinct, comparable vectors in evaluation tests. */
export const lettersEmbedder: EmbeddingModel = {
  id: 'test:letters',
  embed: async (texts) => texts.map((t) => {
    const v = new Float32Array(26);
    for (const ch of t.toLowerCase()) {
      const i = ch.charCodeAt(0) - 97;
      if (i >= 0 && i < 26) v[i]++;
    }
    return v;
  }),
};
