// Reconnect delays: exponential backoff with full jitter (delay uniform in [0, min(cap, base·2^attempt))), so many
// collectors dropped together do not come back together. The random source is a seeded Rng.
import type { Rng } from '../util/rng.ts';

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 60_000 };

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly rng: Rng,
    private readonly opts: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  /** The delay before the next attempt; each call widens the window until the cap. */
  next(): number {
    const ceiling = Math.min(this.opts.capMs, this.opts.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.floor(this.rng.next() * ceiling);
  }

  /** After a healthy period: the next delay is drawn from the base window again. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
