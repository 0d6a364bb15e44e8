// Small hand-made Activity inputs for thread tests.
import type { Action, Activity, Post } from '../../src/bluesky/activity.ts';

export class ActivityBuilder {
  private seq = 0;
  readonly posts: Post[] = [];
  readonly actions: Action[] = [];

  uri(did: string, rkey: string): string {
    return `at://${did}/app.bsky.feed.post/${rkey}`;
  }

  post(did: string, rkey: string, timeUs: number, text = `${rkey} text`, reply?: { parent: string; root?: string }): string {
    const uri = this.uri(did, rkey);
    const p: Post = { uri, did, rkey, timeUs, seq: this.seq++, kind: reply ? 'reply' : 'post', text, langs: ['en'] };
    if (reply) {
      p.replyParent = reply.parent;
      p.replyRoot = reply.root ?? reply.parent;
    }
    this.posts.push(p);
    return uri;
  }

  action(a: Omit<Action, 'seq' | 'rkey'> & { rkey?: string }): void {
    this.actions.push({ rkey: `a${this.seq}`, ...a, seq: this.seq++ });
  }

  build(): Activity {
    const by = (x: { timeUs: number; seq: number }, y: { timeUs: number; seq: number }) => x.timeUs - y.timeUs || x.seq - y.seq;
    return { posts: [...this.posts].sort(by), actions: [...this.actions].sort(by) };
  }
}

/** Thread texts, for compact shape assertions. */
export function shape(t: { messages: { text?: string; action?: string }[] }): string {
  return t.messages.map((m) => m.text ?? `<${m.action}>`).join(' > ');
}
