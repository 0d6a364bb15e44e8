export * from './actions.ts';
export * from './activity.ts';
export * from './jetstream-event.ts';
