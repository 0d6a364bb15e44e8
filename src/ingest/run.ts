// The `simpact ingest` command's body: opens the store, ingests, reports problems and progress on stderr.
import { configureBulkLoad } from '../store/events.ts';
import { openStoreForCommand } from '../cli/store-open.ts';
import { Progress, stderrLogger } from '../util/log.ts';
import { CliError, EXIT } from '../cli/exit-codes.ts';
import { IngestStoreError, formatProblem, ingestPaths, type IngestSummary } from './ingest.ts';

export interface RunIngestOptions {
  db: string;
  paths: string[];
  quiet?: boolean;
  maxErrors?: number;
  batchSize?: number;
  /** DuckDB memory cap in MB (default 192: its buffer pool otherwise keeps caching written blocks, so peak RSS
   *  would grow with the store; loads spill to disk past the cap). */
  memoryMB?: number;
  /** DuckDB threads (default 1: the JavaScript parser runs on another core meanwhile). */
  threads?: number;
}

export async function runIngest(o: RunIngestOptions): Promise<IngestSummary> {
  const log = stderrLogger({ quiet: o.quiet });
  const store = await openStoreForCommand(o.db, 'ingest');
  await configureBulkLoad(store, { memoryMB: o.memoryMB ?? 192, threads: o.threads ?? 1 });
  const progress = new Progress('ingest', { enabled: o.quiet ? false : undefined });
  let summary: IngestSummary;
  try {
    summary = await ingestPaths(store, o.paths, {
      maxErrors: o.maxErrors,
      batchSize: o.batchSize,
      onProblem: (p) => log.warn(formatProblem(p)),
      onProgress: (p) =>
        progress.update(() => `${p.files} files, ${(p.bytes / 1e6).toFixed(1)} MB, ${p.events.toLocaleString('en')} events, ${Math.round(p.events / Math.max(p.elapsedS, 1e-3)).toLocaleString('en')} events/s`),
    });
  } catch (err) {
    if (err instanceof IngestStoreError) {
      const why = err.message.replace(/did:[a-z]+:[a-zA-Z0-9._:%-]+/g, 'did:…');
      throw new CliError(`ingest: ${why} in ${o.db}; the batches stored before are kept`, EXIT.FAILURE);
    }
    throw err;
  } finally {
    progress.done();
    store.close();
  }
  const problems = summary.malformed + summary.fileProblems;
  if (problems > summary.problems.length) {
    const kinds = Object.entries(summary.problemsByKind).map(([k, n]) => `${k} ${n}`).join(', ');
    log.warn(`${problems - summary.problems.length} more problems not shown (${kinds})`);
  }
  log.info(
    `ingested ${summary.events} events from ${summary.files} files in ${summary.seconds.toFixed(1)} s (${summary.eventsPerSecond} events/s): ` +
      `${summary.inserted} new, ${summary.duplicates} already stored, ${summary.malformed} bad lines skipped`,
  );
  return summary;
}
