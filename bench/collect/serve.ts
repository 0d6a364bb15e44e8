// Bench helper (a child process): a WebSocket server on 127.0.0.1 that streams N synthetic Jetstream events, made
// from the capture with unique rkeys and increasing time_us, as fast as the client reads them. Prints its URL.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

const n = Number(process.argv[2] ?? 100_000);
const capture = readFileSync(new URL('../../fixtures/jetstream-v1-capture/expected_v1.jsonl', import.meta.url), 'utf8').split('\n').filter(Boolean);
const commits = capture.map((l) => JSON.parse(l) as { kind: string; time_us: number; commit?: { rkey: string } }).filter((e) => e.kind === 'commit');
const t0 = 1_783_175_888_000_000;
const line = (i: number) => {
  const e = commits[i % commits.length];
  return JSON.stringify({ ...e, time_us: t0 + i, commit: { ...e.commit, rkey: `${e.commit!.rkey}${i}` } });
};

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.stdout.write(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}\n`));
wss.on('connection', (ws) => {
  let i = 0;
  const pump = () => {
    while (i < n && ws.bufferedAmount < 1 << 20) ws.send(line(i++));
    if (i < n && ws.readyState === ws.OPEN) setTimeout(pump, 1);
  };
  pump();
});
