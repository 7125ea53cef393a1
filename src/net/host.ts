/**
 * A host: a named machine with a role, an OS profile, an address while it is attached to an
 * access network, and its transport stacks (TCP, UDP, raw IP).
 *
 * @module
 */
import type { AccessLine } from './access-line.js';
import type { Address } from './address.js';
import type { Isp } from './isp.js';
import type { Pipe } from './latency.js';
import type { Network } from './network.js';
import { type OsProfile, osProfile } from './os-profile.js';
import { IpProtocol, icmpUnreachable, IcmpCode, type Packet } from './packet.js';
import { RawIpStack } from './raw-ip.js';
import { TcpStack } from './tcp-stack.js';
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
  /** UDP: `bind`. */
  readonly udp: UdpStack;
  /** Raw IP protocols (ESP, GRE): `open`. */
  readonly ip: RawIpStack;
  /** The current address; meaningful only while `online`. */
  address: Address = 0;
  /** The ISP the host is attached to, or null while detached. */
  isp: Isp | null = null;
  /** The subscriber line, or null for a hosted server (or while detached). */
  line: AccessLine | null = null;
  /** Host → ISP and ISP → host pipes of the current attachment. */
  up: Pipe | null = null;
  down: Pipe | null = null;

  constructor(readonly network: Network, spec: HostSpec) {
    this.name = spec.name;
    this.role = spec.role ?? 'client';
    this.os = typeof spec.os === 'string' ? osProfile(spec.os) : (spec.os ?? osProfile('linux'));
    this.tcp = new TcpStack(this);
    this.udp = new UdpStack(this);
    this.ip = new RawIpStack(this);
  }

  /** True while attached to an access network (and so holding an address). */
  get online(): boolean {
    return this.isp !== null;
  }

  /** Puts `packet` on the wire. Transport stacks call this; applications use the stacks. */
  send(packet: Packet): void {
    this.network.transmit(this, packet);
  }

  /** Hands an arriving packet to the right stack. Called by the network. */
  receive(packet: Packet): void {
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
