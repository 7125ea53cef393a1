/**
 * Staged rollouts: whether a subscriber falls in a rule's share, decided by hashing, so the
 * choice is the same in every run and every policy variant, and raising the share only adds
 * subscribers.
 *
 * @module
 */

/** A number in [0, 1) fixed for the pair (`key`, `subscriber`), spread evenly over subscribers. */
export function rolloutPoint(key: string, subscriber: string): number {
  // FNV-1a over both strings, then the murmur3 finaliser to spread nearby inputs.
  let h = 0x811c9dc5;
  const s = `${key}\u0000${subscriber}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** True if `subscriber` is within the first `share` of subscribers for `key`. */
export function inRollout(key: string, subscriber: string, share: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  return rolloutPoint(key, subscriber) < share;
}
