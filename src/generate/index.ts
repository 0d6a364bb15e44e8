export { generateEvents, KIND_WEIGHTS } from './generate.ts';
export type { SyntheticOptions, TextSample } from './generate.ts';
export { randomCid, randomDid, tid } from './ids.ts';
export { BUNDLED_TEXTS, loadTexts } from './texts.ts';
export { generateFile, SYNTHETIC_NOTICE } from './write.ts';
export type { SyntheticFileOptions, SyntheticSummary } from './write.ts';
