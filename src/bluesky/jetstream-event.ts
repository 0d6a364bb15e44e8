// Jetstream v1 JSON event shapes (https://github.com/bluesky-social/jetstream). `record` stays untyped here:
// lexicon typing happens in records.ts, so unknown collections pass through unchanged.

export type CommitOperation = 'create' | 'update' | 'delete';

export interface JetstreamCommit {
  rev: string;
  operation: CommitOperation;
  collection: string;
  rkey: string;
  record?: Record<string, unknown>;
  cid?: string;
}

export interface CommitEvent {
  did: string;
  time_us: number;
  kind: 'commit';
  commit: JetstreamCommit;
}

export interface IdentityEvent {
  did: string;
  time_us: number;
  kind: 'identity';
  identity: { did: string; handle?: string; seq: number; time: string };
}

export interface AccountEvent {
  did: string;
  time_us: number;
  kind: 'account';
  account: { did: string; active: boolean; status?: string; seq: number; time: string };
}

export type JetstreamEvent = CommitEvent | IdentityEvent | AccountEvent;

/** Why a parsed JSON value is not a usable Jetstream event; `null` when it is one. */
export function jetstreamShapeError(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const e = v as Record<string, unknown>;
  if (typeof e.did !== 'string' || !e.did.startsWith('did:')) return 'missing or invalid "did"';
  if (typeof e.time_us !== 'number' || !Number.isSafeInteger(e.time_us)) return 'missing or invalid "time_us"';
  switch (e.kind) {
    case 'commit': {
      const c = e.commit as Record<string, unknown> | undefined;
      if (typeof c !== 'object' || c === null) return 'commit event without "commit"';
      if (c.operation !== 'create' && c.operation !== 'update' && c.operation !== 'delete') return 'commit with unknown "operation"';
      if (typeof c.collection !== 'string' || c.collection === '') return 'commit without "collection"';
      if (typeof c.rkey !== 'string' || c.rkey === '') return 'commit without "rkey"';
      if (typeof c.rev !== 'string') return 'commit without "rev"';
      if (c.operation !== 'delete' && (typeof c.record !== 'object' || c.record === null)) return `${c.operation} commit without "record"`;
      return null;
    }
    case 'identity':
    case 'account': {
      const inner = e[e.kind] as Record<string, unknown> | undefined;
      if (typeof inner !== 'object' || inner === null) return `${e.kind} event without "${e.kind}"`;
      // seq is part of the event's identity (deduplication): without it two different events would look alike.
      if (typeof inner.seq !== 'number' || !Number.isSafeInteger(inner.seq)) return `${e.kind} event without a numeric "${e.kind}.seq"`;
      return null;
    }
    default:
      return typeof e.kind === 'string' && e.kind.length <= 40 && /^[\w.-]*$/.test(e.kind)
        ? `unknown event kind "${e.kind}"`
        : 'missing or unknown event "kind"';
  }
}

export function atUri(did: string, collection: string, rkey: string): string {
  return `at://${did}/${collection}/${rkey}`;
}

/** Splits `at://did/collection/rkey`; returns null for anything else. */
export function parseAtUri(uri: string): { did: string; collection: string; rkey: string } | null {
  if (!uri.startsWith('at://')) return null;
  const parts = uri.slice(5).split('/');
  if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2]) return null;
  return { did: parts[0], collection: parts[1], rkey: parts[2] };
}
