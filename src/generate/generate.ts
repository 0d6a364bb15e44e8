// Deterministic SYNTHETIC Jetstream events for benchmarks and scale tests (never real activity). Proportions follow
// the reference's per-action totals (spec §2.4: follows ~51 %, likes ~23 %, posts+replies ~23 %, the rest rare),
// with reply trees, undos of earlier records, quotes (also recordWithMedia), post updates/deletes, identity and account
// events and a few unknown lexicons. Pure: texts come in as data, lines go out as strings.
import { Rng } from '../util/rng.ts';
import { randomCid, randomDid, tid } from './ids.ts';

export interface TextSample {
  text: string;
  langs: string[] | null;
}

export interface SyntheticOptions {
  users: number;
  events: number;
  seed: number;
  texts: readonly TextSample[];
  /** First time_us (default 2025-03-01T00:00:00Z, the reference's month). */
  startTimeUs?: number;
  /** Mean gap between events in µs (default 2,000: ~500 events/s, like the public Jetstream). */
  meanGapUs?: number;
}

type Kind =
  | 'follow' | 'like' | 'post' | 'reply' | 'quote' | 'unfollow' | 'unlike' | 'repost' | 'unrepost' | 'block' | 'unblock'
  | 'post_update' | 'post_delete' | 'profile' | 'identity' | 'account' | 'unknown' | 'other';

/** Relative weights (percent of events). */
export const KIND_WEIGHTS: ReadonlyArray<readonly [Kind, number]> = [
  ['follow', 51.0], ['like', 23.0], ['post', 19.5], ['reply', 3.5], ['quote', 0.6], ['unfollow', 1.0], ['unlike', 0.16],
  ['repost', 0.1], ['unrepost', 0.01], ['block', 0.03], ['unblock', 0.005], ['post_update', 0.02], ['post_delete', 0.02],
  ['profile', 0.05], ['identity', 0.02], ['account', 0.02], ['unknown', 0.05], ['other', 0.05],
];

const UNKNOWN_COLLECTIONS = ['fm.teal.alpha.feed.play', 'blue.flashes.feed.post', 'xyz.statusphere.status', 'sh.tangled.graph.follow'];
const OTHER_COLLECTIONS = ['app.bsky.feed.threadgate', 'app.bsky.graph.listitem', 'app.bsky.feed.postgate'];
const OTHER_LANGS: string[][] = [['en', 'es'], ['en-US'], ['ja'], ['de'], ['pt'], ['es'], ['fr'], []];

interface PostRef {
  did: string;
  uri: string;
  cid: string;
  rootUri: string;
  rootCid: string;
  rkey: string;
}

interface RecordRef {
  did: string;
  rkey: string;
}

/** A fixed-size pool that forgets its oldest entries; removal by swap keeps it O(1). */
class Pool<T> {
  private items: T[] = [];
  private next = 0;
  constructor(private readonly cap: number) {}
  get size(): number {
    return this.items.length;
  }
  add(x: T): void {
    if (this.items.length < this.cap) this.items.push(x);
    else {
      this.items[this.next] = x;
      this.next = (this.next + 1) % this.cap;
    }
  }
  pick(rng: Rng): T | undefined {
    return this.items.length ? this.items[rng.int(this.items.length)] : undefined;
  }
  take(rng: Rng): T | undefined {
    if (!this.items.length) return undefined;
    const i = rng.int(this.items.length);
    const x = this.items[i];
    const last = this.items.pop()!;
    if (i < this.items.length) this.items[i] = last;
    if (this.next >= this.items.length) this.next = 0;
    return x;
  }
}

