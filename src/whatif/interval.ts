/**
 * Means with confidence intervals across seeds, and paired differences between variants.
 *
 * The interval is the classical one for a mean of independent runs: mean ± t(1−α/2, n−1) ·
 * s/√n, with s the sample standard deviation. Each seed is one independent replication; two
 * variants run on the same seed share their random numbers, so their difference is estimated
 * from the per-seed differences (a paired interval), much narrower than the two intervals
 * side by side suggest.
 *
 * @module
 */
import { tQuantile } from './student-t.js';

/** A mean over runs with its confidence interval. */
export interface Estimate {
  /** Number of samples (seeds). */
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for one sample. */
  sd: number;
  /** Half the interval's width; null with fewer than two samples (no interval exists). */
  halfWidth: number | null;
  /** The interval's ends; null with fewer than two samples. */
  lo: number | null;
  hi: number | null;
}

/** The default confidence level. */
export const CONFIDENCE = 0.95;

/** The mean of `samples` with its `confidence` interval (Student t, n − 1 degrees of freedom). */
export function estimate(samples: readonly number[], confidence = CONFIDENCE): Estimate {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be strictly between 0 and 1, got ${confidence}`);
  const n = samples.length;
  if (n === 0) throw new RangeError('an estimate needs at least one sample');
  let sum = 0;
  for (const x of samples) sum += x;
  const mean = sum / n;
  if (n === 1) return { n, mean, sd: 0, halfWidth: null, lo: null, hi: null };
  let ss = 0;
  for (const x of samples) ss += (x - mean) * (x - mean);
  const sd = Math.sqrt(ss / (n - 1));
  const halfWidth = sd === 0 ? 0 : (tQuantile(1 - (1 - confidence) / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, lo: mean - halfWidth, hi: mean + halfWidth };
}

/**
 * The mean difference `variant − baseline` over paired samples (the same seed at the same
 * index), with its interval.
 */
export function pairedDifference(variant: readonly number[], baseline: readonly number[], confidence = CONFIDENCE): Estimate {
  if (variant.length !== baseline.length) throw new RangeError(`paired samples differ in number: ${variant.length} and ${baseline.length}`);
  return estimate(
    variant.map((v, i) => v - (baseline[i] as number)),
    confidence,
  );
}
