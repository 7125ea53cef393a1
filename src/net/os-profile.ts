/**
 * OS profiles: how a client's TCP stack behaves when a connection attempt meets silence, a
 * RST or an ICMP error, and so what the user's program ends up reporting (REFERENCE.md §1).
 *
 * Every profile answers the same questions, and `test/net/os-profile.test.ts` runs one
 * contract over all of them.
 *
 * @module
 */
import { errno, type Errno, type ErrnoKind, type OsFamily } from './errno.js';
import { IcmpCode } from './packet.js';

/** How a stack in SYN-SENT reacts to an ICMP Destination Unreachable. */
export type IcmpReaction =
  /** Give up at once with this error. */
  | { readonly kind: 'abort'; readonly errno: ErrnoKind }
  /** Remember the error; report it instead of ETIMEDOUT if the attempt times out. */
  | { readonly kind: 'soft'; readonly errno: ErrnoKind }
  /** Act as if nothing had arrived. */
  | { readonly kind: 'ignore' };

/** The behaviour of one operating system's TCP client. */
export interface OsProfile {
  /** "linux", "linux-classic", "windows" or "macos". */
  readonly name: string;
  /** Which error table the OS uses. */
  readonly family: OsFamily;
  /** When the SYN is re-sent, in seconds after the first SYN, while nothing comes back. */
  readonly synRetransmits: readonly number[];
  /** When `connect()` gives up, in seconds after the first SYN. */
  readonly connectTimeout: number;
  /** How many times the SYN is re-sent after a RST before giving up (0: a RST is final). */
  readonly rstRetries: number;
  /** The pause before each such re-send, in seconds (no back-off). */
  readonly rstRetryInterval: number;
  /**
   * The reaction to an ICMP type 3 with `code`, after `retransmits` SYN re-sends. Soft errors
   * may turn fatal after enough re-sends (BSD), hence the second argument.
   */
  icmpReaction(code: number, retransmits: number): IcmpReaction;
  /** Smallest retransmission timeout for data, in seconds. */
  readonly minRto: number;
  /** Largest retransmission timeout for data, in seconds. */
  readonly maxRto: number;
  /** Data retransmissions before an established connection times out. */
  readonly dataRetries: number;
  /**
   * How long an ACK for received data may wait to ride on data going the other way
   * (delayed ACK, RFC 1122 §4.2.3.2), in seconds.
   */
  readonly delayedAck: number;
  /**
   * Linux's quick-ACK mode: until this end has answered data promptly (an interactive,
   * request-response connection), received data is acknowledged at once.
   */
  readonly quickAck: boolean;
  /** The error object for `kind` on this OS. */
  errno(kind: ErrnoKind): Errno;
}

const ABORT_REFUSED: IcmpReaction = { kind: 'abort', errno: 'ECONNREFUSED' };
const IGNORE: IcmpReaction = { kind: 'ignore' };

// Linux net/ipv4/icmp.c icmp_err_convert[] (REFERENCE.md §1b): the errno of each code.
function linuxIcmpErrno(code: number): ErrnoKind | null {
  switch (code) {
    case IcmpCode.NET_UNREACHABLE: return 'ENETUNREACH';
    case IcmpCode.HOST_UNREACHABLE: return 'EHOSTUNREACH';
    case IcmpCode.PROTOCOL_UNREACHABLE: return 'ENOPROTOOPT';
    case IcmpCode.PORT_UNREACHABLE: return 'ECONNREFUSED';
    case IcmpCode.NET_PROHIBITED: return 'ENETUNREACH';
    case IcmpCode.HOST_PROHIBITED: return 'EHOSTUNREACH';
    case IcmpCode.ADMIN_PROHIBITED: return 'EHOSTUNREACH';
    default: return null;
  }
}

function isNetOrHostUnreachable(code: number): boolean {
  return code === IcmpCode.NET_UNREACHABLE || code === IcmpCode.HOST_UNREACHABLE;
}

interface ProfileSpec {
  name: string;
  family: OsFamily;
  synRetransmits: number[];
  connectTimeout: number;
  rstRetries?: number;
  rstRetryInterval?: number;
  icmpReaction: (code: number, retransmits: number) => IcmpReaction;
  minRto: number;
  maxRto: number;
  dataRetries: number;
  delayedAck: number;
  quickAck?: boolean;
}

function profile(spec: ProfileSpec): OsProfile {
  const last = spec.synRetransmits[spec.synRetransmits.length - 1] ?? 0;
  if (last >= spec.connectTimeout) throw new RangeError(`${spec.name}: the last SYN must go out before the connect timeout`);
  return Object.freeze({
    rstRetries: 0,
    rstRetryInterval: 0,
    quickAck: false,
    ...spec,
    synRetransmits: Object.freeze([...spec.synRetransmits]),
    errno: (kind: ErrnoKind) => errno(spec.family, kind),
  });
}

/**
 * Linux >= 6.5 (`tcp_syn_linear_timeouts` = 4, `tcp_syn_retries` = 6): SYNs at 0, 1, 2, 3, 4,
 * 5, 7, 11, 19, 35 and 67 s, ETIMEDOUT at 131 s (REFERENCE.md §1a). Net/host unreachable are
 * soft since the 2024 "no longer abort SYN_SENT" change; the rest abort (§1b).
 */
