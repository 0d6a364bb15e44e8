export * from './pii/types.ts';
export * from './pii/engine.ts';
export * from './time.ts';
export * from './pseudonym.ts';
export * from './secret.ts';
export * from './opt-out.ts';
export * from './audit.ts';
export * from './known-handles.ts';
