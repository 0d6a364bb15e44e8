import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../../collect/duration.ts';
import { globalDb, intArg, isQuiet, printJson } from '../options.ts';

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
const repeat = (v: string, prev: string[] = []) => [...prev, v];

function durationArg(name: string): (v: string) => number {
  return (v) => {
    const ms = parseDuration(v);
    if (ms === null) throw new InvalidArgumentError(`${name} must be a duration such as 500ms, 30s, 5m, 2h`);
    return ms;
  };
}

interface CollectFlags {
  endpoint?: string[];
  collections?: string[];
  dids?: string[];
  maxEvents?: number;
  duration?: number;
  batchSize: number;
  flushInterval: number;
  rewind: number;
  maxRetries?: number;
  seed?: number;
  verbose?: boolean;
  json?: boolean;
}

export default function register(program: Command): void {
  program
    .command('collect')
    .description('Collect live Bluesky events from Jetstream into the store; resumes where the last run stopped')
    .option('--endpoint <url>', 'Jetstream instance (repeatable; default: the four public instances, rotated on failure)', repeat)
    .option('--collections <nsids>', 'wantedCollections, comma-separated, `prefix.*` allowed (repeatable)', list)
    .option('--dids <dids>', 'wantedDids, comma-separated (repeatable)', list)
    .option('--max-events <n>', 'stop after this many new events are stored', intArg('--max-events', 1))
    .option('--duration <d>', 'stop after this long (e.g. 30s, 5m, 2h)', durationArg('--duration'))
    .option('--batch-size <n>', 'events per committed batch', intArg('--batch-size', 1), 1000)
    .addOption(new Option('--flush-interval <d>', 'commit a partial batch after this long').argParser(durationArg('--flush-interval')).default(1000, '1s'))
    .addOption(new Option('--rewind <d>', 'on (re)connect, replay from the stored cursor minus this much').argParser(durationArg('--rewind')).default(5000, '5s'))
    .option('--max-retries <n>', 'give up after this many failed connections in a row (default: never)', intArg('--max-retries', 0))
    .option('--seed <n>', 'seed of the reconnect jitter (default: from the clock)', intArg('--seed', 0))
    .option('--verbose', 'one line per committed batch on stderr')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: CollectFlags, cmd: Command) => {
      const { runCollect } = await import('../../collect/run-collect.ts');
      const summary = await runCollect({
        db: globalDb(cmd),
        endpoints: flags.endpoint ?? [],
        filter: { wantedCollections: flags.collections ?? [], wantedDids: flags.dids ?? [] },
        maxEvents: flags.maxEvents,
        durationMs: flags.duration,
        batchSize: flags.batchSize,
        flushMs: flags.flushInterval,
        rewindUs: flags.rewind * 1000,
        maxRetries: flags.maxRetries,
        seed: flags.seed ?? (Date.now() ^ process.pid) >>> 0,
        quiet: isQuiet(cmd),
        verbose: flags.verbose,
      });
      if (flags.json) printJson(summary);
      else {
        process.stdout.write(
          `collected ${summary.stored} new events (${summary.duplicates} duplicates, ${summary.malformed} malformed, ` +
            `${summary.reconnects} reconnects${summary.gaps ? `, ${summary.gaps} possible gaps` : ''}) in ` +
            `${(summary.elapsedMs / 1000).toFixed(1)} s; stopped: ${summary.stopReason}\n`,
        );
      }
    });
}
