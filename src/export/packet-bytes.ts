/**
 * The bytes of simulated packets as they would be on an Ethernet wire: Ethernet II, IPv4
 * (RFC 791), TCP (RFC 9293), UDP (RFC 768), ICMP (RFC 792), ESP (RFC 4303) and enhanced GRE as
 * PPTP uses it (RFC 2637), each with the checksums its RFC defines (RFC 1071's Internet
 * checksum, over the pseudo-header for TCP and UDP).
 *
 * @module
 */

/** IP protocol numbers (IANA). */
export const IP_PROTOCOL = { ICMP: 1, TCP: 6, UDP: 17, GRE: 47, ESP: 50 } as const;

/** The Internet checksum (RFC 1071) of `bytes`, continuing from the partial sum `initial`. */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (bytes.length % 2 === 1) sum += (bytes[bytes.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** A dotted IPv4 address as four bytes. */
export function ipBytes(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`not an IPv4 address: ${dotted}`);
  return new Uint8Array(parts);
}

/** A locally administered MAC address made from an IPv4 address: 02:00:a:b:c:d. */
export function macFor(ip: Uint8Array): Uint8Array {
  return new Uint8Array([0x02, 0x00, ...ip]);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** An Ethernet II frame carrying IPv4. */
export function ethernetFrame(src: Uint8Array, dst: Uint8Array, payload: Uint8Array): Uint8Array {
  const head = new Uint8Array(14);
  head.set(macFor(dst), 0);
  head.set(macFor(src), 6);
  head[12] = 0x08; // EtherType 0x0800: IPv4
  head[13] = 0x00;
  return concat(head, payload);
}

/** An IPv4 packet (no options; Don't Fragment set), with its header checksum. */
export function ipv4Packet(o: { src: Uint8Array; dst: Uint8Array; protocol: number; id: number; ttl?: number }, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(20);
  const v = new DataView(h.buffer);
  h[0] = 0x45; // version 4, header 5 words
  v.setUint16(2, 20 + payload.length);
  v.setUint16(4, o.id & 0xffff);
  v.setUint16(6, 0x4000); // DF: path MTU discovery, as every modern stack sets it
  h[8] = o.ttl ?? 64;
  h[9] = o.protocol;
  h.set(o.src, 12);
  h.set(o.dst, 16);
  v.setUint16(10, internetChecksum(h));
  return concat(h, payload);
}

/** The partial sum of the TCP/UDP pseudo-header (RFC 9293 §3.1). */
function pseudoSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  const p = new Uint8Array(12);
  p.set(src, 0);
  p.set(dst, 4);
  p[9] = protocol;
  new DataView(p.buffer).setUint16(10, length);
  let sum = 0;
  for (let i = 0; i < 12; i += 2) sum += ((p[i] as number) << 8) | (p[i + 1] as number);
  return sum;
}

/** TCP flag bits. */
export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** A TCP segment with its checksum; SYNs carry an MSS option, as real stacks' do. */
export function tcpSegment(
  o: { src: Uint8Array; dst: Uint8Array; sport: number; dport: number; seq: number; ack: number; flags: number; window?: number },
  payload: Uint8Array,
): Uint8Array {
  const syn = (o.flags & TCP_FLAG.SYN) !== 0;
  const headerLength = syn ? 24 : 20;
  const seg = new Uint8Array(headerLength + payload.length);
  const v = new DataView(seg.buffer);
  v.setUint16(0, o.sport);
  v.setUint16(2, o.dport);
  v.setUint32(4, o.seq >>> 0);
  v.setUint32(8, (o.flags & TCP_FLAG.ACK) !== 0 ? o.ack >>> 0 : 0);
  seg[12] = (headerLength / 4) << 4;
  seg[13] = o.flags;
  v.setUint16(14, o.window ?? 64240);
  if (syn) {
    seg[20] = 2; // MSS option: kind 2, length 4, 1460 (Ethernet MTU less 40)
    seg[21] = 4;
    v.setUint16(22, 1460);
  }
  seg.set(payload, headerLength);
  v.setUint16(16, internetChecksum(seg, pseudoSum(o.src, o.dst, IP_PROTOCOL.TCP, seg.length)));
  return seg;
}

/** A UDP datagram with its checksum (0 is sent as 0xffff, RFC 768). */
export function udpDatagram(o: { src: Uint8Array; dst: Uint8Array; sport: number; dport: number }, payload: Uint8Array): Uint8Array {
  const d = new Uint8Array(8 + payload.length);
  const v = new DataView(d.buffer);
  v.setUint16(0, o.sport);
  v.setUint16(2, o.dport);
  v.setUint16(4, d.length);
  d.set(payload, 8);
  const sum = internetChecksum(d, pseudoSum(o.src, o.dst, IP_PROTOCOL.UDP, d.length));
  v.setUint16(6, sum === 0 ? 0xffff : sum);
  return d;
}

/** An ICMP message: type, code, checksum, four bytes of rest-of-header (zero), then `body`. */
export function icmpMessage(type: number, code: number, body: Uint8Array): Uint8Array {
  const m = new Uint8Array(8 + body.length);
  m[0] = type;
  m[1] = code;
  m.set(body, 8);
  new DataView(m.buffer).setUint16(2, internetChecksum(m));
  return m;
}

/** An ESP packet: SPI, sequence number, then the encrypted rest (opaque). */
export function espPacket(spi: number, seq: number, rest: Uint8Array): Uint8Array {
  const p = new Uint8Array(8 + rest.length);
  const v = new DataView(p.buffer);
  v.setUint32(0, spi >>> 0);
  v.setUint32(4, seq >>> 0);
  p.set(rest, 8);
  return p;
}

/** An enhanced GRE packet (version 1, PPP inside) as PPTP sends: key present, with a sequence number. */
export function grePacket(callId: number, seq: number, payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(12 + payload.length);
  const v = new DataView(p.buffer);
  v.setUint16(0, 0x3001); // K and S bits, version 1
  v.setUint16(2, 0x880b); // PPP
  v.setUint16(4, payload.length);
  v.setUint16(6, callId & 0xffff);
  v.setUint32(8, seq >>> 0);
  p.set(payload, 12);
  return p;
}
