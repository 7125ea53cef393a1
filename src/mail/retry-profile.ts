/**
 * How real MTAs space their retries, when they warn, and when they give up: the named
 * profiles of REFERENCE.md §3, as pure functions of a message's queue history.
 *
 * All times are absolute simulated seconds. Queue runners scan at fixed intervals from the
 * start of the run (phase 0), and a retry happens at the first scan at or after the time the
 * profile allows, as in the real programs.
 *
 * @module
 */

/** What an MTA does after a failed STARTTLS handshake with a server that offered it. */
export type TlsFallback =
  /** Treat it as a temporary failure and try TLS again next time (Gmail in 2015; Postfix `encrypt`). */
  | { kind: 'defer' }
  /** Defer, but retry in plaintext once the message has been queued this long (Postfix `may`). */
  | { kind: 'plaintext-after'; age: number }
  /** Reconnect at once and deliver in plaintext (Exim `tls_tempfail_tryclear`). */
  | { kind: 'plaintext-now' };

/** A message's queue history, as a retry profile sees it. */
export interface QueueHistory {
  /** When the message entered the queue. */
  readonly queuedAt: number;
  /** When its first delivery attempt failed. */
  readonly firstFailureAt: number;
  /** Failed attempts so far, counting the one that just ended. */
  readonly failures: number;
  /** When the failed attempt before the one that just ended ended (absent after the first). */
  readonly previousFailureAt?: number;
}

/** An MTA's retry behaviour. */
export interface RetryProfile {
  readonly name: string;
  /** A queued message bounces once a failed attempt ends this long after it was queued. */
  readonly lifetime: number;
  /** Age at which the sender gets a "delayed" DSN; Infinity for none. */
  readonly delayWarning: number;
  /** Connect timeout per server address, or null to wait for the OS to give up. */
  readonly connectTimeout: number | null;
  /** Server addresses tried per attempt (MX hosts in preference order). */
  readonly addressesPerAttempt: number;
  /** What happens after a failed TLS handshake. */
  readonly tlsFallback: TlsFallback;
  /**
   * How long a destination counts as dead after an attempt on it fails at the connection or
   * the handshake: messages for it that fall due meanwhile are deferred without connecting
   * ("delivery temporarily suspended"), and follow their own schedule from there. 0 for never.
   */
  readonly deadFor: number;
  /** When to try again after the attempt that ended at `failedAt`. */
  nextAttempt(history: QueueHistory, failedAt: number): number;
  /** Whether the attempt that ended at `failedAt` was the last: the message bounces. */
  expired(history: QueueHistory, failedAt: number): boolean;
}

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

/** The first queue scan at or after t (scans every `interval` from time 0). */
function scanAtOrAfter(t: number, interval: number): number {
  return Math.ceil((t - 1e-6) / interval) * interval;
}

/** The first queue scan strictly after t. */
function scanAfter(t: number, interval: number): number {
  return (Math.floor((t + 1e-6) / interval) + 1) * interval;
}

/**
 * Postfix: the delay is the message's age, clamped to [minimal_backoff_time 300 s,
 * maximal_backoff_time 4000 s], taken at the next 300 s queue scan; lifetime 5 d, no delay
 * warning by default, 30 s connect timeout, 5 addresses; TLS `may` falls back to plaintext
 * once the message is 300 s old. One failed cohort (a connection or handshake failure) marks
 * the destination dead for minimal_backoff_time, 300 s. (REFERENCE.md §3a: qmgr_active.c,
 * mail_params.h, postconf.proto.)
 */
export const postfix: RetryProfile = {
  name: 'postfix',
  lifetime: 5 * DAY,
  delayWarning: Infinity,
  connectTimeout: 30,
  addressesPerAttempt: 5,
  tlsFallback: { kind: 'plaintext-after', age: 300 },
  deadFor: 300,
  nextAttempt(h, failedAt) {
    const delay = Math.min(4000, Math.max(300, failedAt - h.queuedAt));
    return scanAtOrAfter(failedAt + delay, 300);
  },
  expired(h, failedAt) {
    return failedAt - h.queuedAt >= this.lifetime;
  },
};

/**
 * Sendmail: a queue run every hour (QUEUE=1h in Fedora/RHEL packaging) retries everything
 * due; warn at 4 h, return at 5 d; connect timeout left to the OS. TLS fallback is not in
 * the references: modelled as a deferral. A host that failed is remembered for
 * Timeout.hoststatus, 30 min, and not tried for other messages meanwhile. (REFERENCE.md §3b.)
 */
