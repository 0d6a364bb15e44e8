// Diagnostics go to stderr; stdout is reserved for results (and --json output).
// Progress is drawn only on an interactive terminal and never in CI.

export function isInteractive(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env.CI && !process.env.SIMPACT_QUIET;
}

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function stderrLogger(opts: { quiet?: boolean } = {}): Logger {
  return {
    info: (m) => {
      if (!opts.quiet) process.stderr.write(`${m}\n`);
    },
    warn: (m) => process.stderr.write(`warning: ${m}\n`),
    error: (m) => process.stderr.write(`error: ${m}\n`),
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** A single-line progress display, redrawn at most every `intervalMs`; a no-op off a TTY. */
export class Progress {
  private last = 0;
  private readonly start = Date.now();
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    opts: { enabled?: boolean; intervalMs?: number } = {},
  ) {
    this.enabled = opts.enabled ?? isInteractive();
    this.intervalMs = opts.intervalMs ?? 200;
  }

  private readonly intervalMs: number;

  update(render: (elapsedS: number) => string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    process.stderr.write(`\r\x1b[2K${this.label} ${render((now - this.start) / 1000)}`);
  }

  done(summary?: string): void {
    if (!this.enabled) return;
    process.stderr.write(`\r\x1b[2K${summary ? `${this.label} ${summary}\n` : ''}`);
  }
}
