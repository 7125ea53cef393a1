/**
 * UDP: datagrams with no answer guaranteed. A dropped datagram produces nothing at all, so
 * the application's own timers decide when to give up (IKE after 165 s, OpenVPN after 60 s,
 * WireGuard after 90 s: REFERENCE.md §5b, modelled by the VPN layer).
 *
 * @module
 */
import type { Address } from './address.js';
import type { Errno, ErrnoKind } from './errno.js';
import type { Host } from './host.js';
import { IcmpCode, icmpUnreachable, type Packet, udpDatagram } from './packet.js';
import type { Payload } from './payload.js';

/** A bound UDP socket. */
export class UdpSocket {
  /** Called for each datagram that arrives. */
  onDatagram: ((payload: Payload, from: Address, fromPort: number, socket: UdpSocket) => void) | undefined;
  /**
   * Called when an ICMP error about one of our datagrams comes back. A connected UDP socket
   * reports port-unreachable as ECONNREFUSED on the next read (REFERENCE.md §5b).
   */
  onError: ((errno: Errno, about: Packet, socket: UdpSocket) => void) | undefined;
  /** False once closed. */
  open = true;

  constructor(
    readonly stack: UdpStack,
    readonly port: number,
    /** Flow id carried by this socket's datagrams, for traces. */
    readonly flow: number,
  ) {}

  /** Sends one datagram (from the host's tunnel address when its tunnel routes `to`); returns false if the socket is closed. */
  send(to: Address, toPort: number, payload: Payload): boolean {
    if (!this.open) return false;
    const host = this.stack.host;
    host.send(udpDatagram(host.sourceFor(to), this.port, to, toPort, payload, this.flow));
    return true;
  }

  /** Releases the port. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.stack.unbind(this);
  }
}

// Linux ip_local_port_range again: UDP takes ephemeral ports from the same range.
const EPHEMERAL_LOW = 32768;
const EPHEMERAL_HIGH = 60999;

/** One host's UDP. */
export class UdpStack {
  private readonly sockets = new Map<number, UdpSocket>();
  private nextPort = EPHEMERAL_LOW;

  constructor(readonly host: Host) {}

  /** Binds `port` (0 or omitted: an ephemeral port); throws if it is taken. */
  bind(port = 0): UdpSocket {
    const p = port === 0 ? this.ephemeralPort() : port;
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`a UDP port is a whole number from 1 to 65535, got ${port}`);
    if (this.sockets.has(p)) throw new Error(`${this.host.name} already has a UDP socket on port ${p}`);
    const s = new UdpSocket(this, p, this.host.network.nextFlowId());
    this.sockets.set(p, s);
    return s;
  }

  /** True if a socket is bound to `port`. */
  bound(port: number): boolean {
    return this.sockets.has(port);
  }

  /** Handles an arriving datagram; a closed port answers ICMP port-unreachable, as hosts do. */
  receive(packet: Packet): void {
    const s = this.sockets.get(packet.dstPort);
    if (s === undefined) {
      this.host.send(icmpUnreachable(this.host.address, IcmpCode.PORT_UNREACHABLE, packet));
      return;
    }
    s.onDatagram?.(packet.payload as Payload, packet.src, packet.srcPort, s);
  }

  /** Handles an ICMP error quoting one of our datagrams. */
  receiveIcmp(icmp: Packet, quoted: Packet): void {
    const s = this.sockets.get(quoted.srcPort);
    if (s === undefined || s.onError === undefined) return;
    s.onError(this.host.os.errno(udpErrno(icmp.icmpCode)), quoted, s);
  }

  /** Forgets a closed socket. */
  unbind(s: UdpSocket): void {
    if (this.sockets.get(s.port) === s) this.sockets.delete(s.port);
  }

  private ephemeralPort(): number {
    for (let i = 0; i <= EPHEMERAL_HIGH - EPHEMERAL_LOW; i++) {
      const p = this.nextPort;
      this.nextPort = p === EPHEMERAL_HIGH ? EPHEMERAL_LOW : p + 1;
      if (!this.sockets.has(p)) return p;
    }
    throw new Error(`${this.host.name} has no free UDP port`);
  }
}

function udpErrno(code: number): ErrnoKind {
  switch (code) {
    case IcmpCode.PORT_UNREACHABLE: return 'ECONNREFUSED';
    case IcmpCode.NET_UNREACHABLE:
    case IcmpCode.NET_PROHIBITED: return 'ENETUNREACH';
    case IcmpCode.PROTOCOL_UNREACHABLE: return 'ENOPROTOOPT';
    default: return 'EHOSTUNREACH';
  }
}
