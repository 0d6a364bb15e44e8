// A queue that runs store work one job at a time: DuckDB transactions on a shared connection must not interleave.
// The server keeps two: one for the store's own connection (answers, consent, admin), one for the explorer's
// read-only connection, so explorer searches queue only behind each other.
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Jobs queued or running. */
  get pending(): number {
    return this.waiting;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    this.waiting++;
    const job = async () => {
      try {
        return await fn();
      } finally {
        this.waiting--;
      }
    };
    const next = this.tail.then(job, job);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
