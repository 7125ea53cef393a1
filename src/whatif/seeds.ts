/**
 * The seeds of a multi-seed comparison or sweep: consecutive whole numbers from a first one,
 * each an independent replication of the run (streams are derived from the seed by hashing,
 * so neighbouring seeds are as unrelated as any two).
 *
 * @module
 */

/** The most seeds one comparison or sweep may use. */
export const MAX_SEEDS = 10_000;

/** `count` seeds from `first` on, as decimal text (seeds may exceed 2^53). */
export function seedList(first: string, count: number): string[] {
  if (!/^\d+$/.test(first)) throw new RangeError(`a seed is a whole number >= 0, got "${first}"`);
  if (!Number.isInteger(count) || count < 1 || count > MAX_SEEDS) throw new RangeError(`the number of seeds must be a whole number from 1 to ${MAX_SEEDS}, got ${count}`);
  const base = BigInt(first);
  return Array.from({ length: count }, (_, i) => String(base + BigInt(i)));
}
