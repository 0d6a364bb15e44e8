export * from '../bluesky/jetstream-client.ts';
export * from './backoff.ts';
export * from './collector.ts';
export * from './endpoints.ts';
export * from './sink.ts';
export * from './store-sink.ts';
export { runCollect } from './run-collect.ts';
export type { RunCollectOptions } from './run-collect.ts';
export { parseDuration } from './duration.ts';
