// `simpact ingest`: streams Jetstream JSONL files (plain, gzip, zstd; directories recursively; the grouped example
// format) into the store in large bulk loads. Memory stays constant: lines are validated one by one and staged on
// disk; the next batch is parsed while DuckDB loads the previous one. Bad input is counted and located, never fatal.
import { jetstreamShapeError, type JetstreamEvent } from '../bluesky/jetstream-event.ts';
import { EventStager, recordIngestRun, type AppendResult } from '../store/events.ts';
import type { Store } from '../store/store.ts';
import { groupedEvents, isGroupedObject, looksGrouped } from './grouped.ts';
import { LineSplitter, MAX_LINE_BYTES } from './lines.ts';
import { detectCompression, expandPaths, readDecompressed, startsLikeJson } from './sources.ts';

export type IngestProblemKind = 'json' | 'not-jetstream' | 'too-long' | 'utf8' | 'unstorable' | 'file';

export interface IngestProblem {
  file: string;
  /** 1-based line, or a location inside a grouped file (`commits.<collection>.<op>[i]`). */
  line?: number | string;
  kind: IngestProblemKind;
  reason: string;
}

export function formatProblem(p: IngestProblem): string {
  return p.line === undefined ? `${p.file}: ${p.reason}` : `${p.file}:${p.line}: ${p.reason}`;
}

export interface IngestProgress {
  files: number;
  bytes: number;
  events: number;
  elapsedS: number;
}

export interface IngestOptions {
  /** Events per bulk load (default DEFAULT_BATCH). */
  batchSize?: number;
  /** How many problems are kept (and passed to onProblem) in full; the rest are only counted (default 10). */
  maxErrors?: number;
  onProblem?: (p: IngestProblem) => void;
  onProgress?: (p: IngestProgress) => void;
  /** Largest line accepted (default 1 MiB). */
  maxLineBytes?: number;
  /** Largest grouped-format file read whole (default 256 MiB). */
  maxGroupedBytes?: number;
}

export interface IngestSummary {
  files: number;
  /** Decompressed bytes read. */
  bytes: number;
  /** Non-blank lines (or grouped entries) read. */
  lines: number;
  /** Valid Jetstream events read. */
  events: number;
  inserted: number;
  duplicates: number;
  /** Lines or entries skipped as bad input (file-level problems not included). */
  malformed: number;
  /** Files or paths that could not be read to the end. */
  fileProblems: number;
  /** Files in the given directories that were passed over (not a JSONL/compressed name). */
  skippedFiles: number;
  problemsByKind: Partial<Record<IngestProblemKind, number>>;
  /** The first `maxErrors` problems. */
  problems: IngestProblem[];
  seconds: number;
  eventsPerSecond: number;
}

const HEAD_BYTES = 64 * 1024;
/** Events per load: one of DuckDB's row groups (122,880 rows). Loads whose raw_events rows fill whole row groups
 *  keep the commits even; with 200,000-event loads every commit also checkpointed a partial row group, and with
 *  122,880 plus a few hundred rows every third commit took 1-2 s. One row group measured 0.4 s faster per 1M events
 *  than two (a shorter last load), and the ingester seals batches at exactly this size. */
export const DEFAULT_BATCH = 122_880;

/** A failed bulk load, told apart from input errors (which only cost their file). */
class LoadFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('bulk load failed');
  }
}

/**
 * What ingestPaths throws when the store fails to take a batch (disk full, a broken store): the failed batch was
 * rolled back, the batches loaded before it are kept. `cause` is the store's error.
 */
export class IngestStoreError extends Error {
  override readonly name = 'IngestStoreError';
  constructor(override readonly cause: unknown) {
    super(`storing a batch failed (${String((cause as Error)?.message ?? cause).split('\n')[0]})`);
  }
}

