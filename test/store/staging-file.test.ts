import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StagingFile } from '../../src/store/event-staging.ts';

/** Adds every non-blank line of `text` as a byte range of one buffer, the way the file ingester does. */
function addRanges(f: StagingFile, buf: Buffer): string[] {
  const lines: string[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let end = buf.indexOf(10, pos);
    if (end < 0) end = buf.length;
    let stop = end;
    if (buf[stop - 1] === 13) stop--; // a CRLF line: its range stops before the CR
    if (stop > pos) {
      f.addRange(buf, pos, stop);
      lines.push(buf.toString('utf8', pos, stop));
    }
    pos = end + 1;
  }
  return lines;
}

test('a staging file holds exactly the lines added, whether as byte ranges (runs), strings, or both in turn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-staging-'));
  try {
    const f = new StagingFile(join(dir, 'raw.txt'));
    const want: string[] = [];
    const a = Buffer.from('{"a":1}\n{"b":"é"}\n\n{"c":3}\r\n{"d":4}\n{"e":5}');
    want.push(...addRanges(f, a));
    f.add('{"s":"a string between runs"}');
    want.push('{"s":"a string between runs"}');
    // a second buffer: its first line is not a continuation of the first buffer's last line
    const b = Buffer.from('{"f":6}\n{"g":7}\n');
    want.push(...addRanges(f, b));
    // enough lines of one buffer to flush in the middle of a run (the buffer flushes at 1 MiB)
    const big = Buffer.from(Array.from({ length: 5000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(400)}"}`).join('\n') + '\n');
    want.push(...addRanges(f, big));
    // string lines: enough to grow the scratch buffer, one too long for it, ranges and strings alternating
    for (let i = 0; i < 3000; i++) {
      const l = `k${i}\x01é${'y'.repeat(i % 300)}`;
      f.add(l);
      want.push(l);
    }
    const huge = `"${'z'.repeat(800_000)}"`;
    f.add('before the long line');
    f.add(huge);
    want.push('before the long line', huge);
    for (let i = 0; i < 50; i++) {
      const c = Buffer.from(`{"r":${i}}\n{"t":${i}}\n`);
      want.push(...addRanges(f, c));
      f.add(`s${i}`);
      want.push(`s${i}`);
    }
    f.add('{"last":true}');
    want.push('{"last":true}');
    f.close();
    assert.equal(f.count, want.length);
    assert.equal(readFileSync(f.path, 'utf8'), want.map((l) => l + '\n').join(''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
