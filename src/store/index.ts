export * from './store.ts';
// The event store's stages (ingestion targets, the activity model, statistics).
export { appendEvents, countEvents, EventStager, getCursor, recordIngestRun } from './events.ts';
export type { AppendOptions, AppendResult, IngestRecord, IngestRunSummary } from './events.ts';
export { loadActivity } from './activity.ts';
export type { LoadActivityOptions } from './activity.ts';
export { storeStats } from './stats.ts';
export type { StoreStats } from './stats.ts';
