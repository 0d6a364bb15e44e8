// Text embedders behind one interface, the store-backed embedding cache and user vectors.
//
//   const e = createEmbedder('lsa');                                   // offline default: TF-IDF + randomized SVD, 256-d
//   const e = createEmbedder('transformers:./models/multilingual-e5-large');           // BluePrint mode (CLS, 128 tokens)
//   const e = createEmbedder('transformers:./models/e5,mode=model-card,prefix=query');  // e5 model-card usage
//   const e = createEmbedder('openai:intfloat/multilingual-e5-large@http://gpu:8080/v1,batchSize=64,concurrency=8');
//   const r = await embedUsers(store, { embedder: 'lsa' });            // kept users' posts+replies → stored user vectors
//
// Cache key: (sha256 of the text, embedder id, hash of its settings). lsa's settings include a hash of its corpus,
// so its vectors are reused only for the same corpus (see lsa.ts); the others' vectors are reused across runs,
// corpora and machines. User vectors are stored under embedder id + settings + the exact selection of texts.
export * from './types.ts';
export * from './spec.ts';
export * from './cache.ts';
export * from './lsa.ts';
export * from './transformers.ts';
export * from './openai.ts';
export * from './user-vectors.ts';
export * from './stage.ts';
export { wordTokens, sklearnTokens } from './tokenize.ts';
export { fitTfidf, transformTfidf, type TfidfModel, type TfidfOptions } from './tfidf.ts';
export { randomizedSvd, type TruncatedSvd } from './svd.ts';
export type { Csr } from './sparse.ts';
export { OpenAIEmbeddingModel, type OpenAIEmbeddingOptions } from '../llm/openai-embeddings.ts';
