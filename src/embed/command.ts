// `simpact embed`: opens the store, embeds the kept users' posts into the cache and stores their user vectors.
import { Store } from '../store/store.ts';
import { Progress, stderrLogger } from '../util/log.ts';
import { EmbedderSpecError, parseEmbedderSpec } from './spec.ts';
import { DEFAULT_EMBEDDER, embedUsers, type EmbedUsersResult } from './stage.ts';

export interface EmbedCommandOptions {
  embedder?: string;
  minPosts?: number;
  compatBlueprint?: boolean;
  quiet?: boolean;
}

export interface EmbedCommandReport {
  embedder: EmbedUsersResult['embedder'];
  embedKey: string;
  stats: EmbedUsersResult['stats'];
}

export class EmbedUsageError extends Error {}

export async function runEmbedCommand(dbPath: string, opts: EmbedCommandOptions): Promise<EmbedCommandReport> {
  let spec;
  try {
    spec = parseEmbedderSpec(opts.embedder ?? DEFAULT_EMBEDDER);
  } catch (err) {
    if (err instanceof EmbedderSpecError) throw new EmbedUsageError(err.message);
    throw err;
  }
  const store = await Store.open(dbPath);
  const progress = new Progress('embed', { enabled: opts.quiet ? false : undefined });
  try {
    const res = await embedUsers(store, {
      embedder: spec,
      filter: { minPosts: opts.minPosts },
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
