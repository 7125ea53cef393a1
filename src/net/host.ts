/**
 * A host: a named machine with a role, an OS profile, an address while it is attached to an
 * access network, and its transport stacks (TCP, UDP, raw IP).
 *
 * @module
 */
import type { AccessLine } from './access-line.js';
import type { Address } from './address.js';
import type { PlannedDrops } from './border.js';
import type { Isp } from './isp.js';
import type { Pipe } from './latency.js';
import type { Network } from './network.js';
import { type OsProfile, osProfile } from './os-profile.js';
import { IpProtocol, icmpUnreachable, IcmpCode, type Packet } from './packet.js';
import { RawIpStack } from './raw-ip.js';
import { TcpStack } from './tcp-stack.js';
import type { HostTunnel } from './tunnel.js';
import { UdpStack } from './udp.js';

/** What a host is for; free text, with the usual values listed for editors. */
export type HostRole = 'client' | 'server' | 'mta' | 'smart-host' | 'vpn-gateway' | 'zombie' | (string & {});

/** How a host is described to `Network.addHost`. */
export interface HostSpec {
  /** Unique name; servers are usually named by their DNS name ("smtp.lime.example"). */
  name: string;
  /** What the host is for (default "client"). */
  role?: HostRole;
  /** Its TCP behaviour: a profile or a profile name (default "linux"). */
  os?: OsProfile | string;
}

/** A machine on the simulated Internet. Create with `Network.addHost`. */
export class Host {
  readonly name: string;
  readonly role: HostRole;
  readonly os: OsProfile;
  /** TCP: `connect` and `listen`. */
  readonly tcp: TcpStack;
  private udpStack: UdpStack | null = null;
  private ipStack: RawIpStack | null = null;
  /** The current address; meaningful only while `online`. */
  address: Address = 0;
  /** The ISP the host is attached to, or null while detached. */
  isp: Isp | null = null;
  /** The subscriber line, or null for a hosted server (or while detached). */
  line: AccessLine | null = null;
  /** When the host was last attached to a network. */
  attachedAt = 0;
  /** Its attachment before the current one, while it lasted; null if it had none. */
  before: { readonly isp: Isp; readonly address: Address; readonly from: number; readonly until: number } | null = null;
  /** Host → ISP and ISP → host pipes of the current attachment. */
  up: Pipe | null = null;
  down: Pipe | null = null;
  /**
   * A tunnel carrying some of the host's traffic (a VPN client's), or null. While set,
   * connections and datagrams to destinations it routes take its address as their source,
   * and packets from that address go through it rather than onto the line.
   */
  tunnel: HostTunnel | null = null;
  /**
   * Receives packets addressed to one of the host's extra addresses (`Network.addAlias`)
   * instead of its stacks: how a VPN gateway hears its clients' return traffic. Null: such
   * packets go to the stacks like any other.
   */
  forward: ((packet: Packet) => void) | null = null;
  /** Extra addresses the host holds besides `address` (see `Network.addAlias`), or null for none. */
  aliases: Set<Address> | null = null;
  /**
   * Whether whoever runs the network records this host's packets (a run's packet sample),
   * kept here once decided so that the network's `express` and `direct` predicates need no
   * table of every host; null until then. The network itself never reads it.
   */
  sampled: boolean | null = null;

  constructor(readonly network: Network, spec: HostSpec) {
    this.name = spec.name;
    this.role = spec.role ?? 'client';
    this.os = typeof spec.os === 'string' ? osProfile(spec.os) : (spec.os ?? osProfile('linux'));
    this.tcp = new TcpStack(this);
  }

  /** UDP: `bind`. Made when first used: most hosts of a large population never use it. */
  get udp(): UdpStack {
    return (this.udpStack ??= new UdpStack(this));
  }

  /** Raw IP protocols (ESP, GRE): `open`. Made when first used. */
  get ip(): RawIpStack {
    return (this.ipStack ??= new RawIpStack(this));
  }

  /** True while attached to an access network (and so holding an address). */
  get online(): boolean {
    return this.isp !== null;
  }

  /** The source address for traffic to `destination`: the tunnel's when it routes there, else the host's own. */
  sourceFor(destination: Address): Address {
    const t = this.tunnel;
    return t !== null && t.routes(destination) ? t.address : this.address;
  }

  /** True if `address` is the host's own or one of its aliases. */
  holds(address: Address): boolean {
    return address === this.address || (this.aliases !== null && this.aliases.has(address));
  }

  /**
   * Puts `packet` on the wire, or into the tunnel when it comes from the tunnel's address.
   * Transport stacks call this; applications use the stacks.
   */
  send(packet: Packet): void {
    // One comparison on the common path: only packets from another address can be tunnelled.
    if (packet.src !== this.address && this.tunnel !== null && packet.src === this.tunnel.address) {
      this.tunnel.carry(packet);
      return;
    }
    this.network.transmit(this, packet);
  }

  /**
   * Sends `packet`, a repeat of one the host first sent at `firstSentAt` in the same flow (a
   * retransmitted SYN), which the network may drop at once if its border would drop it
   * silently (see `Network.transmitAgain`). True when it was dropped so.
   */
  sendAgain(packet: Packet, firstSentAt: number): boolean {
    if (packet.src !== this.address && this.tunnel !== null && packet.src === this.tunnel.address) {
      this.tunnel.carry(packet);
      return false;
    }
    return this.network.transmitAgain(this, packet, firstSentAt);
  }

  /**
   * Right after `sendAgain` dropped a repeat at once: has the border take the repeats still
   * to come, at `sentAt`, as planned (see `Network.planAgain`), or null when they must go
   * one by one.
   */
  planAgain(packet: Packet, firstSentAt: number, sentAt: readonly number[]): PlannedDrops | null {
    if (packet.src !== this.address) return null;
    return this.network.planAgain(this, packet, firstSentAt, sentAt);
  }

  /**
   * Hands an arriving packet to the right stack, or to `forward` when it is addressed to one
   * of the host's aliases. Called by the network, and by a tunnel for what it decapsulates.
   */
  receive(packet: Packet): void {
    if (packet.dst !== this.address && this.forward !== null && this.aliases !== null && this.aliases.has(packet.dst)) {
      this.forward(packet);
      return;
    }
    switch (packet.protocol) {
      case IpProtocol.TCP:
        this.tcp.receive(packet);
        return;
      case IpProtocol.UDP:
        this.udp.receive(packet);
        return;
      case IpProtocol.ICMP: {
        const q = packet.quoted;
        if (q === null) return;
        if (q.protocol === IpProtocol.TCP) this.tcp.receiveIcmp(packet, q);
        else if (q.protocol === IpProtocol.UDP) this.udp.receiveIcmp(packet, q);
        else this.ip.receiveIcmp(packet, q);
        return;
      }
      default:
        if (!this.ip.receive(packet)) this.send(icmpUnreachable(this.address, IcmpCode.PROTOCOL_UNREACHABLE, packet));
    }
  }

  /** The host's name, for messages. */
  toString(): string {
    return this.name;
  }
}
