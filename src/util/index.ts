export * from './rng.ts';
export * from './log.ts';
