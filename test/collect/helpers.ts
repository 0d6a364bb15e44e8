// Shared bits of the collect tests: the capture, a temporary store, waiting for a condition, an in-memory sink.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventSink } from '../../src/collect/sink.ts';
import type { IngestRecord } from '../../src/store/events.ts';
import { Store } from '../../src/store/store.ts';

export const CAPTURE: string[] = readFileSync(new URL('../../fixtures/jetstream-v1-capture/expected_v1.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');

export const timeUs = (line: string): number => (JSON.parse(line) as { time_us: number }).time_us;

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-collect-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The stored raw lines, sorted (for comparison with the capture as a multiset). */
export async function storedRaw(store: Store): Promise<string[]> {
  return (await store.all('SELECT raw FROM raw_events ORDER BY raw')).map((r) => String(r.raw));
}

export async function storedRawAt(path: string): Promise<{ raw: string[]; cursors: Array<{ name: string; timeUs: number }> }> {
  const store = await Store.open(path);
  try {
    const cursors = (await store.all('SELECT name, time_us FROM cursors')).map((r) => ({ name: String(r.name), timeUs: Number(r.time_us) }));
    return { raw: await storedRaw(store), cursors };
  } finally {
    store.close();
  }
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Dedupes like the store (commit identity, or kind/did/seq) and can be made slow. */
export class MemorySink implements EventSink {
  readonly records: IngestRecord[] = [];
  readonly cursors = new Map<string, number>();
  private readonly keys = new Set<string>();

  constructor(private readonly delayMs = 0) {}

  async append(batch: IngestRecord[], cursor: { name: string; timeUs: number }) {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    let inserted = 0;
    for (const r of batch) {
      const e = r.event;
      const k = e.kind === 'commit' ? ['c', e.did, e.commit.collection, e.commit.rkey, e.commit.rev, e.commit.operation].join('|') : [e.kind, e.did, e.kind === 'identity' ? e.identity.seq : e.account.seq].join('|');
      if (this.keys.has(k)) continue;
      this.keys.add(k);
      this.records.push(r);
      inserted++;
    }
    this.cursors.set(cursor.name, cursor.timeUs);
    return { inserted, duplicates: batch.length - inserted };
  }

  async cursor(name: string) {
    return this.cursors.get(name) ?? null;
  }
}
