/**
 * One-way delays of links and paths: fixed, or drawn per packet from a distribution.
 *
 * A link built on a `Latency` is a FIFO pipe (see `Pipe`): a packet never overtakes one sent
 * before it on the same pipe, however the draws fall, so transport never sees reordering that
 * a real path of this kind would not produce.
 *
 * @module
 */
import type { RandomSource } from '../engine/index.js';

/** A one-way delay in seconds: the same every time, or a fresh draw per packet. */
export interface Latency {
  /** A delay for the next packet, in seconds (>= 0). */
  sample(): number;
  /** A human-readable description for reports, e.g. "40ms" or "lognormal(median 40ms)". */
  readonly description: string;
  /** The delay when it never varies (a `fixedLatency`); absent for drawn delays. */
  readonly fixed?: number;
}

/** A delay that never varies. */
export function fixedLatency(seconds: number): Latency {
  if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`a latency must be a finite number >= 0, got ${seconds}`);
  return { sample: () => seconds, description: `${seconds * 1000}ms`, fixed: seconds };
}

/**
 * A lognormal delay with the given median and sigma (of the logarithm), plus a floor: the
 * usual shape of Internet path delay, a propagation minimum with a right-skewed queueing tail.
 */
export function lognormalLatency(stream: RandomSource, median: number, sigma: number, floor = 0): Latency {
  if (!(median > 0) || !(sigma >= 0) || !(floor >= 0)) throw new RangeError('lognormalLatency: median must be > 0, sigma and floor >= 0');
  const mu = Math.log(median);
  return { sample: () => floor + stream.lognormal(mu, sigma), description: `lognormal(median ${median * 1000}ms, sigma ${sigma})` };
}

/** A delay uniform in [min, max). */
export function uniformLatency(stream: RandomSource, min: number, max: number): Latency {
  if (!(min >= 0) || !(max >= min)) throw new RangeError('uniformLatency: need 0 <= min <= max');
  return { sample: () => stream.uniform(min, max), description: `uniform(${min * 1000}ms, ${max * 1000}ms)` };
}

/** Accepts a number of seconds as a fixed latency. */
export function toLatency(latency: Latency | number): Latency {
  return typeof latency === 'number' ? fixedLatency(latency) : latency;
}

/**
 * One direction of a link: draws a delay per packet and keeps arrivals in sending order.
 * Holds one number of state, so a million lines cost a million numbers; lines whose delay
 * never varies share one (`Network.pipeOf`).
 */
export class Pipe {
  private lastArrival = 0;
  /**
   * The pipe's delay if it never varies, else -1. A fixed delay keeps arrivals in order by
   * itself, so a packet's arrival is then simply `now + fixed` and need not pass through
   * `arrival` (the network's express path relies on this).
   */
  readonly fixed: number;

  constructor(readonly latency: Latency) {
    this.fixed = latency.fixed ?? -1;
  }

  /** The arrival time of a packet entering the pipe at `now`. */
  arrival(now: number): number {
    const t = now + this.latency.sample();
    if (t < this.lastArrival) return this.lastArrival;
    this.lastArrival = t;
    return t;
  }
}
