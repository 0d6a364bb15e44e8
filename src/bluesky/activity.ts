// The normalised activity the later stages work on (threads, embeddings, clustering), independent of storage.
// The store produces it (store/activity.ts); pure stages consume it.
import type { ActionKey } from './actions.ts';

export interface Post {
  uri: string;
  did: string;
  rkey: string;
  /** Jetstream `time_us` of the create event (the reference orders by this, never by createdAt). */
  timeUs: number;
  /** Stable ingest order: ties on timeUs are broken by this. */
  seq: number;
  kind: 'post' | 'reply';
  text: string;
  langs: string[];
  replyParent?: string;
  replyRoot?: string;
}

/** A non-post action (quote, post_update and post_delete included), with its target resolved where possible. */
export interface Action {
  key: Exclude<ActionKey, 'post' | 'reply'>;
  did: string;
  rkey: string;
  timeUs: number;
  seq: number;
  /** Text-directed target: liked/reposted/quoted/updated/deleted post (for undos: the original record's subject). */
  subjectUri?: string;
  /** User-directed target account (follow/block and their undos). */
  subjectDid?: string;
  /** Quote text, or the new text of a post_update. */
  text?: string;
  langs?: string[];
  /** Set when the target could not be resolved (e.g. an undo whose create was not seen). */
  unresolved?: string;
}

export interface Activity {
  /** Posts and replies, sorted by (timeUs, seq). */
  posts: Post[];
  /** Actions, sorted by (timeUs, seq). */
  actions: Action[];
}

export function byTimeThenSeq(a: { timeUs: number; seq: number }, b: { timeUs: number; seq: number }): number {
  return a.timeUs - b.timeUs || a.seq - b.seq;
}
