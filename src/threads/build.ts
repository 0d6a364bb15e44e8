// All threads of a filtered activity. `same-cluster` scope: conversation threads per group, then action threads per
// group, the order in which the reference writes its cluster files (groups are taken in ascending cluster id).
// `all` scope: every conversation thread, then every action thread, in user order, whatever the clusters are.
import type { Activity } from '../bluesky/activity.ts';
import { buildActionThreads, indexTargets, indexUserActions } from './action-threads.ts';
import { buildConversationThreads } from './conversation.ts';
import type { SkipCounts, Thread, ThreadScope } from './types.ts';
import { countSkip } from './types.ts';
import { indexUserPosts, usersInFirstSeenOrder } from './user-index.ts';

export interface BuildThreadsOptions {
  compat: boolean;
  /**
   * `same-cluster` (the reference): a conversation only links posts of users in one cluster. `all`: a conversation
   * may link every retained user (the users that pass the filters, not every collected one).
   */
  scope: ThreadScope;
  /**
   * Users in the order the reference visits them (first event seen, including events the filters later drop);
   * default: first appearance in `activity`. See usersInFirstSeenOrder.
   */
  userOrder?: readonly string[];
}

export interface BuiltThreads {
  threads: Thread[];
  skipped: SkipCounts;
}

/**
 * `clusterOf` maps every retained user to the cluster that groups its conversations (the base K); users absent
 * from it are not retained. In `same-cluster` scope threads come out grouped by cluster, in ascending cluster id. In
 * `all` scope the clusters play no part: the threads and their order depend only on the activity and the user
 * order, so that threads stored by an earlier build can be reused after a change of clustering and still give the
 * release a fresh build would (the order fixes the tie order of ranks and the line order of the cluster files).
 */
export function buildThreads(activity: Activity, clusterOf: ReadonlyMap<string, number>, opts: BuildThreadsOptions): BuiltThreads {
  const retained = new Set(clusterOf.keys());
  const postsByUser = indexUserPosts(activity, retained, opts.compat);
  const actionsByUser = indexUserActions(activity, retained, opts.compat);
  const targets = indexTargets(postsByUser);
  const ordered = opts.userOrder ? opts.userOrder.filter((d) => retained.has(d)) : usersInFirstSeenOrder(activity, retained);
  if (ordered.length !== retained.size) throw new Error('buildThreads: userOrder must list every retained user once');
  const groups = new Map<number, string[]>();
  for (const did of ordered) {
    const c = clusterOf.get(did)!;
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(did);
  }
  const clusterIds = [...groups.keys()].sort((a, b) => a - b);
  const skipped: SkipCounts = {};
  const threads: Thread[] = [];
  const topts = { compat: opts.compat };
  const add = (more: Thread[]) => {
    for (const t of more) threads.push(t);
  };
  if (opts.scope === 'all') {
    add(buildConversationThreads(ordered, postsByUser, topts));
    add(buildActionThreads(ordered, actionsByUser, postsByUser, targets, topts, skipped));
  } else {
    for (const c of clusterIds) {
      const users = groups.get(c)!;
      add(buildConversationThreads(users, postsByUser, topts));
      add(buildActionThreads(users, actionsByUser, postsByUser, targets, topts, skipped));
    }
  }
  return { threads: dropTextless(threads, skipped), skipped };
}

/**
 * A message with neither text nor an action cannot be released (the reference raises on it; a conversation's
 * target gets its action only after that check, so it needs text too): its thread is skipped and counted. Whitespace-only text counts as none, as in the reference's `strip()` check.
 */
function dropTextless(threads: Thread[], skipped: SkipCounts): Thread[] {
  const out: Thread[] = [];
  for (const t of threads) {
    const ok = t.messages.every((m) => (m.text !== undefined && m.text.trim() !== '') || (m.action !== undefined && t.kind !== 'conversation'));
    if (ok) out.push(t);
    else countSkip(skipped, `${t.kind}: a message without text`);
  }
  return out;
}
