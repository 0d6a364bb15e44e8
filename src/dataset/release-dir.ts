// Atomic release folders: everything is written into `<out>.tmp-<random>` and renamed to `<out>` only when
// complete, so a crash or a failed audit never leaves a partial release under the final name. `release.json` is
// the completion marker: a folder without it is not a (complete) simpact release and is never overwritten.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

export const RELEASE_MARKER = 'release.json';
/** Written first into every temporary folder, so leftovers can be recognised as ours. */
export const PARTIAL_MARKER = '.simpact-partial';

export class ReleaseDirError extends Error {}

export interface OpenedRelease {
  out: string;
  tmp: string;
  /** Half-written earlier releases that were found and removed. */
  removedLeftovers: string[];
}

/** Checks the destination and creates the temporary folder next to it. */
export function openReleaseDir(outPath: string): OpenedRelease {
  const out = resolve(outPath);
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new ReleaseDirError(`${outPath} exists and is not a folder`);
    const entries = readdirSync(out);
    if (entries.length > 0) {
      if (!entries.includes(RELEASE_MARKER)) {
        throw new ReleaseDirError(
          entries.includes(PARTIAL_MARKER)
            ? `${outPath} holds a half-written release (no ${RELEASE_MARKER}); remove it and build again`
            : `${outPath} is not empty and is not a simpact release (no ${RELEASE_MARKER}); refusing to overwrite it`,
        );
      }
      if (!isCompleteMarker(join(out, RELEASE_MARKER))) {
        throw new ReleaseDirError(`${outPath}/${RELEASE_MARKER} is not a complete simpact release marker; refusing to overwrite it`);
      }
    }
  }
  const parent = dirname(out);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // EEXIST (the parent itself is a file) and ENOTDIR (a folder above it is) mean the same to the user.
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? `a part of the path is a file, not a folder (${code})` : (code ?? (err as Error).message);
    throw new ReleaseDirError(`cannot create the parent folder of ${outPath}: ${why}`);
  }
  const removedLeftovers: string[] = [];
  const prefix = `${basename(out)}.tmp-`;
  for (const name of readdirSync(parent)) {
    const p = join(parent, name);
    if (name.startsWith(prefix) && existsSync(join(p, PARTIAL_MARKER))) {
      rmSync(p, { recursive: true, force: true });
      removedLeftovers.push(name);
    }
  }
  const tmp = join(parent, `${prefix}${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(tmp);
    writeFileSync(join(tmp, PARTIAL_MARKER), 'a simpact release being written; not complete\n');
  } catch (err) {
    throw new ReleaseDirError(`cannot write to the output folder's parent ${parent}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return { out, tmp, removedLeftovers };
}

function isCompleteMarker(path: string): boolean {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as { format?: string; complete?: boolean };
    return m.format === 'simpact-release' && m.complete === true;
  } catch {
    return false;
  }
}

/** Moves a finished temporary folder to its final name, replacing an earlier complete release. */
export function commitReleaseDir(opened: OpenedRelease): void {
  const { out, tmp } = opened;
  if (!isCompleteMarker(join(tmp, RELEASE_MARKER))) throw new ReleaseDirError('internal: the release has no completion marker');
  rmSync(join(tmp, PARTIAL_MARKER), { force: true });
  let old: string | undefined;
  if (existsSync(out)) {
    if (readdirSync(out).length === 0) rmSync(out, { recursive: true });
    else {
      old = `${out}.old-${randomBytes(4).toString('hex')}`;
      renameSync(out, old);
    }
  }
  renameSync(tmp, out);
  if (old) rmSync(old, { recursive: true, force: true });
}

/** Removes a temporary folder that will not be committed. */
export function discardReleaseDir(opened: OpenedRelease): void {
  rmSync(opened.tmp, { recursive: true, force: true });
}
