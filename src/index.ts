// The simpact library API: the same stages the CLI runs.
export * from './bluesky/index.ts';
export * from './store/index.ts';
export * from './util/index.ts';
export * from './privacy/index.ts';
export * from './llm/index.ts';
export * from './personas/index.ts';
export * from './embed/index.ts';
export * from './collect/index.ts';
