// The collection loop: connect, batch events into the sink with the cursor, and on a dropped connection come back
// from the committed cursor minus a safety rewind (Jetstream replays from a time_us; the sink drops the overlap's
// duplicates), with exponential backoff and jitter, rotating endpoints on failure.
import { JetstreamConnection, type ConnectionEnd } from '../bluesky/jetstream-client.ts';
import type { JetstreamEvent } from '../bluesky/jetstream-event.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import { Rng } from '../util/rng.ts';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { cursorName, endpointLabel, subscribeUrl, type SubscribeFilter } from './endpoints.ts';
import type { AppendResult, IngestRecord } from '../store/events.ts';
import type { EventSink } from './sink.ts';

export const DEFAULT_REWIND_US = 5_000_000;

export interface CollectOptions {
  /** Normalised endpoints (see normaliseEndpoint), tried in order and rotated on failure. */
  endpoints: string[];
  filter: SubscribeFilter;
  sink: EventSink;
  /** Seeds the reconnect jitter. */
  seed: number;
  /** Defaults to cursorName(endpoints, filter). */
  cursorName?: string;
  /** Subtracted from the stored cursor on every (re)connect; it must exceed how far out of time_us order the stream runs. */
  rewindUs?: number;
  batchSize?: number;
  flushMs?: number;
  /** Stop once this many new events are stored (exactly this many: the rest of the pending batch is left to the next run). */
  maxEvents?: number;
  durationMs?: number;
  /** Consecutive failed connections tolerated; Infinity for live use. */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** A connection open at least this long counts as healthy: the failure count and backoff start over. */
  healthyMs?: number;
  /** Pause the socket while this many batches wait for the sink. */
  maxPendingBatches?: number;
  heartbeatMs?: number;
  handshakeTimeoutMs?: number;
  /** `source` of every record. */
  source?: string;
  logger?: Logger;
  onBatch?(info: BatchInfo): void;
}

export interface BatchInfo {
  inserted: number;
  duplicates: number;
  stored: number;
  cursor: number;
}

export type StopReason = 'max-events' | 'duration' | 'stopped' | 'gave-up' | 'store-failed';

export interface CollectStats {
  stored: number;
  duplicates: number;
  received: number;
  pending: number;
  batches: number;
  malformed: number;
  connections: number;
  reconnects: number;
  /** Resumes whose first event came long after the stored cursor (possible missing events). */
  gaps: number;
  /** Committed cursor (time_us). */
  cursor: number | null;
  /** time_us of the last event received, for the lag display. */
  lastTimeUs: number | null;
  elapsedMs: number;
}

export interface CollectSummary extends CollectStats {
  cursorName: string;
  stopReason: StopReason;
  malformedReasons: Record<string, number>;
  /** For 'gave-up': the endpoint and error of the last failed connection. */
  lastError: string | null;
}

const MAX_LOGGED_MALFORMED = 10;
/** A resumed stream whose first event is this much past the stored cursor is reported as a possible gap. */
const GAP_WARNING_S = 120;

export class Collector {
  readonly cursorName: string;
  private readonly rewindUs: number;
  private readonly batchSize: number;
  private readonly maxRetries: number;
  private readonly healthyMs: number;
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private pending: IngestRecord[] = [];
  private flushing: Promise<void> | null = null;
  private conn: JetstreamConnection | null = null;
  private stopReason: StopReason | null = null;
  private fatal: unknown = null;
  private wake: (() => void) | null = null;
  private committed: number | null = null;
  private lastTimeUs: number | null = null;
  private lastError: string | null = null;
  /** The committed cursor a new connection resumed from, until its first event arrives (for the gap check). */
  private awaitingFirst: number | null = null;
  private startedAt = 0;
  private readonly counts = { stored: 0, duplicates: 0, received: 0, batches: 0, malformed: 0, connections: 0, reconnects: 0, gaps: 0 };
  private readonly malformedReasons = new Map<string, number>();

