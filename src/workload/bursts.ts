/**
 * Bursts: a sender that is active for `length` seconds in every period of `every` seconds, as
 * botnets send spam in campaigns rather than steadily. Each sender has its own phase, so the
 * campaigns of different zombies overlap only in part.
 *
 * The active windows are `[phase + k·every, phase + k·every + length)` for every whole `k`;
 * a window that starts before time 0 still counts for its part after 0.
 *
 * @module
 */
import type { RandomSource } from '../engine/index.js';

/** How a sender bursts: the period and how much of it is active, in seconds. */
export interface BurstConfig {
  readonly every: number;
  readonly length: number;
}

/** One sender's on-off schedule. Queries are O(1). */
export class BurstSchedule {
  /**
   * @param every the period, > 0
   * @param length the active part of each period, in (0, every]
   * @param phase where in the period the active part starts, in [0, every)
   */
  constructor(
    readonly every: number,
    readonly length: number,
    readonly phase: number,
  ) {
    if (!(every > 0) || !Number.isFinite(every)) throw new RangeError(`a burst period must be finite and > 0, got ${every}`);
    if (!(length > 0) || length > every) throw new RangeError(`a burst must last more than 0 and at most its period (${every}), got ${length}`);
    if (!(phase >= 0) || phase >= every) throw new RangeError(`a burst phase must be in [0, ${every}), got ${phase}`);
  }

  /** A schedule whose phase is drawn uniformly over the period from `rng` (one draw). */
  static draw(config: BurstConfig, rng: RandomSource): BurstSchedule {
    return new BurstSchedule(config.every, config.length, rng.uniform(0, config.every));
  }

  /** Whether time `t` falls in an active window. */
  active(t: number): boolean {
    if (this.length >= this.every) return true;
    const start = this.phase + this.period(t) * this.every;
    return t < start + this.length;
  }

  /**
   * The moment by which `activeSeconds` of active time have passed since `t`. Fed the gaps
   * of a Poisson process of rate r, it gives a process of rate r inside the windows and
   * silent outside them: one exponential draw per arrival, as without bursts. The result
   * always falls inside a window (a gap that ends exactly at a window's end carries over to
   * the next window's start).
   */
  after(t: number, activeSeconds: number): number {
    // Always active: exactly what a sender without bursts computes.
    if (this.length >= this.every) return t + activeSeconds;
    let need = activeSeconds;
    let k = this.period(t);
    const start = this.phase + k * this.every;
    const from = Math.max(t, start);
    const end = start + this.length;
    if (from < end) {
      // Compared after the addition, which may round up onto the window's end.
      if (from + need < end) return from + need;
      need -= end - from;
    }
    // Skip whole windows at once, then land inside the next one.
    const whole = Math.floor(need / this.length);
    k += 1 + whole;
    need = Math.max(need - whole * this.length, 0);
    const next = this.phase + k * this.every;
    return next + need < next + this.length ? next + need : this.phase + (k + 1) * this.every;
  }

  /** The `k` of the period holding `t`: the last window start at or before `t`. */
  private period(t: number): number {
    let k = Math.floor((t - this.phase) / this.every);
    // The division may round across a boundary; the window starts themselves decide.
    if (this.phase + k * this.every > t) k--;
    else if (this.phase + (k + 1) * this.every <= t) k++;
    return k;
  }
}
