export * from './types.ts';
export * from './user-index.ts';
export * from './conversation.ts';
export * from './action-threads.ts';
export * from './build.ts';
export * from './sample.ts';
