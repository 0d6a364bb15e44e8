// Filters over the Activity model (pure: no I/O). The BluePrint rule (spec §2.3): a post or reply is English iff
// `langs` is exactly ["en"]; a user is kept iff they have >= minPosts such posts+replies (quotes not counted); kept
// users' posts and replies are reduced to the matching items, their other actions are kept unfiltered.
import type { Action, Activity, Post } from '../bluesky/activity.ts';
import { matchesKeywords, normaliseKeywords } from './keywords.ts';

export { DEFAULT_KEYWORDS_FILE, loadKeywordFile, matchesKeywords, normaliseKeywords, parseKeywordList } from './keywords.ts';

/** The reference's English test: `langs` deep-equals ["en"] (so ["en","es"] and ["en-US"] are not English). */
export function isBlueprintEnglish(langs: readonly string[] | undefined | null): boolean {
  return Array.isArray(langs) && langs.length === 1 && langs[0] === 'en';
}

export interface FilterOptions {
  /** 'blueprint' (default): exactly ["en"]. A list: a post matches when any of its langs (case-insensitive,
   *  primary subtag also accepted: "en" matches "en-US") is in the list. */
  languages?: 'blueprint' | string[];
  /** Keep only posts/replies containing one of these keywords (null/undefined/empty: no topic filter). */
  keywords?: string[] | null;
  /** Minimum matching posts+replies per kept user (default 2, as in the reference). */
  minPosts?: number;
}

export interface FilterCounts {
  usersBefore: number;
  usersKept: number;
  /** Posts+replies removed because of their language. */
  postsRemovedByLanguage: number;
  /** Language-matching posts+replies removed by the keyword filter. */
  postsRemovedByKeywords: number;
  /** Matching posts+replies of users dropped for having fewer than minPosts. */
  postsRemovedByMinPosts: number;
  /** Users (with any activity) dropped for having fewer than minPosts matching posts+replies. */
  usersRemovedByMinPosts: number;
  /** Actions of dropped users. */
  actionsRemoved: number;
}

export interface FilterResult {
  keptUsers: Set<string>;
  activity: Activity;
  counts: FilterCounts;
}

export function languageMatcher(languages: 'blueprint' | string[] = 'blueprint'): (langs: readonly string[]) => boolean {
  if (languages === 'blueprint') return isBlueprintEnglish;
  const wanted = new Set(languages.map((l) => l.toLowerCase()));
  return (langs) => langs.some((l) => wanted.has(l.toLowerCase()) || wanted.has(l.toLowerCase().split('-')[0]));
}

export function filterActivity(activity: Activity, opts: FilterOptions = {}): FilterResult {
  const langOk = languageMatcher(opts.languages);
  const keywords = opts.keywords && opts.keywords.length ? normaliseKeywords(opts.keywords) : null;
  const minPosts = opts.minPosts ?? 2;
  let byLanguage = 0;
  let byKeywords = 0;
  const matching: Post[] = [];
  for (const p of activity.posts) {
    if (!langOk(p.langs)) byLanguage++;
    else if (keywords && !matchesKeywords(p.text, keywords)) byKeywords++;
    else matching.push(p);
  }
  const perUser = new Map<string, number>();
  for (const p of matching) perUser.set(p.did, (perUser.get(p.did) ?? 0) + 1);
  const keptUsers = new Set<string>();
  for (const [did, n] of perUser) if (n >= minPosts) keptUsers.add(did);

  const allUsers = new Set<string>();
  for (const p of activity.posts) allUsers.add(p.did);
  for (const a of activity.actions) allUsers.add(a.did);

  const posts = matching.filter((p) => keptUsers.has(p.did));
  const actions: Action[] = activity.actions.filter((a) => keptUsers.has(a.did));
  return {
    keptUsers,
    activity: { posts, actions },
    counts: {
      usersBefore: allUsers.size,
      usersKept: keptUsers.size,
      postsRemovedByLanguage: byLanguage,
      postsRemovedByKeywords: byKeywords,
      postsRemovedByMinPosts: matching.length - posts.length,
      usersRemovedByMinPosts: allUsers.size - keptUsers.size,
      actionsRemoved: activity.actions.length - actions.length,
    },
  };
}
