/**
 * Packets: the unit the network moves, filters and records.
 *
 * One class serves TCP segments, UDP datagrams, ICMP errors and raw IP (ESP, GRE), so the hot
 * path stays monomorphic. A packet carries what a pcap record needs: addresses, protocol,
 * ports, TCP flags, sequence and acknowledgement numbers, ICMP type and code with the quoted
 * packet, and the payload. Packets are immutable once sent: a middlebox that rewrites one
 * (redirect, STARTTLS stripping) sends a copy, so every record stays true to what was on the
 * wire at that point.
 *
 * @module
 */
import { formatAddress, type Address } from './address.js';
import type { Payload } from './payload.js';

/** IP protocol numbers (IANA). */
export const IpProtocol = {
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  /** Generic Routing Encapsulation, PPTP's data channel (RFC 2637; REFERENCE.md §5a). */
  GRE: 47,
  /** Encapsulating Security Payload, IPsec's data channel (RFC 4303; REFERENCE.md §5a). */
  ESP: 50,
} as const;

/** TCP header flag bits, as on the wire. */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
} as const;

/** ICMP Destination Unreachable (type 3) codes that firewalls and routers send (REFERENCE.md §1b). */
export const IcmpCode = {
  NET_UNREACHABLE: 0,
  HOST_UNREACHABLE: 1,
  PROTOCOL_UNREACHABLE: 2,
  PORT_UNREACHABLE: 3,
  NET_PROHIBITED: 9,
  HOST_PROHIBITED: 10,
  ADMIN_PROHIBITED: 13,
} as const;

/** ICMP type 3, Destination Unreachable: the only ICMP type the simulator sends. */
export const ICMP_DEST_UNREACHABLE = 3;

/** One packet on the wire. Construct with the helpers below rather than by hand. */
export class Packet {
  /** Unique per network, in sending order; 0 until the network assigns it. */
  id = 0;
  /** Simulated time the packet was sent (set by the network). */
  time = 0;

  constructor(
    /** Source address. */
    readonly src: Address,
    /** Destination address. */
    readonly dst: Address,
    /** IP protocol number (`IpProtocol`). */
    readonly protocol: number,
    /** Source port (TCP/UDP), else 0. */
    readonly srcPort: number,
    /** Destination port (TCP/UDP), else 0. */
    readonly dstPort: number,
    /** TCP flag bits (`TcpFlag`), else 0. */
    readonly flags: number,
    /** TCP sequence number (uint32), else 0. */
    readonly seq: number,
    /** TCP acknowledgement number (uint32), meaningful with ACK, else 0. */
    readonly ack: number,
    /** Application data, or null. */
    readonly payload: Payload | null,
    /** ICMP type and code, for ICMP packets; else -1. */
    readonly icmpType: number = -1,
    readonly icmpCode: number = -1,
    /** The packet an ICMP error is about (its header is quoted on the wire). */
    readonly quoted: Packet | null = null,
    /** The transport flow this packet belongs to, for traces (a connection id), or 0. */
    readonly flow: number = 0,
  ) {}

  /** Bytes of payload (TCP data, UDP data, raw IP data). */
  get length(): number {
    return this.payload === null ? 0 : this.payload.length;
  }

  /**
   * Bytes on the wire at the IP layer: a 20-byte IPv4 header, the transport header (TCP 20,
   * UDP 8, ICMP 8 plus the quoted 28) and the payload. What volume counters add up.
   */
  get wireLength(): number {
    const p = this.protocol;
    const header = p === IpProtocol.TCP ? 40 : p === IpProtocol.UDP ? 28 : p === IpProtocol.ICMP ? 56 : 20;
    return header + this.length;
  }

  /** True if every bit of `flag` is set. */
  has(flag: number): boolean {
    return (this.flags & flag) === flag;
  }

  /** A copy with another destination (DNAT). */
  withDestination(dst: Address, dstPort: number): Packet {
    return new Packet(this.src, dst, this.protocol, this.srcPort, dstPort, this.flags, this.seq, this.ack, this.payload, this.icmpType, this.icmpCode, this.quoted, this.flow);
  }

  /** A copy with another source (SNAT, or un-doing a DNAT on the way back). */
  withSource(src: Address, srcPort: number): Packet {
    return new Packet(src, this.dst, this.protocol, srcPort, this.dstPort, this.flags, this.seq, this.ack, this.payload, this.icmpType, this.icmpCode, this.quoted, this.flow);
  }

  /** A copy with another payload of the same length. */
  withPayload(payload: Payload): Packet {
    return new Packet(this.src, this.dst, this.protocol, this.srcPort, this.dstPort, this.flags, this.seq, this.ack, payload, this.icmpType, this.icmpCode, this.quoted, this.flow);
  }

