// One Jetstream WebSocket connection: opens the subscribe URL, hands every text frame to the caller as a parsed
// event or a located problem, keeps the connection honest with pings, and reports how it ended. Reconnecting,
// batching and cursors are the collector's job (src/collect/collector.ts).
import WebSocket from 'ws';
import { jetstreamShapeError, type JetstreamEvent } from './jetstream-event.ts';

export interface JetstreamMessageHandlers {
  /** A well-formed event and its exact text. */
  onEvent(event: JetstreamEvent, raw: string): void;
  /** A frame that is not a Jetstream event; `messageNo` counts from 1 on this connection. */
  onMalformed(reason: string, messageNo: number): void;
  onOpen?(): void;
}

export interface ConnectionOptions {
  /** Opening handshake limit. */
  handshakeTimeoutMs?: number;
  /** A ping every this often; no frame or pong for two periods ends the connection as stalled. 0 disables. */
  heartbeatMs?: number;
}

export interface ConnectionEnd {
  /** The handshake completed. */
  opened: boolean;
  /** Open time in ms (0 when it never opened). */
  openMs: number;
  /** Frames received. */
  messages: number;
  /** Why it ended, for messages: a socket error, a close code, a stall, or `closed by us`. */
  reason: string;
  /** True when close() ended it. */
  byUs: boolean;
  /** The HTTP status when the server answered the handshake with something other than an upgrade. */
  httpStatus?: number;
}

export class JetstreamConnection {
  readonly ended: Promise<ConnectionEnd>;
  private readonly ws: WebSocket;
  private messages = 0;
  private openedAt = 0;
  private lastError: string | null = null;
  private closedByUs = false;
  private stalled = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private heardSincePing = true;

  constructor(url: string, handlers: JetstreamMessageHandlers, opts: ConnectionOptions = {}) {
    this.ws = new WebSocket(url, { handshakeTimeout: opts.handshakeTimeoutMs ?? 15_000, perMessageDeflate: false });
    const heartbeatMs = opts.heartbeatMs ?? 30_000;
    this.ws.on('open', () => {
      this.openedAt = Date.now();
      if (heartbeatMs > 0) this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
      handlers.onOpen?.();
    });
    this.ws.on('pong', () => (this.heardSincePing = true));
    this.ws.on('message', (data, isBinary) => {
      this.heardSincePing = true;
      const no = ++this.messages;
      if (isBinary) return handlers.onMalformed('binary frame (compressed streams are not requested)', no);
      const raw = messageText(data);
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return handlers.onMalformed('not JSON', no);
      }
      const problem = jetstreamShapeError(parsed);
      if (problem) return handlers.onMalformed(problem, no);
      handlers.onEvent(parsed as JetstreamEvent, raw);
    });
    this.ws.on('error', (err) => (this.lastError = err.message));
    this.ended = new Promise((resolve) => {
      this.ws.on('close', (code, reasonBuf) => {
        clearInterval(this.heartbeat);
        const opened = this.openedAt > 0;
        const why = this.closedByUs
          ? 'closed by us'
          : this.stalled
            ? 'no data or pong for two heartbeats'
            : (this.lastError ?? `closed by the server (code ${code}${reasonBuf.length ? `: ${reasonBuf.toString('utf8').slice(0, 120)}` : ''})`);
        const status = /^Unexpected server response: (\d+)/.exec(this.lastError ?? '');
        resolve({
          opened,
          openMs: opened ? Date.now() - this.openedAt : 0,
          messages: this.messages,
          reason: why,
          byUs: this.closedByUs,
          ...(status ? { httpStatus: Number(status[1]) } : {}),
        });
      });
    });
  }

  /** Stops taking frames off the socket (TCP backpressure reaches the server); a few buffered frames may still arrive. */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.heardSincePing = true;
    this.ws.resume();
  }

  get paused(): boolean {
    return this.ws.isPaused;
  }

  /** Ends the connection now; frames not yet delivered are discarded (the cursor rewind recovers them). */
  close(): void {
    this.closedByUs = true;
    this.ws.terminate();
  }

  private beat(): void {
    // While paused nothing is read off the socket, pongs included: silence then is ours, not the server's.
    if (this.ws.isPaused) return;
    if (!this.heardSincePing) {
      this.stalled = true;
      this.ws.terminate();
      return;
    }
    this.heardSincePing = false;
    this.ws.ping();
  }
}

function messageText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
