// Conversation threads (spec §4.1, output_formatter.py `write_conversation_chains`): reply trees of one group of
// users, flattened by a depth-first pre-order walk over all branches, one thread per tree, target = last message.
import type { Post } from '../bluesky/activity.ts';
import { byTimeThenSeq } from '../bluesky/activity.ts';
import type { Thread, RawMessage, ThreadOptions } from './types.ts';
import type { UserPosts } from './user-index.ts';

/** The walk adds reply levels 1..6 below the start node: the reference returns when `depth > 5`. */
export const MAX_WALK_DEPTH = 5;

/**
 * Builds the conversation threads of one group of users (a cluster in `same-cluster` scope, every retained user in
 * `all` scope). Only posts of `users` are indexed, so a reply whose parent is outside the group starts a thread.
 */
export function buildConversationThreads(
  users: readonly string[],
  postsByUser: ReadonlyMap<string, UserPosts>,
  opts: ThreadOptions,
): Thread[] {
  const index = new Map<string, Post>();
  const children = new Map<string, string[]>();
  const replyOrder: Post[] = [];
  for (const did of users) {
    const u = postsByUser.get(did);
    if (!u) continue;
    for (const p of u.posts) index.set(p.uri, p);
    for (const r of u.replies) {
      index.set(r.uri, r);
      replyOrder.push(r);
    }
  }
  // The reference appends children user by user; by default children follow time order instead.
  if (!opts.compat) replyOrder.sort(byTimeThenSeq);
  for (const r of replyOrder) {
    if (!r.replyParent) continue;
    let list = children.get(r.replyParent);
    if (!list) children.set(r.replyParent, (list = []));
    list.push(r.uri);
  }

  const processed = new Set<string>();
  const threads: Thread[] = [];
  // The reference copies unix_epoch only for messages read from the user's own lists; messages read back from its
  // URI index have none and default to 0. Compat keeps that; the default uses the real time.
  const fromList = (p: Post): RawMessage => message(p, p.timeUs);
  const fromIndex = (p: Post): RawMessage => message(p, opts.compat ? 0 : p.timeUs);

  const walk = (chain: RawMessage[], parentUri: string, depth: number): void => {
    if (depth > MAX_WALK_DEPTH) return;
    for (const uri of children.get(parentUri) ?? []) {
      if (processed.has(uri)) continue;
      const p = index.get(uri);
      if (!p) continue;
      chain.push(fromIndex(p));
      processed.add(uri);
      walk(chain, uri, depth + 1);
    }
  };
  const startAt = (first: RawMessage, uri: string): RawMessage[] => {
    const chain = [first];
    processed.add(uri);
    walk(chain, uri, 0);
    return chain;
  };

  for (const did of users) {
    const u = postsByUser.get(did);
    if (!u) continue;
    for (const p of u.posts) {
      if (processed.has(p.uri)) continue;
      threads.push(conversation(startAt(fromList(p), p.uri)));
    }
    for (const r of u.replies) {
      if (processed.has(r.uri)) continue;
      const parent = r.replyParent;
      if (parent && processed.has(parent)) continue;
      if (!parent || !index.has(parent)) {
        threads.push(conversation(startAt(fromList(r), r.uri))); // orphan: its parent is outside the group
        continue;
      }
      const root = r.replyRoot;
      if (root && index.has(root) && root !== parent) {
        // A longer conversation: start at its root unless that tree was already emitted (then this reply is dropped,
        // as in the reference: it was below the depth limit or on a branch the walk did not reach).
        if (!processed.has(root)) threads.push(conversation(startAt(fromIndex(index.get(root)!), root)));
        continue;
      }
      // Start at the parent, then this reply and its descendants (the parent's other children are not visited).
      const chain = [fromIndex(index.get(parent)!)];
      processed.add(parent);
      chain.push(fromList(r));
      processed.add(r.uri);
      walk(chain, r.uri, 0);
      threads.push(conversation(chain));
    }
  }
  return threads;
}

function message(p: Post, timeUs: number): RawMessage {
  const m: RawMessage = { did: p.did, timeUs };
  if (p.text) m.text = p.text;
  return m;
}

/** The target is the last message: `post` for a single message, `reply` otherwise (rebuild_chains.py). */
function conversation(messages: RawMessage[]): Thread {
  messages[messages.length - 1].action = messages.length === 1 ? 'post' : 'reply';
  return { kind: 'conversation', messages };
}
