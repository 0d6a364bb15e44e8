// The simpact library API: the same stages the CLI runs.
export * from './bluesky/index.ts';
export * from './store/index.ts';
export * from './util/index.ts';
