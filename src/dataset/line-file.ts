// Buffered synchronous line output: release files are written in large chunks, one file open per writer.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class LineFile {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;
  lines = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  write(line: string): void {
    this.buf.push(line);
    this.size += line.length;
    this.lines++;
    if (this.size >= 1 << 22) this.flush();
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join('\n') + '\n');
    this.buf = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
