// The BluePrint action vocabulary (spec §3.1) and the mapping from Jetstream commits (spec §3.2).

/** The 13 keys of the released format, in the released key order. */
export const ACTION_KEYS = [
  'like', 'unlike', 'repost', 'unrepost', 'follow', 'unfollow', 'block', 'unblock',
  'post_update', 'post_delete', 'quote', 'post', 'reply',
] as const;
export type ActionKey = (typeof ACTION_KEYS)[number];
export type ActionFlags = Record<ActionKey, boolean>;

/** Actions aimed at an account; their thread context is a proxy post of the target (spec §3.3). */
export const USER_DIRECTED: ReadonlySet<ActionKey> = new Set(['follow', 'unfollow', 'block', 'unblock']);
/** Actions that undo an earlier record, matched by rkey. */
export const UNDO_OF: Partial<Record<ActionKey, ActionKey>> = { unlike: 'like', unrepost: 'repost', unfollow: 'follow', unblock: 'block' };

export function isActionKey(k: string): k is ActionKey {
  return (ACTION_KEYS as readonly string[]).includes(k);
}

export function actionFlags(key: ActionKey | null): ActionFlags {
  const out = {} as ActionFlags;
  for (const k of ACTION_KEYS) out[k] = k === key;
  return out;
}

export const COLLECTIONS = {
  post: 'app.bsky.feed.post',
  like: 'app.bsky.feed.like',
  repost: 'app.bsky.feed.repost',
  follow: 'app.bsky.graph.follow',
  block: 'app.bsky.graph.block',
  profile: 'app.bsky.actor.profile',
} as const;

/**
 * What a commit is in the BluePrint vocabulary, before any target resolution.
 * - `profile_update` is kept internally (the reference stores it but never emits it).
 * - `other`: a known-but-unused Bluesky collection (threadgate, listitem, ...).
 * - `unknown`: a lexicon outside app.bsky / chat.bsky (kept raw, counted).
 */
export type CommitClass = ActionKey | 'profile_update' | 'other' | 'unknown';

/** The quoted post's URI: `embed.record.uri`, or `embed.record.record.uri` for recordWithMedia (the reference misses the latter). */
export function quotedUri(record: Record<string, unknown> | undefined): string | undefined {
  const embed = record?.embed as Record<string, unknown> | undefined;
  if (!embed || typeof embed !== 'object') return undefined;
  const rec = embed.record as Record<string, unknown> | undefined;
  if (!rec || typeof rec !== 'object') return undefined;
  if (typeof rec.uri === 'string') return rec.uri;
  const inner = rec.record as Record<string, unknown> | undefined;
  if (inner && typeof inner === 'object' && typeof inner.uri === 'string') return inner.uri;
  return undefined;
}

/** Python truthiness of a JSON value (the reference's tests are Python `if x:`). */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

export interface ClassifyOptions {
  /** Reproduce the reference: `embed.record` truthy makes a quote (recordWithMedia too), whose target is read from
   *  `embed.record.uri` only. */
  compatBlueprint?: boolean;
}

export function classifyCommit(
  collection: string,
  operation: 'create' | 'update' | 'delete',
  record: Record<string, unknown> | undefined,
  opts: ClassifyOptions = {},
): CommitClass {
  switch (collection) {
    case COLLECTIONS.post: {
      if (operation === 'delete') return 'post_delete';
      if (operation === 'update') return 'post_update';
      const embed = record?.embed as Record<string, unknown> | undefined;
      // The reference tests `record.embed.record` for truth, which a recordWithMedia quote passes too.
      const isQuote = opts.compatBlueprint
        ? Boolean(embed && typeof embed === 'object' && pyTruthy(embed.record))
        : quotedUri(record) !== undefined;
      if (isQuote) return 'quote'; // checked before reply, as in the reference
      if (record && typeof record.reply === 'object' && record.reply !== null) return 'reply';
      return 'post';
    }
    case COLLECTIONS.like:
      return operation === 'delete' ? 'unlike' : operation === 'create' ? 'like' : 'other';
    case COLLECTIONS.repost:
      return operation === 'delete' ? 'unrepost' : operation === 'create' ? 'repost' : 'other';
    case COLLECTIONS.follow:
      return operation === 'delete' ? 'unfollow' : operation === 'create' ? 'follow' : 'other';
    case COLLECTIONS.block:
      return operation === 'delete' ? 'unblock' : operation === 'create' ? 'block' : 'other';
    case COLLECTIONS.profile:
      return operation === 'delete' ? 'other' : 'profile_update';
    default:
      return collection.startsWith('app.bsky.') || collection.startsWith('chat.bsky.') ? 'other' : 'unknown';
  }
}