/** A whole-file JSON document: an array (JSONL never starts with `[`), or an object pretty-printed from a lone `{`. */
function looksLikeDocument(head: string): boolean {
  return /^\uFEFF?\s*\[/.test(head) || /^\uFEFF?\s*\{\s*\n/.test(head);
}

export async function ingestPaths(store: Store, paths: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const run = new IngestRun(store, opts);
  try {
    return await run.run(paths);
  } finally {
    run.dispose();
  }
}

class IngestRun {
  private readonly started = performance.now();
  private readonly stager: EventStager;
  private readonly maxErrors: number;
  private pending: Promise<AppendResult | { error: unknown }> | null = null;
  private readonly s: IngestSummary = {
    files: 0, bytes: 0, lines: 0, events: 0, inserted: 0, duplicates: 0, malformed: 0, fileProblems: 0,
    skippedFiles: 0, problemsByKind: {}, problems: [], seconds: 0, eventsPerSecond: 0,
  };
  private bytesDone = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: IngestOptions,
  ) {
    this.stager = new EventStager({ sealAt: opts.batchSize ?? DEFAULT_BATCH });
    this.maxErrors = opts.maxErrors ?? 10;
  }

  async run(paths: string[]): Promise<IngestSummary> {
    const { files, missing, skipped, sniff } = expandPaths(paths);
    this.s.skippedFiles = skipped;
    for (const m of missing) this.problem({ file: m.path, kind: 'file', reason: m.reason });
    for (const f of files) {
      this.s.files++;
      await this.ingestFile(f, sniff.has(f));
    }
    try {
      while (this.stager.sealedCount > 0 || this.stager.count > 0) await this.load();
      await this.settle();
    } catch (err) {
      throw err instanceof LoadFailure ? new IngestStoreError(err.cause) : err;
    }
    this.s.bytes = this.bytesDone;
    this.s.seconds = (performance.now() - this.started) / 1000;
    this.s.eventsPerSecond = this.s.seconds > 0 ? Math.round(this.s.events / this.s.seconds) : 0;
    if (this.s.events > 0 || this.s.malformed > 0 || this.s.fileProblems > 0) {
      await recordIngestRun(this.store, {
        sources: this.s.files, lines: this.s.lines, inserted: this.s.inserted, duplicates: this.s.duplicates, malformed: this.s.malformed,
        fileProblems: this.s.fileProblems, origin: 'ingest',
      });
    }
    return this.s;
  }

  dispose(): void {
    this.stager.dispose();
  }

  private problem(p: IngestProblem): void {
    if (p.kind === 'file') this.s.fileProblems++;
    else this.s.malformed++;
    this.s.problemsByKind[p.kind] = (this.s.problemsByKind[p.kind] ?? 0) + 1;
    if (this.s.problems.length < this.maxErrors) {
      this.s.problems.push(p);
      this.opts.onProblem?.(p);
    }
  }

  /** Validates and stages one JSON text. */
  private accept(file: string, line: number | string, text: string, value?: unknown, buf?: Buffer, start = 0, end = 0): void {
    this.s.lines++;
    let v = value;
    if (v === undefined) {
      try {
        v = JSON.parse(text);
      } catch (err) {
        // V8's message can quote the input (which may hold a DID or handle): keep only the position.
        const pos = /position (\d+)/.exec((err as Error).message);
        this.problem({ file, line, kind: 'json', reason: `malformed JSON${pos ? ` at position ${pos[1]}` : ''}` });
        return;
      }
    }
    const shape = jetstreamShapeError(v);
    if (shape) {
      this.problem({ file, line, kind: 'not-jetstream', reason: `not a Jetstream event: ${shape}` });
      return;
    }
    const bad = this.stager.add(v as JetstreamEvent, text, file, buf, start, end);
    if (bad) this.problem({ file, line, kind: 'unstorable', reason: bad });
    else this.s.events++;
  }

  private async ingestFile(file: string, sniff = false): Promise<void> {
    let firstLine = true;
    let grouped: unknown = null;
    const splitter = new LineSplitter(
      {
        line: (text, lineNo, buf, start, end) => {
          if (firstLine) {
            firstLine = false;
            if (text.charCodeAt(0) === 0xfeff) {
              text = text.slice(1);
              start += 3;
            }
            if (text.includes('"kinds"') || text.includes('"commits"')) {
              try {
                const v = JSON.parse(text) as unknown;
                if (isGroupedObject(v)) {
                  grouped = v;
                  return;
                }
              } catch {
                // not grouped: reported as an ordinary line below
              }
            }
          }
          this.accept(file, lineNo, text, undefined, buf, start, end);
        },
        problem: (lineNo, reason) => {
          firstLine = false;
          this.problem({ file, line: lineNo, kind: reason === 'invalid UTF-8' ? 'utf8' : 'too-long', reason });
        },
      },
      this.opts.maxLineBytes ?? MAX_LINE_BYTES,
    );
    let chunks: AsyncGenerator<Buffer>;
    try {
      chunks = readDecompressed(file, await detectCompression(file));
    } catch (err) {
      this.problem({ file, kind: 'file', reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      return;
    }
    try {
      const head = await this.readHead(chunks);
      if (sniff && !head.error && !startsLikeJson(head.text)) {
        this.s.files--;
        this.s.skippedFiles++;
        await chunks.return(undefined);
        return;
      }
      if (!head.error && (looksGrouped(head.text) || looksLikeDocument(head.text))) {
        await this.ingestDocument(file, head.chunks, chunks);
        return;
      }
      for (const c of head.chunks) splitter.push(c);
      if (head.error) throw head.error;
      await this.maybeLoad();
      for await (const chunk of chunks) {
        splitter.push(chunk);
        this.progress(splitter.bytes);
        await this.maybeLoad();
      }
      splitter.end();
    } catch (err) {
      if (err instanceof LoadFailure) throw new IngestStoreError(err.cause); // the store failed: stop, whatever the input
      const cut = splitter.discardPartial();
      const at = splitter.linesSeen;
      this.problem({
        file, kind: 'file',
        reason: `${(err as Error).message}; stopped after line ${at}${cut ? ' (an incomplete last line was dropped)' : ''}`,
      });
    } finally {
      this.bytesDone += splitter.bytes;
    }
    if (grouped) this.acceptGrouped(file, grouped as Record<string, unknown>);
  }

  /** The first chunks (at least 64 KiB when the file has them); a read error is returned, not thrown, so the lines before it count. */
  private async readHead(chunks: AsyncGenerator<Buffer>): Promise<{ text: string; chunks: Buffer[]; error?: unknown }> {
    const got: Buffer[] = [];
    let n = 0;
    let error: unknown;
    try {
      while (n < HEAD_BYTES) {
        const r = await chunks.next();
        if (r.done) break;
        got.push(r.value);
        n += r.value.length;
      }
    } catch (err) {
      error = err;
    }
    const head = Buffer.concat(got).subarray(0, 256);
    return { text: new TextDecoder().decode(head), chunks: got, error };
  }

  /** A whole-file JSON document: the grouped example format, an array of events, or one event. */
  private async ingestDocument(file: string, head: Buffer[], rest: AsyncGenerator<Buffer>): Promise<void> {
    const max = this.opts.maxGroupedBytes ?? 256 * 1024 * 1024;
    const parts = [...head];
    let n = parts.reduce((a, b) => a + b.length, 0);
    for await (const c of rest) {
      n += c.length;
      if (n > max) {
        this.problem({ file, kind: 'file', reason: `multi-line JSON document larger than ${max} bytes; not read` });
        return;
      }
      parts.push(c);
    }
    this.bytesDone += n;
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(parts)));
    } catch (err) {
      this.problem({ file, kind: 'file', reason: err instanceof SyntaxError ? 'malformed multi-line JSON document' : 'invalid UTF-8 in JSON document' });
      return;
    }
    if (isGroupedObject(doc)) this.acceptGrouped(file, doc);
    else if (Array.isArray(doc)) doc.forEach((v: unknown, i) => this.accept(file, `[${i}]`, JSON.stringify(v) ?? 'null', v));
    else if (jetstreamShapeError(doc) === null) this.accept(file, 1, JSON.stringify(doc), doc);
    else this.problem({ file, kind: 'file', reason: 'a JSON document that is neither JSONL, an array of events nor the grouped example format' });
  }

  private acceptGrouped(file: string, doc: Record<string, unknown>): void {
    for (const { where, value } of groupedEvents(doc)) this.accept(file, where, JSON.stringify(value) ?? 'null', value);
  }

  private progress(fileBytes: number): void {
    this.opts.onProgress?.({
      files: this.s.files, bytes: this.bytesDone + fileBytes, events: this.s.events, elapsedS: (performance.now() - this.started) / 1000,
    });
  }

  /** Starts loading every batch sealed so far (with small batch sizes one read chunk can seal several), so the
   *  parser never gets more than one chunk ahead of the loads. */
  private async maybeLoad(): Promise<void> {
    while (this.stager.sealedCount > 0) await this.load();
  }

  /** Starts loading the staged batch; waits for the previous load first (one load in flight at a time). */
  private async load(): Promise<void> {
    await this.settle();
    if (this.stager.sealedCount === 0 && this.stager.count === 0) return;
    this.pending = this.stager.load(this.store).catch((error: unknown) => ({ error }));
  }

  private async settle(): Promise<void> {
    if (!this.pending) return;
    const res = await this.pending;
    this.pending = null;
    if ('error' in res) throw new LoadFailure(res.error);
    this.s.inserted += res.inserted;
    this.s.duplicates += res.duplicates;
  }
}