  constructor(private readonly opts: CollectOptions) {
    if (opts.endpoints.length === 0) throw new Error('no Jetstream endpoint to collect from');
    this.cursorName = opts.cursorName ?? cursorName(opts.endpoints, opts.filter);
    this.rewindUs = opts.rewindUs ?? DEFAULT_REWIND_US;
    this.batchSize = Math.max(1, opts.batchSize ?? 1000);
    this.maxRetries = opts.maxRetries ?? Infinity;
    this.healthyMs = opts.healthyMs ?? 10_000;
    this.log = opts.logger ?? silentLogger;
    this.backoff = new Backoff(new Rng(opts.seed).fork('collect-backoff'), opts.backoff ?? DEFAULT_BACKOFF);
  }

  /** Collects until a limit, stop(), or giving up; rejects only when the sink fails. */
  async run(): Promise<CollectSummary> {
    this.startedAt = Date.now();
    this.committed = await this.opts.sink.cursor(this.cursorName);
    const timers: NodeJS.Timeout[] = [setInterval(() => void this.flush(), this.opts.flushMs ?? 1000)];
    if (this.opts.durationMs !== undefined) timers.push(setTimeout(() => this.stop('duration'), this.opts.durationMs));
    if (this.opts.maxEvents !== undefined && this.opts.maxEvents <= 0) this.stop('max-events');
    let endpointIndex = 0;
    let failures = 0;
    try {
      while (!this.stopReason) {
        const endpoint = this.opts.endpoints[endpointIndex];
        this.awaitingFirst = this.committed;
        const url = subscribeUrl(endpoint, this.opts.filter, this.resumeCursor());
        const end = await this.connect(url);
        await this.drain();
        if (this.stopReason) break;
        this.lastError = `${endpointLabel(url)}: ${end.reason}`;
        if (end.opened && end.openMs >= this.healthyMs) {
          failures = 0;
          this.backoff.reset();
        } else {
          failures++;
          endpointIndex = (endpointIndex + 1) % this.opts.endpoints.length;
        }
        if (failures > this.maxRetries || refusedForGood(end)) {
          this.stopReason = 'gave-up';
          break;
        }
        const delay = this.backoff.next();
        this.log.warn(`jetstream: ${this.lastError}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
        await this.sleep(delay);
        if (!this.stopReason) this.counts.reconnects++;
      }
    } finally {
      for (const t of timers) clearTimeout(t);
      this.conn?.close();
    }
    if (this.fatal) throw this.fatal;
    return {
      ...this.stats(),
      cursorName: this.cursorName,
      stopReason: this.stopReason ?? 'stopped',
      malformedReasons: Object.fromEntries(this.malformedReasons),
      lastError: this.stopReason === 'gave-up' ? this.lastError : null,
    };
  }

  /** Stops reading; run() then stores what is pending with its cursor and resolves. */
  stop(reason: StopReason = 'stopped'): void {
    this.stopReason ??= reason;
    this.conn?.close();
    this.wake?.();
  }

  stats(): CollectStats {
    return {
      ...this.counts,
      pending: this.pending.length,
      cursor: this.committed,
      lastTimeUs: this.lastTimeUs,
      elapsedMs: this.startedAt ? Date.now() - this.startedAt : 0,
    };
  }

  /** Jetstream replays from `cursor` on: start from the committed cursor minus the rewind, or live when there is none. */
  private resumeCursor(): number | null {
    return this.committed === null ? null : Math.max(0, this.committed - this.rewindUs);
  }

  private connect(url: string): Promise<ConnectionEnd> {
    const connectionNo = ++this.counts.connections;
    const conn = new JetstreamConnection(
      url,
      {
        onEvent: (event, raw) => this.accept(event, raw),
        onMalformed: (reason, messageNo) => this.malformed(reason, connectionNo, messageNo),
      },
      { heartbeatMs: this.opts.heartbeatMs, handshakeTimeoutMs: this.opts.handshakeTimeoutMs },
    );
    this.conn = conn;
    return conn.ended.finally(() => {
      if (this.conn === conn) this.conn = null;
    });
  }

  private accept(event: JetstreamEvent, raw: string): void {
    if (this.stopReason) return;
    this.counts.received++;
    this.lastTimeUs = event.time_us;
    if (this.awaitingFirst !== null) this.checkResumeGap(event.time_us);
    this.pending.push({ event, raw, source: this.opts.source ?? 'jetstream' });
    const max = this.opts.maxEvents;
    const limitInSight = max !== undefined && this.counts.stored + this.pending.length >= max;
    if (this.pending.length >= this.batchSize || limitInSight) void this.flush();
    if (this.pending.length >= this.batchSize * (this.opts.maxPendingBatches ?? 4) || limitInSight) this.conn?.pause();
  }

  /**
   * Jetstream keeps a limited history: a cursor older than it replays from the oldest event it still has. A first
   * event far past the stored cursor means events in between may be missing (or, with a narrow filter, there were none).
   */
  private checkResumeGap(firstTimeUs: number): void {
    const gapS = (firstTimeUs - this.awaitingFirst!) / 1e6;
    this.awaitingFirst = null;
    if (gapS > GAP_WARNING_S) {
      this.counts.gaps++;
      this.log.warn(`jetstream: the stream resumed ${(gapS / 60).toFixed(1)} min after the stored cursor; events in between may be missing (the instance's history may not reach back that far)`);
    }
  }

  private countMalformed(reason: string, n = 1): void {
    this.counts.malformed += n;
    this.malformedReasons.set(reason, (this.malformedReasons.get(reason) ?? 0) + n);
  }

  private malformed(reason: string, connectionNo: number, messageNo: number): void {
    this.countMalformed(reason);
    if (this.counts.malformed <= MAX_LOGGED_MALFORMED) {
      this.log.warn(`jetstream connection ${connectionNo}, message ${messageNo}: skipped, ${reason}`);
      if (this.counts.malformed === MAX_LOGGED_MALFORMED) this.log.warn('further malformed messages are counted, not shown');
    }
  }

  /** One flush loop at a time; it runs until nothing (or nothing allowed under --max-events) is pending. */
  private flush(): Promise<void> {
    this.flushing ??= this.flushPending().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.flush();
  }

  private async flushPending(): Promise<void> {
    while (this.pending.length > 0 && !this.fatal) {
      let take = Math.min(this.pending.length, this.batchSize);
      if (this.opts.maxEvents !== undefined) take = Math.min(take, this.opts.maxEvents - this.counts.stored);
      if (take <= 0) return;
      const batch = this.pending.splice(0, take);
      let cursor = this.committed ?? 0;
      for (const r of batch) if (r.event.time_us > cursor) cursor = r.event.time_us;
      let result: AppendResult;
      try {
        result = await this.opts.sink.append(batch, { name: this.cursorName, timeUs: cursor });
      } catch (err) {
        this.fatal = err;
        this.stop('store-failed');
        return;
      }
      this.committed = cursor;
      this.counts.stored += result.inserted;
      this.counts.duplicates += result.duplicates;
      if (result.rejected) this.countMalformed('rejected by the store (control character in a key field)', result.rejected);
      this.counts.batches++;
      this.opts.onBatch?.({ inserted: result.inserted, duplicates: result.duplicates, stored: this.counts.stored, cursor });
      if (this.opts.maxEvents !== undefined && this.counts.stored >= this.opts.maxEvents) {
        this.stop('max-events');
        return;
      }
      if (this.conn?.paused && this.pending.length < this.batchSize) this.conn.resume();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}

/** A 4xx answer to the handshake (a wrong path, a filter the server rejects) will not change on retry; 408 and 429 may. */
function refusedForGood(end: ConnectionEnd): boolean {
  return end.httpStatus !== undefined && end.httpStatus >= 400 && end.httpStatus < 500 && end.httpStatus !== 408 && end.httpStatus !== 429;
}
