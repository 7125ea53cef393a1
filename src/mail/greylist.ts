/**
 * Greylisting: the first delivery attempt of a (client IP, sender, recipient) triplet is
 * deferred; a retry after `delay` and within `retryWindow` passes, and the triplet is then
 * remembered as good. Real MTAs retry, so legitimate mail is only delayed; much spamware
 * never retries.
 *
 * @module
 */

/** Greylisting parameters. */
export interface GreylistConfig {
  /** How long a new triplet is deferred (postgrey's default: 300 s). */
  readonly delay: number;
  /** How long a deferred triplet waits for its retry before it is forgotten. */
  readonly retryWindow: number;
  /** How long a triplet that passed is remembered after it was last seen (default 35 days). */
  readonly maxAge?: number;
}

/** postgrey(8)'s defaults: --delay 300 s, --retry-window 2 days, --max-age 35 days. */
export const DEFAULT_GREYLIST: GreylistConfig = { delay: 300, retryWindow: 2 * 86400, maxAge: 35 * 86400 };

const DEFAULT_MAX_AGE = 35 * 86400;

/**
 * A greylist's memory of triplets. Like postgrey's nightly clean-up, it forgets deferred
 * triplets whose retry window has passed and good ones unseen for `maxAge`, so that spam that
 * never retries does not fill it: a week of a million subscribers' zombies leaves millions of
 * one-off triplets. Forgetting changes no answer: such a triplet would start over anyway.
 */
export class Greylist {
  private readonly config: GreylistConfig;
  private readonly maxAge: number;
  /** Deferred triplets: when each was first seen. */
  private readonly firstSeen = new Map<string, number>();
  /** Triplets that passed: when each was last seen. */
  private readonly passed = new Map<string, number>();
  /** When the next clean-up is due. */
  private sweepAt: number;

  constructor(config: GreylistConfig = DEFAULT_GREYLIST) {
    this.config = config;
    this.maxAge = config.maxAge ?? DEFAULT_MAX_AGE;
    this.sweepAt = Math.min(config.retryWindow, this.maxAge);
  }

  /** Triplets remembered, deferred or passed. */
  get size(): number {
    return this.firstSeen.size + this.passed.size;
  }

  /** Whether this attempt passes; a first or too-early attempt is deferred. */
  check(ip: number, from: string, to: string, now: number): boolean {
    if (now >= this.sweepAt) this.sweep(now);
    const key = `${ip}\u0000${from.toLowerCase()}\u0000${to.toLowerCase()}`;
    const seen = this.passed.get(key);
    if (seen !== undefined && now - seen <= this.maxAge) {
      this.passed.set(key, now);
      return true;
    }
    if (seen !== undefined) this.passed.delete(key);
    const first = this.firstSeen.get(key);
    if (first === undefined || now - first > this.config.retryWindow) {
      this.firstSeen.set(key, now);
      return false;
    }
    if (now - first >= this.config.delay) {
      this.passed.set(key, now);
      this.firstSeen.delete(key);
      return true;
    }
    return false;
  }

  /**
   * Forgets what has expired. Run at most once per retry window, so its cost per check stays
   * constant while the memory holds at most two windows of one-off triplets.
   */
  private sweep(now: number): void {
    for (const [key, first] of this.firstSeen) if (now - first > this.config.retryWindow) this.firstSeen.delete(key);
    for (const [key, seen] of this.passed) if (now - seen > this.maxAge) this.passed.delete(key);
    this.sweepAt = now + Math.min(this.config.retryWindow, this.maxAge);
  }
}
