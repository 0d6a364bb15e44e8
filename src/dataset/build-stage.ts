// `simpact build`: ingest (optional) → load → filters → clusters → threads (+ PII scrub, stored and reused) →
// relative time, opt-out, pseudonyms → release files, Parquet, card → audit → atomic rename.
// store.ts first: it loads the schema list, whose modules import store.ts back; entering that cycle from a schema
// module (as ingest does) would read a schema before it is initialised.
import '../store/store.ts';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ACTION_KEYS, type ActionKey } from '../bluesky/actions.ts';
import { filterActivity, loadKeywordFile, DEFAULT_KEYWORDS_FILE, type FilterCounts, type FilterResult } from '../filter/index.ts';
import type { Activity } from '../bluesky/activity.ts';
import { ingestPaths, formatProblem } from '../ingest/ingest.ts';
import {
  AUDIT_THRESHOLDS,
  auditReleaseReport,
  createPiiEngine,
  knownHandleSet,
  loadOptOut,
  loadSecretInfo,
  pseudonymFor,
  redactKnownHandles,
  releaseTimes,
  TIME_RANK,
  timeOptionName,
  type KnownIdentifiers,
  type Leak,
  type TimeOption,
} from '../privacy/index.ts';
import { loadActivity } from '../store/activity.ts';
import { collectedIdentifiers } from '../store/privacy.ts';
import { finishedStage, loadThreads, releaseJsonlToParquet, saveThreads } from '../store/release.ts';
import type { Store } from '../store/store.ts';
import { buildThreads } from '../threads/build.ts';
import { usersInFirstSeenOrder } from '../threads/user-index.ts';
import type { Thread, ThreadScope } from '../threads/types.ts';
import type { Logger } from '../util/log.ts';
import { renderCard } from './card.ts';
import { chooseChainK, clusterUsers, type ClusterPartitions } from './clusters.ts';
import { activityFingerprint, settingsHash } from './fingerprint.ts';
import type { ReleaseManifest, ReleaseSettings } from './manifest.ts';
import { privatizeThreads } from './privatize.ts';
import { commitReleaseDir, openReleaseDir, RELEASE_MARKER, type OpenedRelease } from './release-dir.ts';
import { scrubThreads } from './scrub.ts';
import type { SplitFractions } from './splits.ts';
import { writeReleaseFiles } from './write-release.ts';

/**
 * Bumped when thread building or scrubbing changes, so stored threads of an older simpact are not reused.
 * 2: in `all` scope, action threads no longer follow cluster order.
 * 3: the collected accounts' handles are scrubbed from texts (not in compat mode).
 */
const THREADS_STAGE_VERSION = 3;

export class BuildError extends Error {
  constructor(
    message: string,
    readonly kind: 'usage' | 'failure' | 'leak',
  ) {
    super(message);
  }
}

export interface BuildOptions {
  out: string;
  inputs: string[];
  ks: number[];
  chainK: number;
  compat: boolean;
  scope: ThreadScope;
  seed: number;
  secretFile?: string;
  optOutFile?: string;
  minPosts: number;
  languages: 'blueprint' | string[];
  /** A keyword file, 'default' (the built-in list) or 'none'. */
  keywords: string;
  split: SplitFractions & { train: number };
  parquet: boolean;
  /** What `relative_integer_time` holds: the rank (the reference; default) or coarse bucket indices (not in compat). */
  time?: TimeOption;
  /** Per-type score thresholds of the PII scrubber (default: the engine's, 0.5); not in compat mode. */
  piiThresholds?: Record<string, number>;
  log: Logger;
  /** The embedder of the clustering stage (its default when absent). */
  embedder?: string;
  /** Replaces the clustering stage (tests). */
  clusters?: (users: Set<string>, req: { ks: number[]; seed: number }) => Promise<ClusterPartitions>;
}

export interface BuildReport {
  out: string;
  users: number;
  threads: number;
  ks: number[];
  perK: Record<string, { clusters: number; threads: number; train: number; validation: number; test: number }>;
  skipped: Record<string, number>;
  optedOut: number;
  reusedThreads: boolean;
  leaks: number;
  /** Wall seconds per stage. */
  seconds: Record<string, number>;
  /** CPU seconds (user + system, all threads of the process) per stage. */
  cpuSeconds: Record<string, number>;
  /** Resident memory at the end of each stage. */
  rssMB: Record<string, number>;
}

