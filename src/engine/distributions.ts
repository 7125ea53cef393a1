/**
 * Distributions that need set-up: weighted choice and a diurnal (hour-of-day) arrival rate.
 * The one-line distributions (uniform, exponential, normal, lognormal, Pareto, Poisson) are
 * methods of every generator; see `RandomSource`.
 *
 * @module
 */
import type { RandomSource } from './random-source.js';

/**
 * Picks index i with probability weights[i] / sum(weights), in constant time per draw
 * (Walker's alias method, in Vose's numerically stable form). Set-up is O(n).
 */
export class WeightedChoice {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    if (n === 0) throw new RangeError('weighted choice needs at least one weight');
    let sum = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weights must be finite and >= 0, got ${w}`);
      sum += w;
    }
    if (sum === 0) throw new RangeError('weights must not all be zero');
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = weights.map((w) => (w * n) / sum);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.prob[s] = scaled[s] as number;
      this.alias[s] = l;
      scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1; // only rounding leaves anything here
  }

  /** Number of choices. */
  get size(): number {
    return this.prob.length;
  }

  /** An index drawn with the configured weights. */
  pick(rng: RandomSource): number {
    const u = rng.float() * this.prob.length;
    const i = Math.floor(u);
    return u - i < (this.prob[i] as number) ? i : (this.alias[i] as number);
  }
}

const HOUR = 3600;
const DAY = 86400;

/**
 * An arrival rate that varies with the hour of the day: 24 relative weights, one per hour
 * starting at midnight, scaled so that their mean is 1. Multiplied by a mean rate, it gives a
 * non-homogeneous Poisson process whose daily total equals the mean rate times a day.
 *
 * `offset` is the time of day, in seconds after midnight, at which simulated time 0 falls.
 */
export class DiurnalProfile {
  /** Relative rate for each hour, mean 1. */
  readonly hourly: Float64Array;
  private readonly offset: number;

  constructor(weights: readonly number[], offset = 0) {
    if (weights.length !== 24) throw new RangeError(`a diurnal profile has 24 hourly weights, got ${weights.length}`);
    let sum = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`hourly weights must be finite and >= 0, got ${w}`);
      sum += w;
    }
    if (sum === 0) throw new RangeError('hourly weights must not all be zero');
    this.hourly = Float64Array.from(weights, (w) => (w * 24) / sum);
    this.offset = ((offset % DAY) + DAY) % DAY;
  }

  /** A flat profile: the same rate at every hour. */
  static flat(offset = 0): DiurnalProfile {
    return new DiurnalProfile(new Array<number>(24).fill(1), offset);
  }

  /** The relative rate at simulated time t. */
  factorAt(t: number): number {
    const tod = (t + this.offset) % DAY;
    return this.hourly[Math.floor(tod / HOUR) % 24] as number;
  }

  /**
   * The time of the next arrival after `t` for a process with mean rate `rate` (per second),
   * drawn exactly by inverting the cumulative rate: one exponential draw, then a walk over
   * the hours until that much rate has accumulated.
   */
  nextArrival(rng: RandomSource, t: number, rate: number): number {
    if (!(rate > 0)) return Infinity;
    let need = rng.exponential(1) / rate; // in units of "seconds at the mean rate"
    let now = t;
    // A profile with no zero hours accumulates at least min(hourly) * DAY per day; one with
    // zero hours still has some positive hour each day, so this loop ends within a day of need.
    for (;;) {
      const tod = (now + this.offset) % DAY;
      const hourEnd = now + (HOUR - (tod % HOUR));
      const f = this.hourly[Math.floor(tod / HOUR) % 24] as number;
      const capacity = (hourEnd - now) * f;
      if (f > 0 && capacity >= need) return now + need / f;
      need -= capacity;
      now = hourEnd;
    }
  }
}
