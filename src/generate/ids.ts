// Realistic-looking atproto identifiers from a seeded Rng: did:plc DIDs, TIDs (record keys and revs), CIDs.
import type { Rng } from '../util/rng.ts';

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
const B32_SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';

function randomChars(rng: Rng, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rng.nextU32() & 31];
  return s;
}

/** `did:plc:` + 24 base32 characters. */
export function randomDid(rng: Rng): string {
  return `did:plc:${randomChars(rng, B32, 24)}`;
}

/** A CIDv1 (dag-cbor, sha256) lookalike: `bafyrei` + 52 base32 characters. */
export function randomCid(rng: Rng): string {
  return `bafyrei${randomChars(rng, B32, 52)}`;
}

/** A TID: 13 sortable-base32 characters encoding (microseconds << 10 | clock id), as atproto record keys and revs are. */
export function tid(timeUs: number, clockId: number): string {
  // 53-bit time and 10-bit clock id do not fit a double together: encode the two parts separately.
  // 13 chars * 5 bits = 65 bits; the top bit is 0. Low 10 bits = clock id (2 chars), high bits = time (11 chars).
  let s = '';
  let t = timeUs;
  const timeChars: string[] = [];
  for (let i = 0; i < 11; i++) {
    timeChars.push(B32_SORTABLE[t % 32]);
    t = Math.floor(t / 32);
  }
  s = timeChars.reverse().join('');
  return s + B32_SORTABLE[(clockId >> 5) & 31] + B32_SORTABLE[clockId & 31];
}
