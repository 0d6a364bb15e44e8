// Where collected events go. The collector commits each batch together with its cursor in one step, so after a
// crash the stored cursor never runs ahead of the stored events. The store implements it (store-sink.ts); tests
// use an in-memory one.
import type { AppendResult, IngestRecord } from '../store/events.ts';

export interface StoredCursor {
  name: string;
  /** The largest `time_us` committed so far under this name. */
  timeUs: number;
}

export interface EventSink {
  /** Stores the batch and moves the cursor atomically; events already stored are dropped and counted. */
  append(batch: IngestRecord[], cursor: StoredCursor): Promise<AppendResult>;
  /** The committed cursor, or null when nothing was collected under this name. */
  cursor(name: string): Promise<number | null>;
}