  /** One line in tcpdump's spirit: "10.0.0.2:40000 > 192.0.2.25:25 TCP [S] seq=… len=0". */
  toString(): string {
    const ends = this.srcPort > 0 || this.dstPort > 0
      ? `${formatAddress(this.src)}:${this.srcPort} > ${formatAddress(this.dst)}:${this.dstPort}`
      : `${formatAddress(this.src)} > ${formatAddress(this.dst)}`;
    switch (this.protocol) {
      case IpProtocol.TCP: {
        const body = this.payload === null ? '' : ` "${this.payload.summary()}"`;
        return `${ends} TCP [${flagString(this.flags)}] seq=${this.seq}${this.has(TcpFlag.ACK) ? ` ack=${this.ack}` : ''} len=${this.length}${body}`;
      }
      case IpProtocol.UDP:
        return `${ends} UDP len=${this.length}${this.payload === null ? '' : ` "${this.payload.summary()}"`}`;
      case IpProtocol.ICMP:
        return `${ends} ICMP type ${this.icmpType} code ${this.icmpCode}${this.quoted === null ? '' : ` about ${this.quoted.protocolName()} to ${formatAddress(this.quoted.dst)}:${this.quoted.dstPort}`}`;
      default:
        return `${ends} ${this.protocolName()} len=${this.length}`;
    }
  }

  /** "TCP", "UDP", "ICMP", "GRE", "ESP" or "IP/<n>". */
  protocolName(): string {
    return protocolName(this.protocol);
  }
}

/** Name of an IP protocol number. */
export function protocolName(protocol: number): string {
  switch (protocol) {
    case IpProtocol.ICMP: return 'ICMP';
    case IpProtocol.TCP: return 'TCP';
    case IpProtocol.UDP: return 'UDP';
    case IpProtocol.GRE: return 'GRE';
    case IpProtocol.ESP: return 'ESP';
    default: return `IP/${protocol}`;
  }
}

/** TCP flags as tcpdump writes them: S, S., ., P., F., R, R. */
export function flagString(flags: number): string {
  let s = '';
  if (flags & TcpFlag.SYN) s += 'S';
  if (flags & TcpFlag.FIN) s += 'F';
  if (flags & TcpFlag.RST) s += 'R';
  if (flags & TcpFlag.PSH) s += 'P';
  if (flags & TcpFlag.ACK) s += '.';
  return s;
}

/** A TCP segment. */
export function tcpSegment(src: Address, srcPort: number, dst: Address, dstPort: number, flags: number, seq: number, ack: number, payload: Payload | null = null, flow = 0): Packet {
  return new Packet(src, dst, IpProtocol.TCP, srcPort, dstPort, flags, seq >>> 0, ack >>> 0, payload, -1, -1, null, flow);
}

/** A UDP datagram. */
export function udpDatagram(src: Address, srcPort: number, dst: Address, dstPort: number, payload: Payload, flow = 0): Packet {
  return new Packet(src, dst, IpProtocol.UDP, srcPort, dstPort, 0, 0, 0, payload, -1, -1, null, flow);
}

/** A raw IP packet of another protocol (ESP, GRE). */
export function rawPacket(src: Address, dst: Address, protocol: number, payload: Payload, flow = 0): Packet {
  return new Packet(src, dst, protocol, 0, 0, 0, 0, 0, payload, -1, -1, null, flow);
}

/** An ICMP Destination Unreachable about `about`, sent from `from` back to `about`'s source. */
export function icmpUnreachable(from: Address, code: number, about: Packet): Packet {
  return new Packet(from, about.src, IpProtocol.ICMP, 0, 0, 0, 0, 0, null, ICMP_DEST_UNREACHABLE, code, about, about.flow);
}

/**
 * The RST a stack (or a firewall's tcp-reset) sends in answer to `to`, forged from `to`'s
 * destination: it acknowledges a segment without ACK, and takes its sequence number from the
 * ACK field otherwise (RFC 9293 §3.10.7.1), so the receiver accepts it.
 */
export function rstReplyTo(to: Packet): Packet {
  if (to.has(TcpFlag.ACK)) return tcpSegment(to.dst, to.dstPort, to.src, to.srcPort, TcpFlag.RST, to.ack, 0, null, to.flow);
  const len = to.length + (to.has(TcpFlag.SYN) ? 1 : 0) + (to.has(TcpFlag.FIN) ? 1 : 0);
  return tcpSegment(to.dst, to.dstPort, to.src, to.srcPort, TcpFlag.RST | TcpFlag.ACK, 0, to.seq + len, null, to.flow);
}
