/**
 * Counting limits per key (a sending IP, a user): "49 messages a day per IP" (BT Internet,
 * REFERENCE.md §3e) or "20 an hour per user" (a submission server's outbound limit).
 *
 * @module
 */
import { Deque } from '../engine/index.js';

/** How a limit's window moves. */
export type WindowKind =
  /** Calendar windows (days from midnight, hours from the hour); the count resets at each boundary. */
  | 'fixed'
  /** The last `window` seconds, whatever the time. */
  | 'sliding';

/** A limit of `limit` events per `window` seconds. */
export interface LimitConfig {
  readonly limit: number;
  readonly window: number;
  readonly kind?: WindowKind;
  /**
   * For fixed windows: the simulated time of a window boundary (e.g. the first midnight),
   * so day windows reset at midnight whatever time the run starts. Default 0.
   */
  readonly anchor?: number;
}

/** Counts events per key and says whether one more is allowed now. */
export class WindowLimit {
  private readonly limit: number;
  private readonly window: number;
  private readonly kind: WindowKind;
  private readonly anchor: number;
  private readonly fixed = new Map<string | number, { start: number; n: number }>();
  private readonly sliding = new Map<string | number, Deque<number>>();
  /** When the sliding keys were last swept (`sweep`). */
  private swept = -Infinity;

  constructor(config: LimitConfig) {
    if (!(config.limit >= 0) || !(config.window > 0)) throw new RangeError('a limit needs limit >= 0 and window > 0');
    this.limit = config.limit;
    this.window = config.window;
    this.kind = config.kind ?? 'fixed';
    this.anchor = config.anchor ?? 0;
  }

  /** How many keys it keeps a count for now. */
  get keys(): number {
    return this.fixed.size + this.sliding.size;
  }

  /** Events counted for `key` in the window that holds `now`. */
  count(key: string | number, now: number): number {
    if (this.kind === 'fixed') {
      const e = this.fixed.get(key);
      return e !== undefined && e.start === this.windowStart(now) ? e.n : 0;
    }
    const q = this.sliding.get(key);
    if (q === undefined) return 0;
    while (q.length > 0 && (q.peek() as number) <= now - this.window) q.shift();
    return q.length;
  }

  /** Whether one more event for `key` fits at `now`. */
  allows(key: string | number, now: number): boolean {
    return this.count(key, now) < this.limit;
  }

  /** Counts one event for `key` at `now`. */
  record(key: string | number, now: number): void {
    if (this.kind === 'fixed') {
      const start = this.windowStart(now);
      const e = this.fixed.get(key);
      if (e === undefined) this.fixed.set(key, { start, n: 1 });
      else if (e.start === start) e.n++;
      else {
        e.start = start;
        e.n = 1;
      }
      return;
    }
    if (now - this.swept >= this.window) this.sweep(now);
    let q = this.sliding.get(key);
    if (q === undefined) this.sliding.set(key, (q = new Deque<number>()));
    q.push(now);
  }

  /** When the window holding `now` ends (fixed) or the oldest counted event leaves it (sliding). */
  resetsAt(key: string | number, now: number): number {
    if (this.kind === 'fixed') return this.windowStart(now) + this.window;
    this.count(key, now);
    const oldest = this.sliding.get(key)?.peek();
    return oldest === undefined ? now : oldest + this.window;
  }

  /**
   * Lets go of every sliding key with nothing left in its window, once a window: a smart
   * host's million users each send a few messages a day, and each user's list would
   * otherwise stay for the whole run. What is let go would count for nothing.
   */
  private sweep(now: number): void {
    this.swept = now;
    for (const [key, q] of this.sliding) {
      while (q.length > 0 && (q.peek() as number) <= now - this.window) q.shift();
      if (q.length === 0) this.sliding.delete(key);
    }
  }

  private windowStart(now: number): number {
    return this.anchor + Math.floor((now - this.anchor) / this.window) * this.window;
  }
}
