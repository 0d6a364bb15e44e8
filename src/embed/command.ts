// `simpact embed`: opens the store, embeds the kept users' posts into the cache and stores their user vectors.
import { DEFAULT_KEYWORDS_FILE, loadKeywordFile, type FilterOptions } from '../filter/index.ts';
import { Store } from '../store/store.ts';
import { Progress, stderrLogger } from '../util/log.ts';
import { EmbedderSpecError, parseEmbedderSpec } from './spec.ts';
import { DEFAULT_EMBEDDER, embedUsers, type EmbedUsersResult } from './stage.ts';
import type { EmbedderSpec } from './types.ts';

/** The filter flags as the CLI gives them (`--min-posts`, `--languages`, `--keywords`), shared with cluster and build. */
export interface FilterFlags {
  minPosts?: number;
  /** "blueprint" or comma-separated language tags. */
  languages?: string;
  /** A keyword file, "default" (the built-in political list) or "none". */
  keywords?: string;
}

export interface EmbedCommandOptions {
  embedder?: string;
  filter?: FilterFlags;
  compatBlueprint?: boolean;
  quiet?: boolean;
}

export interface EmbedCommandReport {
  embedder: EmbedUsersResult['embedder'];
  embedKey: string;
  stats: EmbedUsersResult['stats'];
}

export class EmbedUsageError extends Error {}

/** The filter options of the flags; an unreadable keyword file is a usage error. */
export function resolveFilterFlags(f: FilterFlags = {}): FilterOptions {
  const languages = f.languages === undefined || f.languages === 'blueprint' ? 'blueprint' : f.languages.split(',').map((l) => l.trim()).filter(Boolean);
  let keywords: string[] | null = null;
  if (f.keywords !== undefined && f.keywords !== 'none') {
    const path = f.keywords === 'default' ? DEFAULT_KEYWORDS_FILE : f.keywords;
    try {
      keywords = loadKeywordFile(path);
    } catch (err) {
      throw new EmbedUsageError(`cannot read the keyword file ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  return { minPosts: f.minPosts, languages, keywords };
}

/** The embedder spec of a flag (default: the default embedder); a bad spec is a usage error. */
export function resolveEmbedderFlag(text: string | undefined): EmbedderSpec {
  try {
    return parseEmbedderSpec(text ?? DEFAULT_EMBEDDER);
  } catch (err) {
    if (err instanceof EmbedderSpecError) throw new EmbedUsageError(err.message);
    throw err;
  }
}

export async function runEmbedCommand(dbPath: string, opts: EmbedCommandOptions): Promise<EmbedCommandReport> {
  const spec = resolveEmbedderFlag(opts.embedder);
  const filter = resolveFilterFlags(opts.filter);
  const store = await Store.open(dbPath);
  const progress = new Progress('embed', { enabled: opts.quiet ? false : undefined });
  try {
    const res = await embedUsers(store, {
      embedder: spec,
      filter,
      compatBlueprint: opts.compatBlueprint,
      logger: stderrLogger({ quiet: opts.quiet }),
      onProgress: (done, total) => progress.update(() => `${done}/${total} texts`),
    });
    progress.done(`${res.stats.embedded} texts embedded`);
    return { embedder: res.embedder, embedKey: res.embedKey, stats: res.stats };
  } finally {
    store.close();
  }
}

export function formatEmbedReport(r: EmbedCommandReport): string {
  const s = r.stats;
  return [
    `embedder      ${r.embedder.id} (${r.embedder.dim} dimensions)`,
    `users         ${s.users}`,
    `texts         ${s.texts} (${s.distinctTexts} distinct)`,
    `from cache    ${s.fromCache}`,
    `embedded now  ${s.embedded}`,
    `zero vectors  ${s.zeroTextVectors} texts, ${s.zeroUserVectors} users`,
    `user vectors  ${s.reusedUserVectors ? 'already stored' : 'stored'}`,
    `time          ${s.seconds.toFixed(2)} s`,
    '',
  ].join('\n');
}
