// `simpact collect`: the collector on the store, with signals, the TTY status line, and the exit rules.
import { CliError, EXIT } from '../cli/exit-codes.ts';
import { Progress, isInteractive, stderrLogger, type Logger } from '../util/log.ts';
import { recordIngestRun } from '../store/events.ts';
import type { Store } from '../store/store.ts';
import { openStoreForCommand } from '../cli/store-open.ts';
import { Collector, DEFAULT_REWIND_US, type CollectStats, type CollectSummary } from './collector.ts';
import { PUBLIC_JETSTREAMS, filterError, normaliseEndpoint, type SubscribeFilter } from './endpoints.ts';
import { storeSink } from './store-sink.ts';
import { statusLine } from './status.ts';

export interface RunCollectOptions {
  db: string;
  /** Empty: the public instances. */
  endpoints: string[];
  filter: SubscribeFilter;
  maxEvents?: number;
  durationMs?: number;
  batchSize?: number;
  flushMs?: number;
  rewindUs?: number;
  maxRetries?: number;
  seed: number;
  quiet?: boolean;
  /** One stderr line per committed batch. */
  verbose?: boolean;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export async function runCollect(o: RunCollectOptions): Promise<CollectSummary> {
  let endpoints: string[];
  try {
    endpoints = (o.endpoints.length ? o.endpoints : [...PUBLIC_JETSTREAMS]).map(normaliseEndpoint);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.USAGE);
  }
  const bad = filterError(o.filter);
  if (bad) throw new CliError(bad, EXIT.USAGE);

  const store: Store = await openStoreForCommand(o.db, 'collect');
  let collector: Collector;
  let summary: CollectSummary;
  const tty = !o.quiet && isInteractive();
  const progress = new Progress('collect', { enabled: tty });
  const log = tty ? overStatusLine(stderrLogger({ quiet: o.quiet })) : stderrLogger({ quiet: o.quiet });
  let draw: NodeJS.Timeout | undefined;
  let signals = 0;
  const onSignal = (sig: string) => {
    if (++signals > 1) {
      // A second signal while the last batch is being written: leave now (the open transaction rolls back).
      process.stderr.write(`\nsimpact collect: ${sig} again, exiting without the pending batch\n`);
      process.exit(130);
    }
    log.info(`collect: ${sig}, storing the pending batch and the cursor`);
    collector.stop('stopped');
  };
  try {
    collector = new Collector({
      endpoints,
      filter: o.filter,
      sink: storeSink(store),
      seed: o.seed,
      rewindUs: o.rewindUs ?? DEFAULT_REWIND_US,
      batchSize: o.batchSize,
      flushMs: o.flushMs,
      maxEvents: o.maxEvents,
      durationMs: o.durationMs,
      maxRetries: o.maxRetries,
      source: 'jetstream',
      logger: log,
      onBatch: o.verbose
        ? (b) => log.info(`collect: batch committed, ${b.inserted} new, ${b.duplicates} duplicate, ${b.stored} stored`)
        : undefined,
    });
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
    let previous: CollectStats | null = null;
    draw = setInterval(() => {
      const now = collector.stats();
      progress.update(() => statusLine(now, previous, Date.now()), true);
      previous = now;
    }, 1000);
    summary = await collector.run().catch((err: Error) => {
      throw new CliError(`collect: storing a batch in ${o.db} failed (${scrub(err.message)}); the batches committed before are kept`, EXIT.FAILURE);
    });
    if (summary.received > 0 || summary.malformed > 0) {
      await recordIngestRun(store, {
        sources: 1, lines: summary.received + summary.malformed, inserted: summary.stored, duplicates: summary.duplicates,
        malformed: summary.malformed, fileProblems: 0, origin: 'collect',
      });
    }
  } finally {
    clearInterval(draw);
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
    progress.done();
    store.close();
  }
  if (summary.stopReason === 'gave-up') {
    const why = `gave up after ${summary.connections} connection attempt${summary.connections === 1 ? '' : 's'}; last: ${summary.lastError}`;
    if (summary.stored === 0) throw new CliError(`collect: nothing stored, ${why}`, EXIT.FAILURE);
    log.warn(`collect: ${why} (the ${summary.stored} events stored before are kept)`);
  }
  return summary;
}

/** Database errors can quote a value; no DID goes into a message. */
function scrub(message: string): string {
  return message.split('\n')[0].replace(/did:[a-z]+:[a-zA-Z0-9._:%-]+/g, 'did:…');
}

/** Clears the status line before a message, so messages do not land in the middle of it (it is redrawn each second). */
function overStatusLine(log: Logger): Logger {
  const clear = () => process.stderr.write('\r\x1b[2K');
  return {
    info: (m) => (clear(), log.info(m)),
    warn: (m) => (clear(), log.warn(m)),
    error: (m) => (clear(), log.error(m)),
  };
}
