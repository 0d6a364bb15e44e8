// Helpers shared by command registrations (parsing only; no stage logic here).
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolveDbPath } from '../store/store.ts';

export function globalDb(cmd: Command): string {
  const opts = cmd.optsWithGlobals() as { db?: string };
  return resolveDbPath(opts.db);
}

export function isQuiet(cmd: Command): boolean {
  return Boolean((cmd.optsWithGlobals() as { quiet?: boolean }).quiet);
}

export function intArg(name: string, min = 0): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

export function floatArg(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
    return n;
  };
}

export function intListArg(name: string, min = 1): (v: string) => number[] {
  return (v) =>
    v.split(',').map((p) => {
      const n = Number(p.trim());
      if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name}: "${p}" is not an integer >= ${min}`);
      return n;
    });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
