// Action threads (spec §3.3, §4.1 step 2): [context message, action message] pairs with the reference's target
// resolution. Text-directed actions show the target post; user-directed actions show a proxy: the target account's
// latest post or reply at or before the action. Unresolvable actions are skipped and counted by reason.
import { COLLECTIONS, USER_DIRECTED } from '../bluesky/actions.ts';
import type { Action, Activity, Post } from '../bluesky/activity.ts';
import { parseAtUri } from '../bluesky/jetstream-event.ts';
import type { ActionThreadKey, SkipCounts, Thread, RawMessage, ThreadOptions } from './types.ts';
import { ACTION_THREAD_ORDER, countSkip } from './types.ts';
import type { UserPosts } from './user-index.ts';

/** Actions of the retained users grouped by (actor, key): ingest order in compat (as the reference reads them), else (timeUs, seq). */
export type ActionsByUser = Map<string, Map<ActionThreadKey, Action[]>>;

export function indexUserActions(activity: Activity, retained: ReadonlySet<string>, compat = false): ActionsByUser {
  const out: ActionsByUser = new Map();
  for (const a of activity.actions) {
    if (!retained.has(a.did)) continue;
    let byKey = out.get(a.did);
    if (!byKey) out.set(a.did, (byKey = new Map()));
    let list = byKey.get(a.key);
    if (!list) byKey.set(a.key, (list = []));
    list.push(a);
  }
  if (compat) for (const byKey of out.values()) for (const list of byKey.values()) list.sort((x, y) => x.seq - y.seq);
  return out;
}

export interface TargetIndex {
  /** Retained posts by exact URI (the default look-up). */
  byUri: Map<string, Post>;
  /** Retained posts by `did/rkey`, posts before replies, first wins (the reference's `find_content_by_uri`). */
  byDidRkey: Map<string, Post>;
}

export function indexTargets(postsByUser: ReadonlyMap<string, UserPosts>): TargetIndex {
  const byUri = new Map<string, Post>();
  const byDidRkey = new Map<string, Post>();
  for (const [did, u] of postsByUser) {
    for (const list of [u.posts, u.replies]) {
      for (const p of list) {
        byUri.set(p.uri, p);
        const k = `${did}/${p.rkey}`;
        if (!byDidRkey.has(k)) byDidRkey.set(k, p);
      }
    }
  }
  return { byUri, byDidRkey };
}

/**
 * The action threads of one group of users, in the reference's order: by action key, then user, then time.
 * Targets may belong to any retained user (the reference looks them up in all users' data).
 */
export function buildActionThreads(
  users: readonly string[],
  actionsByUser: ActionsByUser,
  postsByUser: ReadonlyMap<string, UserPosts>,
  targets: TargetIndex,
  opts: ThreadOptions,
  skips: SkipCounts,
): Thread[] {
  const threads: Thread[] = [];
  for (const key of ACTION_THREAD_ORDER) {
    for (const did of users) {
      for (const a of actionsByUser.get(did)?.get(key) ?? []) {
        const t = actionThread(a, postsByUser, targets, opts);
        if (typeof t === 'string') countSkip(skips, `${key}: ${t}`);
        else threads.push(t);
      }
    }
  }
  return threads;
}

/** One action thread, or the reason it cannot be built. */
export function actionThread(
  a: Action,
  postsByUser: ReadonlyMap<string, UserPosts>,
  targets: TargetIndex,
  opts: ThreadOptions,
): Thread | string {
  if (a.unresolved) return a.unresolved;
  let context: Post | string;
  if (USER_DIRECTED.has(a.key)) {
    if (!a.subjectDid) return 'no target account';
    const target = postsByUser.get(a.subjectDid);
    if (!target) return 'target account not retained';
    context = proxyPost(target, a.timeUs, opts.compat) ?? 'target account has no post at or before the action';
  } else {
    context = findTargetPost(a, targets, opts.compat);
  }
  if (typeof context === 'string') return context;
  const ctx: RawMessage = { did: context.did, timeUs: context.timeUs };
  if (context.text) ctx.text = context.text;
  const act: RawMessage = { did: a.did, timeUs: a.timeUs, action: a.key };
  // The reference drops quote and post_update text at release (rebuild_chains.py); the default keeps it.
  if (!opts.compat && (a.key === 'quote' || a.key === 'post_update') && a.text) act.text = a.text;
  return { kind: a.key, messages: [ctx, act] };
}

function findTargetPost(a: Action, targets: TargetIndex, compat: boolean): Post | string {
  const uri = a.subjectUri;
  if (!uri) return 'no target post';
  let post: Post | undefined;
  if (compat) {
    // find_content_by_uri: split on "/", author = part 2, rkey = part 4; the collection is not checked
    const parts = uri.split('/');
    if (parts.length < 5 || !parts[2] || !parts[4]) return 'target is not a post URI';
    post = targets.byDidRkey.get(`${parts[2]}/${parts[4]}`);
  } else {
    const parsed = parseAtUri(uri);
    if (!parsed || parsed.collection !== COLLECTIONS.post) return 'target is not a post URI';
    post = targets.byUri.get(uri);
  }
  if (!post) return 'target post not among retained posts';
  if ((a.key === 'post_update' || a.key === 'post_delete') && post.did !== a.did) return 'target post not the actor\'s own';
  return post;
}

/**
 * The target account's latest post or reply with time ≤ `timeUs`. The reference sorts posts+replies by time,
 * newest first, with a stable sort: among equal times a top-level post wins over a reply, then list order.
 * The default takes the last one in ingest order.
 */
export function proxyPost(u: UserPosts, timeUs: number, compat: boolean): Post | undefined {
  const all = u.byTime;
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (all[mid].timeUs <= timeUs) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return undefined;
  const best = all[lo - 1];
  if (!compat) return best;
  let i = lo - 1;
  while (i > 0 && all[i - 1].timeUs === best.timeUs) i--;
  const ties = all.slice(i, lo);
  return ties.find((p) => p.kind === 'post') ?? ties[0];
}
