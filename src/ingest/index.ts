export { formatProblem, ingestPaths, IngestStoreError } from './ingest.ts';
export type { IngestOptions, IngestProblem, IngestProblemKind, IngestProgress, IngestSummary } from './ingest.ts';
export { LineSplitter, MAX_LINE_BYTES } from './lines.ts';
export { detectCompression, expandPaths, isIngestibleName, readDecompressed } from './sources.ts';
export { groupedEvents, isGroupedObject, looksGrouped } from './grouped.ts';
export { runIngest } from './run.ts';
export type { RunIngestOptions } from './run.ts';
