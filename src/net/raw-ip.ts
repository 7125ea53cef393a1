/**
 * Raw IP protocols other than TCP, UDP and ICMP: the ESP (50) and GRE (47) that VPNs use
 * (REFERENCE.md §5a). No ports: a host has at most one handler per protocol.
 *
 * @module
 */
import type { Address } from './address.js';
import type { Errno } from './errno.js';
import type { Host } from './host.js';
import { IpProtocol, type Packet, rawPacket } from './packet.js';
import type { Payload } from './payload.js';

/** A handler for one IP protocol on one host. */
export class RawSocket {
  /** Called for each arriving packet of the protocol. */
  onPacket: ((payload: Payload, from: Address, socket: RawSocket) => void) | undefined;
  /** Called when an ICMP error about one of our packets comes back (protocol unreachable, say). */
  onError: ((errno: Errno, about: Packet, socket: RawSocket) => void) | undefined;
  /** False once closed. */
  open = true;

  constructor(
    readonly stack: RawIpStack,
    readonly protocol: number,
    readonly flow: number,
  ) {}

  /** Sends one packet of this protocol to `to` (from the tunnel address when the host's tunnel routes `to`); false if closed. */
  send(to: Address, payload: Payload): boolean {
    if (!this.open) return false;
    const host = this.stack.host;
    host.send(rawPacket(host.sourceFor(to), to, this.protocol, payload, this.flow));
    return true;
  }

  /** Stops handling the protocol. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.stack.release(this);
  }
}

/** One host's raw IP handlers. */
export class RawIpStack {
  private readonly sockets = new Map<number, RawSocket>();

  constructor(readonly host: Host) {}

  /** Handles protocol `protocol` (e.g. `IpProtocol.ESP`); throws if already handled. */
  open(protocol: number): RawSocket {
    if (protocol === IpProtocol.TCP || protocol === IpProtocol.UDP || protocol === IpProtocol.ICMP) {
      throw new RangeError('TCP, UDP and ICMP have their own stacks; raw sockets are for ESP, GRE and the like');
    }
    if (this.sockets.has(protocol)) throw new Error(`${this.host.name} already handles IP protocol ${protocol}`);
    const s = new RawSocket(this, protocol, this.host.network.nextFlowId());
    this.sockets.set(protocol, s);
    return s;
  }

  /** Delivers a packet; false if nothing handles its protocol (the host then answers protocol-unreachable). */
  receive(packet: Packet): boolean {
    const s = this.sockets.get(packet.protocol);
    if (s === undefined) return false;
    s.onPacket?.(packet.payload as Payload, packet.src, s);
    return true;
  }

  /** Handles an ICMP error quoting one of our packets. */
  receiveIcmp(icmp: Packet, quoted: Packet): void {
    const s = this.sockets.get(quoted.protocol);
    s?.onError?.(this.host.os.errno(icmp.icmpCode === 2 ? 'ENOPROTOOPT' : 'EHOSTUNREACH'), quoted, s);
  }

  /** Forgets a closed socket. */
  release(s: RawSocket): void {
    if (this.sockets.get(s.protocol) === s) this.sockets.delete(s.protocol);
  }
}
