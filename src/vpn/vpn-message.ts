/**
 * What VPN packets mean to the two ends, riding as the payload's `data`. The network and the
 * firewall never read it: to them a VPN packet is its header bytes (`vpn-wire.ts`) and an
 * opaque rest. Only the client and the gateway, which hold the keys, see inside.
 *
 * @module
 */
import type { Address, Packet } from '../net/index.js';
import type { VpnProtocol } from './vpn-protocol.js';

/** One step of a handshake, sent by the client (`reply` false) or answered by the gateway. */
export interface HandshakeMessage {
  readonly kind: 'handshake';
  readonly protocol: VpnProtocol;
  /** The client's session id, chosen at random per attempt. */
  readonly session: number;
  /** Which exchange of the protocol's handshake, from 0. */
  readonly step: number;
  readonly reply: boolean;
  /** The client is behind NAT (IPsec: data in UDP 4500 rather than raw ESP). */
  readonly nat: boolean;
  /** In the gateway's answer to the last step: the client's address inside the tunnel. */
  readonly address: Address | null;
}

/** An inner IP packet carried through the tunnel, either way. */
export interface DataMessage {
  readonly kind: 'data';
  readonly session: number;
  readonly inner: Packet;
}

/** The client hangs up (IKE DELETE, OpenVPN exit-notify, a closed TLS session). */
export interface CloseMessage {
  readonly kind: 'close';
  readonly session: number;
}

/** Anything a VPN end puts in a payload's `data`. */
export type VpnMessage = HandshakeMessage | DataMessage | CloseMessage;

/** The VPN message in `data`, or null if it is something else. */
export function vpnMessage(data: unknown): VpnMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const k = (data as { kind?: unknown }).kind;
  return k === 'handshake' || k === 'data' || k === 'close' ? (data as VpnMessage) : null;
}
