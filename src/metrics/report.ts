/**
 * The run report: what a run came to, as plain data. `portsim run --json` prints it; the
 * text report, the comparison of variants and the expectations all read it.
 *
 * The JSON shape is versioned: `REPORT_VERSION` changes when a key is renamed or removed
 * (adding keys does not change it).
 *
 * @module
 */

/** Version of the report's JSON shape. */
export const REPORT_VERSION = 1;

/** The kinds of error a user sees when sending fails (the keys of `userErrors`). */
export const USER_ERROR_KINDS = ['timeout', 'refused', 'reset', 'unreachable', 'authFailed', 'relayDenied', 'tlsFailed', 'rejected', 'deferred'] as const;

/** A kind of user-visible error. */
export type UserErrorKind = (typeof USER_ERROR_KINDS)[number];

/** Outcomes of one client group's mail of one class. */
export interface GroupReport {
  group: string;
  class: 'legit' | 'spam';
  /** Clients sending this class (users, or zombies for spam). */
  clients: number;
  /** Messages written. */
  sent: number;
  /** Reached the recipient's mailbox. */
  delivered: number;
  /** Delivered, but later than the report's `lateAfter` after being written. */
  late: number;
  /** Returned to the sender after an MTA gave up or was refused for good. */
  bounced: number;
  /** Never left the author's machine: submission failed and nobody retried. */
  failed: number;
  /** Still in some queue when the run ended. */
  queued: number;
  /** Delay from writing to delivery (seconds) over delivered messages; null when none. */
  delayP50: number | null;
  delayP95: number | null;
  delayMax: number | null;
  /** Clients who saw at least one error when sending. */
  usersAffected: number;
  /** Errors seen when sending, by kind. */
  userErrors: Record<UserErrorKind, number>;
}

/** One firewall rule's activity. */
export interface RuleReport {
  isp: string;
  rule: string;
  /** Packets the rule matched. */
  hits: number;
  /** Flows the rule matched. */
  flows: number;
}

/** One server's activity. */
export interface ServerReport {
  server: string;
  role: string;
  isp: string;
  /** Messages it accepted. */
  accepted: number;
  /** Transient refusals (4xx) it gave. */
  deferred: number;
  /** Permanent refusals (5xx) it gave. */
  rejected: number;
  /** SMTP sessions it served. */
  sessions: number;
  /** The most messages its outbound queue held at once. */
  queuePeak: number;
}

/** A blocklist listing or delisting. */
export interface ListingReport {
  t: number;
  server: string;
  list: string;
  /** Address, with "/bits" for a prefix. */
  ip: string;
  listed: boolean;
}

/** An expectation of the scenario, checked. */
export interface ExpectationReport {
  text: string;
  passed: boolean;
  /** The value measured, in the expectation's unit (a share as a fraction, seconds, a count). */
  actual: number | null;
  /** The measured value as text, in the same unit as the expectation ("93.2%", "2h5m"). */
  actualText: string;
  note?: string;
}

/** VPN attempts of one client group with one protocol. */
export interface VpnReport {
  group: string;
  protocol: string;
  attempts: number;
  established: number;
  failed: number;
  /** Failures by kind (no-response, refused, unreachable, reset, data-channel-blocked, offline). */
  failures: Record<string, number>;
}

/** A roaming group's outcomes at one location. */
export interface LocationReport {
  group: string;
  location: string;
  sent: number;
  delivered: number;
  failed: number;
  userErrors: Record<UserErrorKind, number>;
}

/** How users of a group got round failures. */
export interface WorkaroundReport {
  group: string;
  /** The new settings, described ("port 587, STARTTLS"). */
  to: string;
  users: number;
  /** When the first and the median user moved (seconds from the start). */
  first: number;
  median: number;
}

/** A whole run's report. */
export interface RunReport {
  version: typeof REPORT_VERSION;
  scenario: { file: string; title: string; hash: string };
  variant: string | null;
  seed: string;
  /** Simulated seconds the run covered. */
  simulatedSeconds: number;
  /** The simulated start, ISO 8601, when the scenario gives one. */
  start: string | null;
  /** Kernel events executed. */
  events: number;
  /** Delivery later than this (seconds) counts as late. */
  lateAfter: number;
  groups: GroupReport[];
  rules: RuleReport[];
  servers: ServerReport[];
  listings: ListingReport[];
  /** Calls to ISP support by users whose mail kept failing. */
  supportCalls: number;
  /** Support calls per ISP. */
  supportCallsByIsp: Record<string, number>;
  /** Users who gave up sending mail, per group. */
  gaveUp: Record<string, number>;
  vpn: VpnReport[];
  locations: LocationReport[];
  workarounds: WorkaroundReport[];
  expectations: ExpectationReport[];
}

/** A group report with every counter at zero. */
export function emptyGroupReport(group: string, cls: 'legit' | 'spam', clients: number): GroupReport {
  return {
    group,
    class: cls,
    clients,
    sent: 0,
    delivered: 0,
    late: 0,
    bounced: 0,
    failed: 0,
    queued: 0,
    delayP50: null,
    delayP95: null,
    delayMax: null,
    usersAffected: 0,
    userErrors: Object.fromEntries(USER_ERROR_KINDS.map((k) => [k, 0])) as Record<UserErrorKind, number>,
  };
}

/** The q-quantile (0..1) of sorted values, by nearest rank; null for none. */
export function quantile(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}
