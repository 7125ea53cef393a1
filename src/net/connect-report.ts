/**
 * What a connection attempt came to, as the user's program sees it.
 *
 * @module
 */
import type { Errno, ErrnoKind } from './errno.js';

/**
 * How a connection attempt ends, exactly one of:
 * - `connected`: the handshake completed (and no RST ended it since);
 * - `refused`: a RST or an ICMP error the OS reports as ECONNREFUSED;
 * - `unreachable`: an ICMP error reported as EHOSTUNREACH, ENETUNREACH or ENOPROTOOPT;
 * - `timed-out`: nothing came back before the OS (or the application) gave up;
 * - `reset`: the connection came up, then a RST tore it down (ECONNRESET).
 */
export type ConnectOutcome = 'connected' | 'refused' | 'unreachable' | 'timed-out' | 'reset';

/** The result of one connection attempt. */
export interface ConnectReport {
  readonly outcome: ConnectOutcome;
  /** The error the program got, or null when connected. */
  readonly errno: Errno | null;
  /** Seconds from the first SYN to this result (to the RST, for `reset`). */
  readonly elapsed: number;
  /** Seconds from the first SYN to the handshake's completion, when it completed. */
  readonly connectedAfter: number | null;
  /** SYNs sent, the first included. */
  readonly synsSent: number;
}

/** Why a connection is over. */
export type EndReason = 'closed' | 'reset' | 'timed-out' | 'aborted' | 'refused' | 'unreachable';

/** The end of a connection, reported once to its application. */
export interface TcpEnd {
  readonly type: 'end';
  readonly reason: EndReason;
  /** The error a read or write would now return, or null for an orderly close. */
  readonly errno: Errno | null;
  /** Simulated time of the end. */
  readonly time: number;
}

/** The outcome a failed connect reports, from the error the OS gives the program. */
export function outcomeOfErrno(kind: ErrnoKind): ConnectOutcome {
  switch (kind) {
    case 'ECONNREFUSED': return 'refused';
    case 'ETIMEDOUT': return 'timed-out';
    case 'ECONNRESET':
    case 'EPIPE': return 'reset';
    default: return 'unreachable';
  }
}
