// A Jetstream stand-in on 127.0.0.1 that serves a captured event file the way a real instance would:
// - the file order is the order events "happen" (arrive live); `happened` counts how many have happened so far;
// - a connection without a cursor is live: it gets the events from `happened` on, in file order;
// - a connection with `cursor=T` first replays the events that already happened with time_us >= T, sorted by
//   time_us (Jetstream replays from its time-ordered store), then goes live;
// - wantedDids filter every event, wantedCollections filter commits (with `prefix.*` wildcards), as Jetstream does.
// Each connection runs a script (send some, drop, wait for the test ...); the default sends everything and idles.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

interface Captured {
  line: string;
  fileIndex: number;
  did: string;
  timeUs: number;
  collection: string | null;
}

export interface ReplayConnection {
  /** 0-based, in order of arrival. */
  readonly index: number;
  readonly url: URL;
  readonly cursor: number | null;
  readonly wantedCollections: string[];
  readonly wantedDids: string[];
  /** Events this connection has still to serve. */
  readonly remaining: number;
  readonly sent: number;
  /** Sends the next `n` events (all remaining when omitted); stops early if the client went away. */
  send(n?: number): Promise<void>;
  sendRaw(text: string): Promise<void>;
  /** Resolves once the client has answered a ping: it has taken every frame sent before (ws answers in order). */
  sync(): Promise<void>;
  /** Ends the TCP connection without a closing handshake, as a network failure would. */
  drop(): void;
  readonly closed: Promise<void>;
}

export type Script = (conn: ReplayConnection) => Promise<void>;

export const sendAll: Script = (c) => c.send();

export class ReplayServer {
  readonly connections: ReplayConnection[] = [];
  /** How many events of the file (in file order) have happened: sent live on some connection, or `occur()`ed. */
  happened = 0;
  private readonly events: Captured[];

  private constructor(
    private readonly wss: WebSocketServer,
    lines: string[],
    private readonly scripts: Script[],
    private readonly defaultScript: Script,
  ) {
    this.events = lines.map((line, fileIndex) => {
      const e = JSON.parse(line) as { did: string; time_us: number; kind: string; commit?: { collection: string } };
      return { line, fileIndex, did: e.did, timeUs: e.time_us, collection: e.kind === 'commit' ? (e.commit?.collection ?? null) : null };
    });
    wss.on('connection', (ws, req) => this.serve(ws, new URL(req.url ?? '/', 'ws://127.0.0.1')));
  }

  /** Listens on 127.0.0.1 (a free port); connection i runs scripts[i], or `defaultScript`. `answerPings: false` plays a stalled server. */
  static async start(lines: string[], opts: { scripts?: Script[]; defaultScript?: Script; answerPings?: boolean } = {}): Promise<ReplayServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: opts.answerPings ?? true });
    await once(wss, 'listening');
    return new ReplayServer(wss, lines, opts.scripts ?? [], opts.defaultScript ?? sendAll);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /** Events happen while no client is looking (they will be replayed from a cursor, not sent live). */
  occur(n: number): void {
    this.happened = Math.min(this.events.length, this.happened + n);
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private serve(ws: WebSocket, url: URL): void {
    const cursorText = url.searchParams.get('cursor');
    const cursor = cursorText === null ? null : Number(cursorText);
    const wantedCollections = url.searchParams.getAll('wantedCollections');
    const wantedDids = url.searchParams.getAll('wantedDids');
    const wanted = (e: Captured) =>
      (wantedDids.length === 0 || wantedDids.includes(e.did)) &&
      (e.collection === null || wantedCollections.length === 0 || wantedCollections.some((w) => collectionMatches(w, e.collection!)));
    const replay = cursor === null ? [] : this.events.slice(0, this.happened).filter((e) => e.timeUs >= cursor).sort((a, b) => a.timeUs - b.timeUs);
    const queue = [...replay.map((e) => ({ e, live: false })), ...this.events.slice(this.happened).map((e) => ({ e, live: true }))].filter((q) => wanted(q.e));
    let sent = 0;
    const closed = once(ws, 'close').then(() => undefined);
    const happen = (fileIndex: number) => (this.happened = Math.max(this.happened, fileIndex + 1));
    const conn: ReplayConnection = {
      index: this.connections.length,
      url,
      cursor,
      wantedCollections,
      wantedDids,
      get remaining() {
        return queue.length;
      },
      get sent() {
        return sent;
      },
      async send(n = Infinity) {
        for (let i = 0; i < n && queue.length > 0 && ws.readyState === ws.OPEN; i++) {
          const { e, live } = queue.shift()!;
          if (live) happen(e.fileIndex);
          await new Promise<void>((resolve) => ws.send(e.line, () => resolve()));
          sent++;
        }
      },
      async sendRaw(text: string) {
        if (ws.readyState === ws.OPEN) await new Promise<void>((resolve) => ws.send(text, () => resolve()));
      },
      sync: () =>
        new Promise<void>((resolve, reject) => {
          ws.once('pong', () => resolve());
          ws.ping((err?: Error) => err && reject(err));
        }),
      drop: () => ws.terminate(),
      closed,
    };
    this.connections.push(conn);
    const script = this.scripts[conn.index] ?? this.defaultScript;
    script(conn).catch(() => ws.terminate());
  }
}

function collectionMatches(wanted: string, collection: string): boolean {
  return wanted.endsWith('.*') ? collection.startsWith(wanted.slice(0, -1)) : wanted === collection;
}