export async function runBuild(store: Store, o: BuildOptions): Promise<BuildReport> {
  const seconds: Record<string, number> = {};
  const cpuSeconds: Record<string, number> = {};
  const rssMB: Record<string, number> = {};
  let t0 = performance.now();
  let cpu0 = process.cpuUsage();
  const lap = (name: string) => {
    const now = performance.now();
    const cpu = process.cpuUsage(cpu0);
    seconds[name] = Math.round(now - t0) / 1000;
    cpuSeconds[name] = Math.round((cpu.user + cpu.system) / 1000) / 1000;
    rssMB[name] = Math.round(process.memoryUsage().rss / 1048576);
    t0 = now;
    cpu0 = process.cpuUsage();
  };

  const time = o.time ?? TIME_RANK;
  if (o.compat && time.kind !== 'rank') {
    throw new BuildError(`--time ${timeOptionName(time)}: the reference has only the rank (relative_integer_time); use --time rank with --compat blueprint`, 'usage');
  }
  if (o.compat && o.piiThresholds && Object.keys(o.piiThresholds).length) {
    throw new BuildError('--pii-threshold: compat mode keeps every detection, as the reference does; leave it out with --compat blueprint', 'usage');
  }
  // A mistyped input would otherwise only warn and build a release from whatever the store already holds.
  for (const input of o.inputs) {
    if (!existsSync(input)) throw new BuildError(`input ${input}: no such file or directory (nothing was built)`, 'usage');
  }
  const secret = loadSecretOrFail(o);
  const optOut = o.optOutFile ? readOptOut(o.optOutFile) : new Set<string>();
  const keywords = readKeywords(o.keywords);
  const opened = openOrFail(o.out);
  for (const name of opened.removedLeftovers) o.log.warn(`removed a half-written earlier release: ${name}`);
  let committed = false;
  let keepTmp = false;
  try {
    if (o.inputs.length) {
      const s = await ingestPaths(store, o.inputs, { onProblem: (p) => o.log.warn(formatProblem(p)) });
      o.log.info(`ingested ${s.events} events (${s.inserted} new, ${s.malformed} bad lines skipped)`);
      lap('ingest');
    }
    const prepared = await prepareThreads(store, o, keywords, lap);
    const { users, parts, chainK, skipped, fingerprint, pii, known, scrubText } = prepared;
    let threads: Thread[] | null = prepared.threads;
    prepared.threads = [];

    const mode = o.compat ? 'blueprint' : 'hmac';
    const priv = privatizeThreads(threads!, {
      rank: releaseTimes(time),
      optOut,
      pseudonym: (did, dump) => pseudonymFor(did, dump, secret, mode),
    });
    threads = null; // let the collector take the scrubbed threads before the files are written
    lap('privacy');

    const partitions = parts.ks.map((k) => ({ k, clusterOf: parts.byK.get(k)! }));
    const stats = await writeReleaseFiles(opened.tmp, priv.threads, partitions, { seed: o.seed, fractions: o.split }, o.parquet ? (files, dest) => releaseJsonlToParquet(store, files, dest) : null);
    if (parts.stage) {
      const { writeClusterDiagnostics } = await import('../cluster/diagnostics-write.ts');
      // medoid posts and top terms are scrubbed as the thread texts are (compat: the diagnostics' own default)
      await writeClusterDiagnostics(parts.stage, join(opened.tmp, 'diagnostics'), o.compat ? {} : { redact: scrubText });
    }
    lap('write');

    const actions: Partial<Record<ActionKey, number>> = {};
    let messages = 0;
    for (const t of priv.threads) {
      actions[t.action] = (actions[t.action] ?? 0) + 1;
      messages += t.length;
    }
    const settings: ReleaseSettings = {
      compat: o.compat ? 'blueprint' : null,
      scope: o.scope,
      ks: parts.ks,
      chainK,
      clustering: parts.method,
      ...(parts.embedder ? { embedder: parts.embedder } : {}),
      languages: o.languages,
      keywords: o.keywords === 'none' ? 'none' : o.keywords === 'default' ? 'built-in political list' : 'custom list',
      minPosts: o.minPosts,
      split: { train: o.split.train, validation: o.split.validation, test: o.split.test },
      pii: {
        entities: [...pii],
        mode: o.compat ? 'reference entity set, every detection kept' : o.piiThresholds && Object.keys(o.piiThresholds).length ? 'default entity set, thresholds as given' : 'default entity set and thresholds',
        ...(o.piiThresholds && Object.keys(o.piiThresholds).length ? { thresholds: { ...o.piiThresholds } } : {}),
      },
      pseudonyms: mode,
      time: timeOptionName(time),
      optOutList: Boolean(o.optOutFile),
      parquet: o.parquet,
    };
    const manifest: ReleaseManifest = {
      format: 'simpact-release',
      formatVersion: 1,
      complete: true,
      simpactVersion: simpactVersion(),
      inputFingerprint: fingerprint,
      settings,
      seeds: { split: o.seed, clustering: parts.seed },
      counts: {
        users: users.size,
        threads: priv.threads.length,
        messages,
        actions: Object.fromEntries(ACTION_KEYS.filter((k) => actions[k]).map((k) => [k, actions[k]])),
        skipped,
        optedOut: priv.optedOut,
        filter: { ...prepared.filterCounts },
        partitions: stats,
      },
      files: [],
    };
    writeFileSync(join(opened.tmp, 'README.md'), renderCard(manifest));
    manifest.files = listFiles(opened.tmp);
    writeFileSync(join(opened.tmp, RELEASE_MARKER), `${JSON.stringify(manifest, null, 2)}\n`);
    lap('card');

    // The audit also looks for the collected accounts' own DIDs and handles, as the raw events give them.
    const audit = await auditReleaseReport(opened.tmp, { secret, known });
    lap('audit');
    if (audit.leaks.length > 0) {
      rmSync(join(opened.tmp, RELEASE_MARKER), { force: true });
      keepTmp = true;
      const shown = audit.leaks.slice(0, 10).map((l) => `  ${l.file}:${l.line} ${l.kind} ${l.excerpt}`);
      throw new BuildError(
        `the audit found ${audit.leaks.length} leak(s); the release was NOT completed and is left for inspection in ${opened.tmp}\n${shown.join('\n')}${leakHint(audit.leaks, o.compat)}`,
        'leak',
      );
    }
    commitReleaseDir(opened);
    committed = true;
    lap('commit');
    return {
      out: opened.out,
      users: users.size,
      threads: priv.threads.length,
      ks: parts.ks,
      perK: Object.fromEntries(stats.map((s) => [String(s.k), { clusters: s.clusters, threads: s.threads, ...s.splits }])),
      skipped,
      optedOut: priv.optedOut,
      reusedThreads: prepared.reused,
      leaks: 0,
      seconds,
      cpuSeconds,
      rssMB,
    };
  } finally {
    if (!committed && !keepTmp) rmSync(opened.tmp, { recursive: true, force: true });
  }
}

