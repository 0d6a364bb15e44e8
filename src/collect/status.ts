// The live status line drawn on a TTY: stored events, the rate since the last draw, and the lag behind the stream.
import type { CollectStats } from './collector.ts';

/** `stored 12,345  +1,024/s  lag 0.8 s  dup 12  reconnects 1` (pure; the caller passes the clock). */
export function statusLine(now: CollectStats, previous: CollectStats | null, nowMs: number): string {
  const dt = previous ? (now.elapsedMs - previous.elapsedMs) / 1000 : 0;
  const rate = previous && dt > 0 ? (now.received - previous.received) / dt : 0;
  const lag = now.lastTimeUs === null ? '–' : seconds(Math.max(0, (nowMs * 1000 - now.lastTimeUs) / 1e6));
  const parts = [
    `stored ${now.stored.toLocaleString('en-US')}`,
    `${Math.round(rate).toLocaleString('en-US')}/s`,
    `lag ${lag}`,
    `dup ${now.duplicates.toLocaleString('en-US')}`,
  ];
  if (now.reconnects) parts.push(`reconnects ${now.reconnects}`);
  if (now.malformed) parts.push(`malformed ${now.malformed}`);
  return parts.join('  ');
}

function seconds(s: number): string {
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}
