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
}

/** Postgrey-like defaults: 5 minutes' delay, two days to retry. */
export const DEFAULT_GREYLIST: GreylistConfig = { delay: 300, retryWindow: 2 * 86400 };

/** A greylist's memory of triplets. */
export class Greylist {
  private readonly config: GreylistConfig;
  private readonly firstSeen = new Map<string, number>();
  private readonly passed = new Set<string>();

  constructor(config: GreylistConfig = DEFAULT_GREYLIST) {
    this.config = config;
  }

  /** Whether this attempt passes; a first or too-early attempt is deferred. */
  check(ip: number, from: string, to: string, now: number): boolean {
    const key = `${ip}\u0000${from.toLowerCase()}\u0000${to.toLowerCase()}`;
    if (this.passed.has(key)) return true;
    const first = this.firstSeen.get(key);
    if (first === undefined || now - first > this.config.retryWindow) {
      this.firstSeen.set(key, now);
      return false;
    }
    if (now - first >= this.config.delay) {
      this.passed.add(key);
      this.firstSeen.delete(key);
      return true;
    }
    return false;
  }
}
