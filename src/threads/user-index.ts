// Per-user views of the retained posts that both thread builders need.
import type { Activity, Post } from '../bluesky/activity.ts';
import { byTimeThenSeq } from '../bluesky/activity.ts';

export interface UserPosts {
  /** Top-level posts: the reference's `posts` list (ingest order in compat, else (timeUs, seq) order). */
  posts: Post[];
  /** Replies: the reference's `replies` list (ingest order in compat, else (timeUs, seq) order). */
  replies: Post[];
  /** Posts and replies together in (timeUs, seq) order, for proxy look-ups. */
  byTime: Post[];
}

/**
 * Posts of the retained users, grouped by author. Posts by other authors are ignored. The reference appends records
 * in the order it reads them (input files are not in time order), so compat keeps ingest order.
 */
export function indexUserPosts(activity: Activity, retained: ReadonlySet<string>, compat = false): Map<string, UserPosts> {
  const out = new Map<string, UserPosts>();
  for (const p of activity.posts) {
    if (!retained.has(p.did)) continue;
    let u = out.get(p.did);
    if (!u) {
      u = { posts: [], replies: [], byTime: [] };
      out.set(p.did, u);
    }
    (p.kind === 'reply' ? u.replies : u.posts).push(p);
    u.byTime.push(p);
  }
  const listOrder = compat ? bySeq : byTimeThenSeq;
  for (const u of out.values()) {
    u.posts.sort(listOrder);
    u.replies.sort(listOrder);
    u.byTime.sort(byTimeThenSeq);
  }
  return out;
}

function bySeq(a: Post, b: Post): number {
  return a.seq - b.seq;
}

/**
 * Users in order of first appearance in the activity (lowest ingest `seq` over posts and actions): the
 * reference iterates its per-user dictionary in insertion order, which is the first event seen for each user.
 */
export function usersInFirstSeenOrder(activity: Activity, retained: ReadonlySet<string>): string[] {
  const first = new Map<string, number>();
  const see = (did: string, seq: number) => {
    if (!retained.has(did)) return;
    const cur = first.get(did);
    if (cur === undefined || seq < cur) first.set(did, seq);
  };
  for (const p of activity.posts) see(p.did, p.seq);
  for (const a of activity.actions) see(a.did, a.seq);
  for (const did of retained) if (!first.has(did)) first.set(did, Number.MAX_SAFE_INTEGER);
  return [...first.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([d]) => d);
}
