// The simpact library API: the same stages the CLI runs.
export * from './bluesky/index.ts';
export * from './store/index.ts';
export * from './util/index.ts';
export * from './privacy/index.ts';
export * from './llm/index.ts';
export * from './agents/index.ts';
export * from './evaluate/index.ts';
export * from './personas/index.ts';
export * from './embed/index.ts';
export * from './cluster/index.ts';
export * from './collect/index.ts';
export * from './ingest/index.ts';
export * from './filter/index.ts';
export * from './generate/index.ts';
export * from './threads/index.ts';
export * from './dataset/index.ts';
export * from './web/index.ts';
