/**
 * The record of one VPN connection attempt, as plain data a report can count: what was
 * tried, whether the tunnel came up, how long the user waited, and what they were shown.
 *
 * @module
 */
import type { Address } from '../net/index.js';
import type { VpnProtocol } from './vpn-protocol.js';

/**
 * Why an attempt failed, from the client's side:
 * - `no-response`: handshake packets went out and nothing came back (a silent drop);
 * - `refused`: the gateway's port answered with a RST or ICMP port-unreachable;
 * - `unreachable`: an ICMP error other than port-unreachable (host, net, admin-prohibited);
 * - `reset`: a connection that was up was reset (DPI forging RSTs, as T-Mobile UK did);
 * - `data-channel-blocked`: the control exchange worked but the data channel never answered
 *   (PPTP with GRE blocked: Windows error 806);
 * - `offline`: the host had no network, or the gateway's name did not resolve.
 */
export type VpnFailureKind = 'no-response' | 'refused' | 'unreachable' | 'reset' | 'data-channel-blocked' | 'offline';

/** Every failure kind, for reports that list zero counts too. */
export const VPN_FAILURE_KINDS: readonly VpnFailureKind[] = Object.freeze(['no-response', 'refused', 'unreachable', 'reset', 'data-channel-blocked', 'offline']);

/** One attempt to bring a tunnel up. */
export interface VpnAttempt {
  /** The client host's name. */
  readonly host: string;
  readonly protocol: VpnProtocol;
  /** "udp/1194", "tcp/443", "udp/500+4500", "tcp/1723+gre". */
  readonly transport: string;
  /** The gateway's name. */
  readonly server: string;
  /** Simulated time the user pressed "connect". */
  readonly startedAt: number;
  readonly outcome: 'established' | 'failed';
  /** Why it failed; null when established. */
  readonly failure: VpnFailureKind | null;
  /** Seconds from "connect" to the tunnel being up, or to the client giving up. */
  readonly elapsed: number;
  /**
   * What the user is shown (or, for a client that shows nothing, what its log says): the
   * success line, or the client's own error text.
   */
  readonly detail: string;
  /** The Windows RAS error number the client shows (800, 806, 809), else null. */
  readonly code: number | null;
  /** True when the user is shown nothing at all (WireGuard: traffic just goes nowhere). */
  readonly silent: boolean;
  /** Tries the client made within this attempt (OpenVPN restarts; others 1). */
  readonly tries: number;
  /** The client's address inside the tunnel when established, else null. */
  readonly address: Address | null;
}