export const sendmail: RetryProfile = {
  name: 'sendmail',
  lifetime: 5 * DAY,
  delayWarning: 4 * HOUR,
  connectTimeout: null,
  addressesPerAttempt: 5,
  tlsFallback: { kind: 'defer' },
  deadFor: 30 * MIN,
  nextAttempt(_h, failedAt) {
    return scanAfter(failedAt, HOUR);
  },
  expired(h, failedAt) {
    return failedAt - h.queuedAt >= this.lifetime;
  },
};

/**
 * Exim's default retry rule `F,2h,15m; G,16h,1h,1.5; F,4d,6h`, counted from the first
 * failure: every 15 min for 2 h, then intervals from 1 h growing by 1.5 until 16 h, then
 * every 6 h; the message bounces at the first failure after 4 d. Retries happen at the next
 * queue run (Debian: every 30 min). Delay warning at 24 h; 5 min connect timeout;
 * `tls_tempfail_tryclear` reconnects in plaintext at once. A host that failed gets a retry
 * time of its own from the same rule (15 min at first) and is skipped for every message until
 * then. (REFERENCE.md §3c.)
 */
export const exim: RetryProfile = {
  name: 'exim',
  lifetime: 4 * DAY,
  delayWarning: 24 * HOUR,
  connectTimeout: 5 * MIN,
  addressesPerAttempt: 5,
  tlsFallback: { kind: 'plaintext-now' },
  deadFor: 15 * MIN,
  nextAttempt(h, failedAt) {
    const since = failedAt - h.firstFailureAt;
    let delay: number;
    if (since < 2 * HOUR) delay = 15 * MIN;
    else if (since < 16 * HOUR) {
      // Exim grows the last gap by the factor, never going below the rule's first interval.
      const lastGap = failedAt - (h.previousFailureAt ?? h.firstFailureAt);
      delay = lastGap < HOUR ? HOUR : lastGap * 1.5;
    } else delay = 6 * HOUR;
    return scanAtOrAfter(failedAt + delay, 30 * MIN);
  },
  expired(h, failedAt) {
    return failedAt - h.firstFailureAt >= this.lifetime;
  },
};

/**
 * Exchange (on-premises transport): 6 retries 5 min apart, then every 10 min; a delay
 * notification at 4 h; expiry and NDR at 2 d. TLS fallback is not in the references:
 * modelled as a deferral. After a connection failure the destination's queue waits
 * OutboundConnectionFailureRetryInterval, 10 min. (REFERENCE.md §3d and §7.)
 */
export const exchange: RetryProfile = {
  name: 'exchange',
  lifetime: 2 * DAY,
  delayWarning: 4 * HOUR,
  connectTimeout: null,
  addressesPerAttempt: 5,
  tlsFallback: { kind: 'defer' },
  deadFor: 10 * MIN,
  nextAttempt(h, failedAt) {
    return failedAt + (h.failures <= 6 ? 5 * MIN : 10 * MIN);
  },
  expired(h, failedAt) {
    return failedAt - h.queuedAt >= this.lifetime;
  },
};

/** The profiles by name. */
export const RETRY_PROFILES: Readonly<Record<'postfix' | 'sendmail' | 'exim' | 'exchange', RetryProfile>> = {
  postfix,
  sendmail,
  exim,
  exchange,
};

/** Names of the retry profiles. */
export type RetryProfileName = keyof typeof RETRY_PROFILES;

/**
 * The attempt times a message would see if every attempt failed instantly, from its first
 * attempt at `queuedAt` until it bounces: for tables in reports and for tests.
 */
export function attemptSchedule(profile: RetryProfile, queuedAt = 0): { attempts: number[]; bouncedAt: number } {
  const attempts = [queuedAt];
  let failures = 1;
  let t = queuedAt;
  let previous: number | undefined;
  for (;;) {
    const h: QueueHistory = { queuedAt, firstFailureAt: queuedAt, failures, ...(previous === undefined ? {} : { previousFailureAt: previous }) };
    if (profile.expired(h, t)) return { attempts, bouncedAt: t };
    previous = t;
    t = profile.nextAttempt(h, t);
    attempts.push(t);
    failures++;
    if (failures > 100_000) throw new Error(`retry profile ${profile.name} never expires`);
  }
}