export const LINUX: OsProfile = profile({
  name: 'linux',
  family: 'linux',
  synRetransmits: [1, 2, 3, 4, 5, 7, 11, 19, 35, 67],
  connectTimeout: 131,
  icmpReaction: (code) => {
    const kind = linuxIcmpErrno(code);
    if (kind === null) return IGNORE;
    return isNetOrHostUnreachable(code) ? { kind: 'soft', errno: kind } : { kind: 'abort', errno: kind };
  },
  minRto: 0.2, // TCP_RTO_MIN, include/net/tcp.h
  maxRto: 120, // TCP_RTO_MAX, include/net/tcp.h
  dataRetries: 15, // tcp_retries2 default, ip-sysctl.rst
  delayedAck: 0.04, // TCP_DELACK_MIN / TCP_ATO_MIN (HZ/25), include/net/tcp.h
  quickAck: true, // tcp_in_quickack_mode(), net/ipv4/tcp_input.c
});

/**
 * Linux <= 6.4 (`tcp_syn_retries` = 6, RTO 1 s doubling): SYNs at 0, 1, 3, 7, 15, 31 and
 * 63 s, ETIMEDOUT at 127 s (REFERENCE.md §1a). Older kernels abort at once on every ICMP
 * unreachable code, net and host unreachable included (§1b).
 */
export const LINUX_CLASSIC: OsProfile = profile({
  name: 'linux-classic',
  family: 'linux',
  synRetransmits: [1, 3, 7, 15, 31, 63],
  connectTimeout: 127,
  icmpReaction: (code) => {
    const kind = linuxIcmpErrno(code);
    return kind === null ? IGNORE : { kind: 'abort', errno: kind };
  },
  minRto: 0.2,
  maxRto: 120,
  dataRetries: 15,
  delayedAck: 0.04,
  quickAck: true,
});

/**
 * Windows 10/11: InitialRto 3 s, MaxSynRetransmissions 2, so SYNs at 0, 3 and 9 s and
 * WSAETIMEDOUT at 21 s (REFERENCE.md §1a, KB 2786464). A RST is answered by re-sending the
 * SYN without back-off; refusal comes after ≈2 s (curl#14144, KB 175523). Its reaction to
 * ICMP on connect is not established, so it is modelled "as if dropped" (§1b).
 */
export const WINDOWS: OsProfile = profile({
  name: 'windows',
  family: 'windows',
  synRetransmits: [3, 9],
  connectTimeout: 21,
  rstRetries: 4,
  rstRetryInterval: 0.5,
  icmpReaction: () => IGNORE,
  minRto: 0.3, // MinRto default, learn.microsoft.com TCP_INITIAL_RTO_PARAMETERS
  maxRto: 60,
  dataRetries: 5, // TcpMaxDataRetransmissions default
  delayedAck: 0.2, // TcpDelAckTicks default 2 (200 ms), learn.microsoft.com
});

/**
 * macOS (xnu): SYN back-off multipliers 1,1,1,1,1,2,4,8,16,32 × 1 s, so SYNs at 0, 1, 2, 3,
 * 4, 5, 7, 11, 19, 35 and 67 s, with the whole attempt capped by keepinit at 75 s (REFERENCE.md
 * §1a). Net/host unreachable are soft until the SYN has been re-sent more than 3 times; port
 * unreachable and every admin-prohibited code give ECONNREFUSED at once (§1b).
 */
export const MACOS: OsProfile = profile({
  name: 'macos',
  family: 'darwin',
  synRetransmits: [1, 2, 3, 4, 5, 7, 11, 19, 35, 67],
  connectTimeout: 75,
  icmpReaction: (code, retransmits) => {
    if (isNetOrHostUnreachable(code)) {
      const kind: ErrnoKind = code === IcmpCode.NET_UNREACHABLE ? 'ENETUNREACH' : 'EHOSTUNREACH';
      return retransmits > 3 ? { kind: 'abort', errno: kind } : { kind: 'soft', errno: kind };
    }
    switch (code) {
      case IcmpCode.PROTOCOL_UNREACHABLE:
      case IcmpCode.PORT_UNREACHABLE:
      case IcmpCode.NET_PROHIBITED:
      case IcmpCode.HOST_PROHIBITED:
      case IcmpCode.ADMIN_PROHIBITED:
        return ABORT_REFUSED;
      default:
        return IGNORE;
    }
  },
  minRto: 0.2,
  maxRto: 64, // TCPTV_REXMTMAX, bsd/netinet/tcp_timer.h
  dataRetries: 12, // TCP_MAXRXTSHIFT
  delayedAck: 0.1, // TCPTV_DELACK, 100 ms, bsd/netinet/tcp_timer.h
});

/** Every profile by name. */
export const OS_PROFILES: Readonly<Record<string, OsProfile>> = Object.freeze({
  linux: LINUX,
  'linux-classic': LINUX_CLASSIC,
  windows: WINDOWS,
  macos: MACOS,
});

/** The profile called `name`; throws naming the valid ones otherwise. */
export function osProfile(name: string): OsProfile {
  const p = OS_PROFILES[name];
  if (p === undefined) throw new RangeError(`unknown OS profile "${name}"; expected one of ${Object.keys(OS_PROFILES).join(', ')}`);
  return p;
}
