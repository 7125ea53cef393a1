/**
 * A client's tunnel while it is up: installed as its host's `tunnel`, it takes every packet
 * the host sends to anywhere but the gateway (a full tunnel, as OpenVPN's redirect-gateway
 * and the Windows default route do), wraps it as the protocol does, and sends it to the
 * gateway; what the gateway sends back is unwrapped and handed to the host's stacks. The
 * access ISP sees only the outer packets.
 *
 * A closed tunnel stays installed until another replaces it: it routes nothing, so new
 * connections go direct, and it discards what connections bound to its address still send,
 * as an OS does once the tunnel interface and its address are gone. A tunnel whose host has
 * moved to another network (another address) is dead the same way: the gateway would not
 * know the new address, so the client must connect again.
 *
 * @module
 */
import type { Address, Host, HostTunnel, Packet } from '../net/index.js';
import type { Channel } from './channel.js';
import type { DataMessage } from './vpn-message.js';
import type { VpnProtocol } from './vpn-protocol.js';
import { dataPayload, TUNNEL_OVERHEAD } from './vpn-wire.js';

/** Counters of one tunnel. */
export interface TunnelCounters {
  /** Inner packets sent through the tunnel, and their bytes on the wire before wrapping. */
  packetsOut: number;
  bytesOut: number;
  /** Inner packets discarded because the tunnel had closed. */
  discarded: number;
  /** Inner packets received through it. */
  packetsIn: number;
  bytesIn: number;
  /** Bytes the wrapping added, both ways (the tunnel's cost in volume). */
  overheadBytes: number;
}

/** The client end of an established tunnel. Made by `VpnClient`. */
export class VpnTunnel implements HostTunnel {
  readonly counters: TunnelCounters = { packetsOut: 0, bytesOut: 0, discarded: 0, packetsIn: 0, bytesIn: 0, overheadBytes: 0 };
  private sequence = 0;
  private closed = false;
  /** The host's own address when the tunnel came up. */
  private readonly outer: Address;

  constructor(
    readonly host: Host,
    readonly protocol: VpnProtocol,
    readonly session: number,
    /** The client's address inside the tunnel. */
    readonly address: Address,
    /** The gateway's outer address: never routed through the tunnel. */
    readonly gateway: Address,
    private readonly channel: Channel,
    /** OpenVPN over TCP frames each packet with a length. */
    private readonly tcp: boolean,
  ) {
    this.outer = host.address;
  }

  /** True while this tunnel is open, is the host's tunnel, and the host has not moved since it came up. */
  get up(): boolean {
    const h = this.host;
    return !this.closed && h.tunnel === this && h.online && h.address === this.outer;
  }

  /** Closes the tunnel: from now on it routes nothing and discards what it is given. */
  close(): void {
    this.closed = true;
  }

  /** While up, everything but the gateway itself goes through the tunnel. */
  routes(destination: Address): boolean {
    return destination !== this.gateway && this.up;
  }

  /** Wraps and sends one inner packet (called by the host); discards it once the tunnel is not up. */
  carry(packet: Packet): void {
    if (!this.up) {
      this.counters.discarded++;
      return;
    }
    const payload = dataPayload(this.protocol, { kind: 'data', session: this.session, inner: packet }, ++this.sequence, this.tcp);
    const c = this.counters;
    c.packetsOut++;
    c.bytesOut += packet.wireLength;
    c.overheadBytes += payload.length - packet.wireLength;
    this.channel.send(payload);
  }

  /** Unwraps one packet from the gateway and hands it to the host, if it is for our inner address. */
  deliver(m: DataMessage): void {
    const inner = m.inner;
    if (!this.up || inner.dst !== this.address) return;
    const c = this.counters;
    c.packetsIn++;
    c.bytesIn += inner.wireLength;
    c.overheadBytes += TUNNEL_OVERHEAD[this.protocol] + (this.tcp ? 2 : 0);
    this.host.receive(inner);
  }
}
