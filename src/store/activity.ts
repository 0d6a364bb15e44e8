// Reads the normalised event tables into the store-independent Activity model (src/bluesky/activity.ts):
// posts and replies, and every other action with its target resolved (undos to the original record's subject).
import type { Action, Activity, Post } from '../bluesky/activity.ts';
import { num, type Row, type Store } from './store.ts';

export interface LoadActivityOptions {
  /** Reproduce the reference: a post is a quote when `embed.record` is truthy, and the quoted post is read from
   *  `embed.record.uri` only, so a quote with media is a quote whose target is never found (the thread is dropped). */
  compatBlueprint?: boolean;
}

const POST_COLLECTION = 'app.bsky.feed.post';

export async function loadActivity(store: Store, opts: LoadActivityOptions = {}): Promise<Activity> {
  const isQuote = opts.compatBlueprint ? 'coalesce(embed_record, quote_compat)' : 'quote_uri IS NOT NULL';
  const quoteTarget = opts.compatBlueprint ? 'CASE WHEN quote_compat THEN quote_uri END' : 'quote_uri';
  const quoteUnresolved = opts.compatBlueprint
    ? "CASE WHEN NOT quote_compat THEN 'quoted post not at embed.record.uri (reference lookup)' END"
    : 'NULL';
  const postRows = await store.all(`
    SELECT did, rkey, time_us, seq, is_reply, coalesce(text, '') AS text, coalesce(langs, []) AS langs, reply_parent, reply_root
    FROM posts WHERE NOT (${isQuote}) ORDER BY time_us, seq`);
  const posts: Post[] = postRows.map((r) => {
    const p: Post = {
      uri: `at://${r.did as string}/${POST_COLLECTION}/${r.rkey as string}`,
      did: r.did as string,
      rkey: r.rkey as string,
      timeUs: num(r.time_us),
      seq: num(r.seq),
      kind: r.is_reply ? 'reply' : 'post',
      text: r.text as string,
      langs: r.langs as string[],
    };
    if (r.is_reply) {
      if (r.reply_parent) p.replyParent = r.reply_parent as string;
      if (r.reply_root) p.replyRoot = r.reply_root as string;
    }
    return p;
  });

  const undo = (key: string, table: string, collection: string, subject: 'subject_uri' | 'subject_did') => `
    SELECT '${key}' AS key, d.did, d.rkey, d.time_us, d.seq,
           ${subject === 'subject_uri' ? 'o.subject' : 'NULL'} AS subject_uri,
           ${subject === 'subject_did' ? 'o.subject' : 'NULL'} AS subject_did, NULL AS text, NULL::VARCHAR[] AS langs,
           CASE WHEN o.did IS NULL THEN 'original ${table.slice(0, -1)} not seen'
                WHEN o.subject IS NULL THEN 'original ${table.slice(0, -1)} has no subject' END AS unresolved
    FROM deletes d LEFT JOIN (SELECT did, rkey, arg_min(${subject}, seq) AS subject FROM ${table} GROUP BY did, rkey) o
      ON o.did = d.did AND o.rkey = d.rkey
    WHERE d.collection = '${collection}'`;
  const create = (key: string, table: string, subject: 'subject_uri' | 'subject_did') => `
    SELECT '${key}' AS key, did, rkey, time_us, seq, ${subject === 'subject_uri' ? subject : 'NULL'} AS subject_uri,
           ${subject === 'subject_did' ? subject : 'NULL'} AS subject_did, NULL AS text, NULL::VARCHAR[] AS langs,
           CASE WHEN ${subject} IS NULL THEN 'no subject' END AS unresolved
    FROM ${table}`;
  const seenPost = `EXISTS (SELECT 1 FROM posts p WHERE p.did = x.did AND p.rkey = x.rkey)`;
  const actionRows = await store.all(`
    SELECT * FROM (
      ${create('like', 'likes', 'subject_uri')}
      UNION ALL ${create('repost', 'reposts', 'subject_uri')}
      UNION ALL ${create('follow', 'follows', 'subject_did')}
      UNION ALL ${create('block', 'blocks', 'subject_did')}
      UNION ALL ${undo('unlike', 'likes', 'app.bsky.feed.like', 'subject_uri')}
      UNION ALL ${undo('unrepost', 'reposts', 'app.bsky.feed.repost', 'subject_uri')}
      UNION ALL ${undo('unfollow', 'follows', 'app.bsky.graph.follow', 'subject_did')}
      UNION ALL ${undo('unblock', 'blocks', 'app.bsky.graph.block', 'subject_did')}
      UNION ALL SELECT 'quote', did, rkey, time_us, seq, ${quoteTarget}, NULL, coalesce(text, ''), coalesce(langs, []), ${quoteUnresolved}
        FROM posts WHERE ${isQuote}
      UNION ALL SELECT 'post_update', did, rkey, time_us, seq, 'at://' || did || '/${POST_COLLECTION}/' || rkey, NULL,
        coalesce(text, ''), coalesce(langs, []), CASE WHEN NOT ${seenPost} THEN 'original post not seen' END
        FROM post_updates x
      UNION ALL SELECT 'post_delete', did, rkey, time_us, seq, 'at://' || did || '/${POST_COLLECTION}/' || rkey, NULL,
        NULL, NULL, CASE WHEN NOT ${seenPost} THEN 'original post not seen' END
        FROM deletes x WHERE collection = '${POST_COLLECTION}'
    ) ORDER BY time_us, seq`);
  return { posts, actions: actionRows.map(toAction) };
}

function toAction(r: Row): Action {
  const a: Action = {
    key: r.key as Action['key'],
    did: r.did as string,
    rkey: r.rkey as string,
    timeUs: num(r.time_us),
    seq: num(r.seq),
  };
  if (r.subject_uri != null) a.subjectUri = r.subject_uri as string;
  if (r.subject_did != null) a.subjectDid = r.subject_did as string;
  if (r.text != null) a.text = r.text as string;
  if (r.langs != null) a.langs = r.langs as string[];
  if (r.unresolved != null) a.unresolved = r.unresolved as string;
  return a;
}