export function* generateEvents(o: SyntheticOptions): Generator<string> {
  if (o.users < 1) throw new RangeError('users must be >= 1');
  if (o.texts.length === 0) throw new RangeError('no texts to draw from');
  const rng = new Rng(o.seed);
  const idRng = rng.fork('ids');
  const dids = Array.from({ length: o.users }, () => randomDid(idRng));
  const total = KIND_WEIGHTS.reduce((a, [, w]) => a + w, 0);
  const cumulative: [Kind, number][] = [];
  let acc = 0;
  for (const [k, w] of KIND_WEIGHTS) cumulative.push([k, (acc += w / total)]);
  const chooseKind = (): Kind => {
    const u = rng.next();
    for (const [k, c] of cumulative) if (u < c) return k;
    return 'follow';
  };
  // Skewed activity: a few users are very active, most post little (u^2 puts ~30 % of events on the top 10 %).
  const actor = (): number => Math.floor(o.users * rng.next() ** 2);
  const posts = new Pool<PostRef>(5000);
  const undoable: Record<'like' | 'repost' | 'follow' | 'block', Pool<RecordRef>> = {
    like: new Pool(20000), repost: new Pool(2000), follow: new Pool(20000), block: new Pool(2000),
  };
  let t = o.startTimeUs ?? 1740787200000000;
  const meanGap = o.meanGapUs ?? 2000;
  let seq = 1_000_000;

  const langsFor = (s: TextSample): string[] | undefined => {
    if (s.langs) return s.langs;
    const u = rng.next();
    if (u < 0.85) return ['en'];
    if (u < 0.95) return rng.pick(OTHER_LANGS);
    return undefined;
  };
  const createdAt = (): string => new Date(Math.floor((t - rng.int(3_000_000)) / 1000)).toISOString();
  const commit = (did: string, operation: string, collection: string, rkey: string, record?: unknown, cid?: string): string => {
    const c: Record<string, unknown> = { rev: tid(t + 1000, rng.int(1024)), operation, collection, rkey };
    if (record !== undefined) {
      c.record = record;
      c.cid = cid ?? randomCid(rng);
    }
    return JSON.stringify({ did, time_us: t, kind: 'commit', commit: c });
  };
  const externalPost = (): { uri: string; cid: string } => ({
    uri: `at://${randomDid(rng)}/app.bsky.feed.post/${tid(t - 1 - rng.int(86_400_000_000), rng.int(1024))}`,
    cid: randomCid(rng),
  });
  const newPost = (did: string, kind: 'post' | 'reply' | 'quote'): string => {
    const rkey = tid(t, rng.int(1024));
    const sample = rng.pick(o.texts);
    const record: Record<string, unknown> = { $type: 'app.bsky.feed.post', createdAt: createdAt() };
    const langs = langsFor(sample);
    if (langs) record.langs = langs;
    let root: { uri: string; cid: string } | null = null;
    if (kind === 'reply') {
      const parent = posts.pick(rng) ?? { ...externalPost(), rootUri: '', rootCid: '' };
      root = parent.rootUri ? { uri: parent.rootUri, cid: parent.rootCid } : { uri: parent.uri, cid: parent.cid };
      record.reply = { parent: { cid: parent.cid, uri: parent.uri }, root: { cid: root.cid, uri: root.uri } };
    }
    record.text = sample.text;
    if (kind === 'quote') {
      const target = posts.pick(rng) ?? externalPost();
      const ref = { cid: target.cid, uri: target.uri };
      record.embed = rng.next() < 0.3
        ? {
            $type: 'app.bsky.embed.recordWithMedia',
            media: {
              $type: 'app.bsky.embed.images',
              images: [{ alt: '', image: { $type: 'blob', ref: { $link: randomCid(rng) }, mimeType: 'image/jpeg', size: 50_000 + rng.int(900_000) } }],
            },
            record: { $type: 'app.bsky.embed.record', record: ref },
          }
        : { $type: 'app.bsky.embed.record', record: ref };
    }
    const cid = randomCid(rng);
    const line = commit(did, 'create', 'app.bsky.feed.post', rkey, record, cid);
    const uri = `at://${did}/app.bsky.feed.post/${rkey}`;
    posts.add({ did, uri, cid, rkey, rootUri: root?.uri ?? uri, rootCid: root?.cid ?? cid });
    return line;
  };
  const subjectRecord = (collection: 'like' | 'repost', did: string): string => {
    const target = rng.next() < 0.7 ? posts.pick(rng) ?? externalPost() : externalPost();
    const rkey = tid(t, rng.int(1024));
    undoable[collection].add({ did, rkey });
    return commit(did, 'create', `app.bsky.feed.${collection}`, rkey, {
      $type: `app.bsky.feed.${collection}`, createdAt: createdAt(), subject: { cid: target.cid, uri: target.uri },
    });
  };
  const graphRecord = (collection: 'follow' | 'block', did: string): string => {
    const subject = rng.next() < 0.8 ? dids[rng.int(o.users)] : randomDid(rng);
    const rkey = tid(t, rng.int(1024));
    undoable[collection].add({ did, rkey });
    return commit(did, 'create', `app.bsky.graph.${collection}`, rkey, { $type: `app.bsky.graph.${collection}`, createdAt: createdAt(), subject });
  };
  const undo = (collection: 'like' | 'repost' | 'follow' | 'block', nsid: string, fallback: () => string): string => {
    const r = undoable[collection].take(rng);
    return r ? commit(r.did, 'delete', nsid, r.rkey) : fallback();
  };

  for (let i = 0; i < o.events; i++) {
    t += 1 + Math.floor(-Math.log(1 - rng.next()) * meanGap);
    const who = actor();
    const did = dids[who];
    switch (chooseKind()) {
      case 'follow': yield graphRecord('follow', did); break;
      case 'block': yield graphRecord('block', did); break;
      case 'like': yield subjectRecord('like', did); break;
      case 'repost': yield subjectRecord('repost', did); break;
      case 'post': yield newPost(did, 'post'); break;
      case 'reply': yield newPost(did, 'reply'); break;
      case 'quote': yield newPost(did, 'quote'); break;
      case 'unfollow': yield undo('follow', 'app.bsky.graph.follow', () => graphRecord('follow', did)); break;
      case 'unblock': yield undo('block', 'app.bsky.graph.block', () => graphRecord('block', did)); break;
      case 'unlike': yield undo('like', 'app.bsky.feed.like', () => subjectRecord('like', did)); break;
      case 'unrepost': yield undo('repost', 'app.bsky.feed.repost', () => subjectRecord('repost', did)); break;
      case 'post_update': {
        const p = posts.pick(rng);
        if (!p) { yield newPost(did, 'post'); break; }
        const s = rng.pick(o.texts);
        yield commit(p.did, 'update', 'app.bsky.feed.post', p.rkey, { $type: 'app.bsky.feed.post', createdAt: createdAt(), langs: ['en'], text: s.text });
        break;
      }
      case 'post_delete': {
        const p = posts.take(rng);
        yield p ? commit(p.did, 'delete', 'app.bsky.feed.post', p.rkey) : newPost(did, 'post');
        break;
      }
      case 'profile':
        yield commit(did, 'update', 'app.bsky.actor.profile', 'self', {
          $type: 'app.bsky.actor.profile', displayName: `Synthetic user ${who}`, description: 'synthetic profile for benchmarks',
        });
        break;
      case 'identity':
        yield JSON.stringify({ did, time_us: t, kind: 'identity', identity: { did, handle: `synthetic-${rng.int(1e9)}.example`, seq: seq++, time: createdAt() } });
        break;
      case 'account':
        yield JSON.stringify({ did, time_us: t, kind: 'account', account: { active: rng.next() < 0.8, did, seq: seq++, time: createdAt() } });
        break;
      case 'unknown': {
        const collection = rng.pick(UNKNOWN_COLLECTIONS);
        yield commit(did, 'create', collection, tid(t, rng.int(1024)), { $type: collection, createdAt: createdAt() });
        break;
      }
      case 'other': {
        const collection = rng.pick(OTHER_COLLECTIONS);
        yield commit(did, 'create', collection, tid(t, rng.int(1024)), { $type: collection, createdAt: createdAt() });
        break;
      }
    }
  }
}
