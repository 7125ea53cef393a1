/**
 * Token buckets as values: the verdict function reads a bucket and says what it becomes, and
 * the firewall stores that, so judging stays pure.
 *
 * @module
 */

/** A bucket's level at a time. */
export interface BucketState {
  readonly tokens: number;
  readonly time: number;
}

/** The level at `now` of a bucket last at `state` (a missing bucket is full), refilled at `rate` per second up to `burst`. */
export function tokensAt(state: BucketState | undefined, now: number, rate: number, burst: number): number {
  if (state === undefined) return burst;
  return Math.min(burst, state.tokens + Math.max(0, now - state.time) * rate);
}