interface PreparedThreads {
  threads: Thread[];
  skipped: Record<string, number>;
  users: Set<string>;
  parts: ClusterPartitions;
  chainK: number;
  fingerprint: string;
  filterCounts: FilterCounts;
  pii: readonly string[];
  reused: boolean;
  /** The collected accounts' DIDs and handles (from the raw events), for the handle scrub and the audit. */
  known: KnownIdentifiers;
  /** How a text is scrubbed (the PII engine, then the collected handles outside compat mode). */
  scrubText: (text: string) => string;
}

/**
 * Load → filter → clusters → threads → PII scrub, or the stored threads of an earlier run with the same input and
 * settings. A function of its own so that the loaded activity can be collected once the threads exist.
 */
async function prepareThreads(store: Store, o: BuildOptions, keywords: string[] | null, lap: (name: string) => void): Promise<PreparedThreads> {
  // Large inputs: the activity and its filtered copy are dropped (set to null) as soon as they are not needed.
  let activity: Activity | null = await loadActivity(store, { compatBlueprint: o.compat });
  lap('load');
  let filtered: FilterResult | null = filterActivity(activity, { languages: o.languages, keywords, minPosts: o.minPosts });
  const users = filtered.keptUsers;
  if (users.size === 0) throw new BuildError('no user passes the filters: nothing to release', 'failure');
  const fingerprint = activityFingerprint(filtered.activity);
  // the reference orders users by their first event of any kind, so the order comes from the unfiltered activity
  const userOrder = usersInFirstSeenOrder(activity, users);
  activity = null;
  lap('filter');

  const parts = o.clusters
    ? await o.clusters(users, { ks: o.ks, seed: o.seed })
    : await clusterUsers(store, filtered.activity, users, { ks: o.ks, seed: o.seed, compat: o.compat, embedder: o.embedder, log: o.log });
  const chainK = chooseChainK(parts.ks, o.chainK);
  lap('clusters');

  const engine = createPiiEngine({ compatBlueprint: o.compat, thresholds: o.piiThresholds });
  // A handle on a domain the PII engine does not know (`sam.nyc`), written without `@`, is scrubbed by lookup; the
  // reference has no such step (compat mode leaves it, and its audit then stops the build).
  const known = await collectedIdentifiers(store);
  const handles = o.compat ? new Set<string>() : knownHandleSet(known.handles);
  const hash = settingsHash({
    v: THREADS_STAGE_VERSION,
    fingerprint,
    compat: o.compat,
    scope: o.scope,
    userOrder: settingsHash(userOrder),
    chainClusters: o.scope === 'same-cluster' ? settingsHash(parts.byK.get(chainK)!) : null,
    pii: engine.entities,
    piiThresholds: o.piiThresholds ?? {},
    knownHandles: settingsHash([...handles].sort()),
  });
  const scrubText = handles.size ? (t: string) => redactKnownHandles(engine.redact(t).redacted, handles) : (t: string) => engine.redact(t).redacted;
  const base = { users, parts, chainK, fingerprint, filterCounts: filtered.counts, pii: engine.entities, known, scrubText };
  const done = await finishedStage<{ skipped: Record<string, number> }>(store, 'threads', hash);
  if (done) {
    filtered = null;
    const threads = (await loadThreads(store, hash)) as Thread[];
    o.log.info(`reusing ${threads.length} threads built earlier from the same input with the same settings`);
    lap('threads (reused)');
    return { ...base, threads, skipped: done.skipped, reused: true };
  }
  const built = buildThreads(filtered.activity, parts.byK.get(chainK)!, { compat: o.compat, scope: o.scope, userOrder });
  filtered = null;
  const skipped = built.skipped;
  let raw: Thread[] | null = built.threads;
  built.threads = [];
  lap('threads');
  const threads = scrubThreads(raw, scrubText);
  raw = null;
  lap('scrub');
  await saveThreads(store, hash, threads, { skipped });
  lap('store threads');
  return { ...base, threads, skipped, reused: false };
}

