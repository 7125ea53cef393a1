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
  private readonly firstSeen = new Triplets();
  /** Triplets that passed: when each was last seen. */
  private readonly passed = new Triplets();
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
    const sender = from.toLowerCase();
    const recipient = to.toLowerCase();
    const seen = this.passed.get(ip, recipient, sender);
    if (seen !== undefined && now - seen <= this.maxAge) {
      this.passed.set(ip, recipient, sender, now);
      return true;
    }
    if (seen !== undefined) this.passed.delete(ip, recipient, sender);
    const first = this.firstSeen.get(ip, recipient, sender);
    if (first === undefined || now - first > this.config.retryWindow) {
      this.firstSeen.set(ip, recipient, sender, now);
      return false;
    }
    if (now - first >= this.config.delay) {
      this.passed.set(ip, recipient, sender, now);
      this.firstSeen.delete(ip, recipient, sender);
      return true;
    }
    return false;
  }

  /**
   * Forgets what has expired. Run at most once per retry window, so its cost per check stays
   * constant while the memory holds at most two windows of one-off triplets.
   */
  private sweep(now: number): void {
    const window = this.config.retryWindow;
    const maxAge = this.maxAge;
    this.firstSeen.forgetIf((first) => now - first > window);
    this.passed.forgetIf((seen) => now - seen > maxAge);
    this.sweepAt = now + Math.min(window, maxAge);
  }
}

/**
 * A time per triplet, kept by client address, then recipient, then sender. A check then looks
 * up the strings it is given, whose hashes are already known, instead of making and hashing a
 * key of all three for each attempt.
 */
class Triplets {
  private readonly byIp = new Map<number, Map<string, Map<string, number>>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(ip: number, recipient: string, sender: string): number | undefined {
    return this.byIp.get(ip)?.get(recipient)?.get(sender);
  }

  set(ip: number, recipient: string, sender: string, t: number): void {
    let byRecipient = this.byIp.get(ip);
    if (byRecipient === undefined) this.byIp.set(ip, (byRecipient = new Map()));
    let bySender = byRecipient.get(recipient);
    if (bySender === undefined) byRecipient.set(recipient, (bySender = new Map()));
    const before = bySender.size;
    bySender.set(sender, t);
    this.count += bySender.size - before;
  }

  delete(ip: number, recipient: string, sender: string): void {
    const byRecipient = this.byIp.get(ip);
    const bySender = byRecipient?.get(recipient);
    if (byRecipient === undefined || bySender === undefined || !bySender.delete(sender)) return;
    this.count--;
    if (bySender.size > 0) return;
    byRecipient.delete(recipient);
    if (byRecipient.size === 0) this.byIp.delete(ip);
  }

  /** Forgets every triplet whose time `expired` says is over. */
  forgetIf(expired: (t: number) => boolean): void {
    for (const [ip, byRecipient] of this.byIp) {
      for (const [recipient, bySender] of byRecipient) {
        for (const [sender, t] of bySender) {
          if (!expired(t)) continue;
          bySender.delete(sender);
          this.count--;
        }
        if (bySender.size === 0) byRecipient.delete(recipient);
      }
      if (byRecipient.size === 0) this.byIp.delete(ip);
    }
  }
}
