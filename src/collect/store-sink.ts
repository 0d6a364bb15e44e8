// The store as the collector's sink: one transaction per batch holds the events and the cursor.
// store.ts first: it loads the schema list, which imports events.ts (loading events.ts first hits that cycle half-way).
import '../store/store.ts';
import { appendEvents, getCursor } from '../store/events.ts';
import type { Store } from '../store/store.ts';
import type { EventSink } from './sink.ts';

export function storeSink(store: Store): EventSink {
  return {
    append: (batch, cursor) => appendEvents(store, batch, { cursor }),
    cursor: (name) => getCursor(store, name),
  };
}