/**
 * The audit reads texts with lower thresholds than the scrubber (AUDIT_THRESHOLDS): a contact detail the scrubber
 * judged too uncertain to remove stops the build. The way out is to scrub it.
 */
function leakHint(leaks: readonly Leak[], compat: boolean): string {
  const kinds = new Set(leaks.map((l) => l.kind));
  const types = [['phone', 'PHONE_NUMBER'], ['email', 'EMAIL_ADDRESS'], ['handle', 'USERNAME']].filter(([k]) => kinds.has(k as Leak['kind'])).map(([, t]) => t);
  if (compat || types.length === 0) return '';
  return `\nif these are texts the scrubber judged too uncertain to remove, lower its threshold, e.g. ${types.map((t) => `--pii-threshold ${t}=${AUDIT_THRESHOLDS[t]}`).join(' ')}`;
}

function loadSecretOrFail(o: BuildOptions): string {
  try {
    return loadSecretInfo({ keyFile: o.secretFile, compat: o.compat }).secret;
  } catch (err) {
    throw new BuildError((err as Error).message, 'usage');
  }
}

function readOptOut(path: string): Set<string> {
  try {
    return loadOptOut(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BuildError(code ? `cannot read the opt-out list ${path} (${code})` : (err as Error).message, 'usage');
  }
}

function readKeywords(spec: string): string[] | null {
  if (spec === 'none') return null;
  const path = spec === 'default' ? DEFAULT_KEYWORDS_FILE : spec;
  try {
    return loadKeywordFile(path);
  } catch (err) {
    throw new BuildError(`cannot read the keyword file ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'usage');
  }
}

function openOrFail(out: string): OpenedRelease {
  try {
    return openReleaseDir(out);
  } catch (err) {
    throw new BuildError((err as Error).message, 'failure');
  }
}

function listFiles(dir: string, base = dir): { path: string; bytes: number }[] {
  const out: { path: string; bytes: number }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listFiles(p, base));
    else if (!name.startsWith('.')) out.push({ path: relative(base, p), bytes: st.size });
  }
  return out;
}

let version: string | undefined;
export function simpactVersion(): string {
  if (!version) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    version = pkg.version;
  }
  return version;
}
