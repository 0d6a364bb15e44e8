// Helpers shared by command registrations (parsing only; no stage logic here).
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
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

// Options shared by the commands that select and embed users (embed, cluster, build): one definition each, so the
// same flags mean the same filter and embedder everywhere, and stored user vectors match across commands.

export const EMBEDDER_HELP =
  'lsa[:dim=256,…] | transformers:<folder-or-id>[,mode=blueprint|blueprint-eval|model-card] | openai:<model>@<baseURL>[,maxTokens=N,…]. ' +
  'lsa is fitted on the whole corpus, so any new text refits it and re-embeds every text; transformers and openai embed only texts not yet cached';

/** `--embedder <spec>`; `description` for commands where it plays a narrower role (build: the clustering stage). */
export function embedderOption(description = EMBEDDER_HELP): Option {
  return new Option('--embedder <spec>', description);
}

export interface FilterCliOptions {
  minPosts: number;
  languages: string;
  keywords: string;
  compat?: string;
}

export function minPostsOption(): Option {
  return new Option('--min-posts <n>', 'matching posts+replies a user needs').argParser(intArg('--min-posts', 1)).default(2);
}

export function languagesOption(): Option {
  return new Option('--languages <list>', '"blueprint" (langs exactly ["en"]) or a comma-separated list of language tags').default('blueprint');
}

export function keywordsOption(): Option {
  return new Option('--keywords <file>', 'keep only posts containing a keyword from FILE; "default" for the built-in political list; "none"').default('none');
}

/** `--min-posts`, `--languages`, `--keywords`: the user/post filters (spec §2.3), as `simpact build` applies them. */
export function filterOptions(): Option[] {
  return [minPostsOption(), languagesOption(), keywordsOption()];
}

/** `--compat blueprint`: reproduce the reference implementation where it differs. */
export function compatOption(): Option {
  return new Option('--compat <ref>', 'reproduce a reference implementation exactly').choices(['blueprint']);
}

/** The value of `--languages`: "blueprint" or the list of tags. */
export function parseLanguages(value: string): 'blueprint' | string[] {
  return value === 'blueprint' ? 'blueprint' : value.split(',').map((l) => l.trim()).filter(Boolean);
}

/** Adds options to a command (commander has no addOptions). */
export function addOptions(cmd: Command, options: Option[]): Command {
  for (const o of options) cmd.addOption(o);
  return cmd;
}
