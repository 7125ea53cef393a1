/**
 * Connection tracking: the flows an ISP's border has let through, found from either
 * direction, with what inspection has learnt about each and where a redirect sends it.
 *
 * Entries expire after idle times modelled on Linux nf_conntrack's defaults
 * (nf_conntrack-sysctl.rst): TCP 120 s until the handshake completes, 5 days established,
 * 120 s once closing, 10 s after a RST; UDP 30 s until a reply, then 120 s; others 600 s.
 * Expired entries are dropped when next looked up, and swept now and then, so the table
 * holds live flows only.
 *
 * @module
 */
import { type Address, type Direction, IpProtocol, type Packet, TcpFlag } from '../net/index.js';
import type { Rule } from './rule.js';

const TCP_OPENING = 120;
const TCP_ESTABLISHED = 432000;
const TCP_CLOSING = 120;
const TCP_RESET = 10;
const UDP_UNREPLIED = 30;
const UDP_REPLIED = 120;
const OTHER = 600;
const SWEEP_EVERY = 4096;

/** One tracked flow. */
export class FlowEntry {
  /** Application protocols inspection has found so far (`APP_BITS`). */
  apps = 0;
  /** Where a redirect sends the flow, or null. */
  natAddress: Address | null = null;
  natPort = 0;
  /** Set once the flow has been reset by the firewall: later packets are dropped. */
  resetBy: Rule | null = null;
  /** Whether the called end has answered. */
  replied = false;
  /** FINs seen. */
  fins = 0;
  /** Time after which the entry is dead. */
  expires = 0;
  /** The border time of the packet that last set `expires`. */
  touchedAt = 0;
  /**
   * The last plain acceptance `Firewall.passes` worked out for the flow, and what it holds
   * for: the rule that gave it (-1 the default action, -2 none kept), the inspection bits
   * and payload presence it was judged with, the network's addressing at the time, and the
   * stretch of time in which no rule starts or stops.
   */
  passRule = -2;
  passApps = 0;
  passPayload = false;
  passAddressing = 0;
  passFrom = 0;
  passUntil = 0;
  /** Key of the flow's direction. */
  readonly forwardKey: number;
  /** Key of the reply direction (changes when a redirect is set). */
  replyKey: number;

  constructor(
    readonly direction: Direction,
    readonly protocol: number,
    readonly source: Address,
    readonly sourcePort: number,
    readonly destination: Address,
    readonly destinationPort: number,
    keyOf: typeof flowKey = flowKey,
  ) {
    this.forwardKey = keyOf(protocol, source, sourcePort, destination, destinationPort);
    this.replyKey = keyOf(protocol, destination, destinationPort, source, sourcePort);
  }

  /** Where replies come from: the destination, or where a redirect sent the flow. */
  get replyAddress(): Address {
    return this.natAddress ?? this.destination;
  }

  get replyPort(): number {
    return this.natAddress === null ? this.destinationPort : this.natPort;
  }

  /** 1 if a packet with this 5-tuple goes the flow's way, -1 if it is a reply, 0 if it is not the flow's. */
  sideOf(protocol: number, src: Address, srcPort: number, dst: Address, dstPort: number): number {
    if (protocol !== this.protocol) return 0;
    if (src === this.source && srcPort === this.sourcePort && dst === this.destination && dstPort === this.destinationPort) return 1;
    if (dst === this.source && dstPort === this.sourcePort && src === this.replyAddress && srcPort === this.replyPort) return -1;
    return 0;
  }
}

/**
 * The key of a packet's 5-tuple: a 52-bit hash, so that a lookup builds no string. Two
 * tuples may share a key, however rarely; the table checks the tuple on every lookup and
 * keeps the second of two such flows aside under its full text.
 */
export function flowKey(protocol: number, src: Address, srcPort: number, dst: Address, dstPort: number): number {
  const ports = ((srcPort << 16) | dstPort) >>> 0;
  let a = Math.imul(src ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(dst ^ 0x7f4a7c15, 0xc2b2ae35);
  a = Math.imul(a ^ ports ^ (protocol << 8) ^ (a >>> 15), 0x27d4eb2f);
  a ^= a >>> 13;
  let b = Math.imul(dst ^ 0x165667b1, 0xcc9e2d51) ^ Math.imul(ports ^ 0x1b873593, 0x85ebca6b) ^ Math.imul(src ^ protocol, 0xe6546b64);
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
  b ^= b >>> 13;
  return (a >>> 0) * 0x100000 + (b >>> 12);
}

function tupleText(protocol: number, src: Address, srcPort: number, dst: Address, dstPort: number): string {
  return `${protocol}|${src}|${srcPort}|${dst}|${dstPort}`;
}

/** The tracked flows of one border. */
export class FlowTable {
  private readonly byKey = new Map<number, FlowEntry>();
  /** Flows whose key another flow held first, by their tuple's text (almost always empty). */
  private readonly aside = new Map<string, FlowEntry>();
  private opened = 0;
  /** After `find`: true if the packet went the flow's way, false if it was a reply. */
  forward = true;

  /** `keyOf` is for tests, which give a poor one to make tuples share keys. */
  constructor(private readonly keyOf: typeof flowKey = flowKey) {}

  /** Live flows (each counted once). */
  get size(): number {
    return new Set([...this.byKey.values(), ...this.aside.values()]).size;
  }

  /** The live flow `packet` belongs to, or undefined; sets `forward`. */
  find(packet: Packet, now: number): FlowEntry | undefined {
    const e = this.lookup(packet);
    if (e === undefined) return undefined;
    if (e.expires <= now) {
      this.remove(e);
      return undefined;
    }
    return e;
  }

  /**
   * Like `find`, for a packet that will reach the border at `at`: the flow if it is still
   * live then, or undefined, leaving an expired entry for `find` to drop; sets `forward`.
   */
  peek(packet: Packet, at: number): FlowEntry | undefined {
    const e = this.lookup(packet);
    return e === undefined || e.expires <= at ? undefined : e;
  }

  private lookup(packet: Packet): FlowEntry | undefined {
    const { protocol, src, srcPort, dst, dstPort } = packet;
    const e = this.byKey.get(this.keyOf(protocol, src, srcPort, dst, dstPort));
    let side = e === undefined ? 0 : e.sideOf(protocol, src, srcPort, dst, dstPort);
    if (side !== 0) {
      this.forward = side > 0;
      return e;
    }
    if (this.aside.size === 0) return undefined;
    const other = this.aside.get(tupleText(protocol, src, srcPort, dst, dstPort));
    side = other === undefined ? 0 : other.sideOf(protocol, src, srcPort, dst, dstPort);
    if (side === 0) return undefined;
    this.forward = side > 0;
    return other;
  }

  /** Starts tracking the flow that `packet` opens, going `direction`. */
  open(packet: Packet, direction: Direction, now: number): FlowEntry {
    const e = new FlowEntry(direction, packet.protocol, packet.src, packet.srcPort, packet.dst, packet.dstPort, this.keyOf);
    e.expires = now + (packet.protocol === IpProtocol.TCP ? TCP_OPENING : packet.protocol === IpProtocol.UDP ? UDP_UNREPLIED : OTHER);
    this.put(e.forwardKey, e, e.source, e.sourcePort, e.destination, e.destinationPort);
    this.put(e.replyKey, e, e.replyAddress, e.replyPort, e.source, e.sourcePort);
    if (++this.opened % SWEEP_EVERY === 0) this.sweep(now);
    return e;
  }

  /**
   * Files `e` under `key`, the key of the tuple `src`:`srcPort` → `dst`:`dstPort`: in place
   * of a flow of the same tuple, or aside when another tuple holds the key.
   */
  private put(key: number, e: FlowEntry, src: Address, srcPort: number, dst: Address, dstPort: number): void {
    const held = this.byKey.get(key);
    if (held === undefined || held === e || held.sideOf(e.protocol, src, srcPort, dst, dstPort) !== 0) this.byKey.set(key, e);
    else this.aside.set(tupleText(e.protocol, src, srcPort, dst, dstPort), e);
  }

  /** Unfiles `e` from `key`, the key of the given tuple (see `put`). */
  private unfile(key: number, e: FlowEntry, src: Address, srcPort: number, dst: Address, dstPort: number): void {
    if (this.byKey.get(key) === e) this.byKey.delete(key);
    else if (this.aside.size > 0) {
      const text = tupleText(e.protocol, src, srcPort, dst, dstPort);
      if (this.aside.get(text) === e) this.aside.delete(text);
    }
  }

  /** Sends the flow to `address`:`port` instead: replies will come from there. */
  redirect(e: FlowEntry, address: Address, port: number): void {
    const oldReply = e.replyKey;
    this.unfile(oldReply, e, e.replyAddress, e.replyPort, e.source, e.sourcePort);
    // A flow whose two directions hash to one key was filed once for both: unfiling its reply
    // side took its own side too, which stays.
    if (oldReply === e.forwardKey) this.put(e.forwardKey, e, e.source, e.sourcePort, e.destination, e.destinationPort);
    e.natAddress = address;
    e.natPort = port;
    e.replyKey = this.keyOf(e.protocol, address, port, e.source, e.sourcePort);
    this.put(e.replyKey, e, address, port, e.source, e.sourcePort);
  }

  /** Notes a packet of the flow passing, going `forward` or not, and extends its life. */
  touch(e: FlowEntry, packet: Packet, forward: boolean, now: number): void {
    if (!forward) e.replied = true;
    // An express packet is noted before packets that reach the border earlier than it does;
    // the entry's life is still set by the packet that reaches the border last.
    if (now < e.touchedAt) {
      if (packet.has(TcpFlag.FIN)) e.fins++;
      return;
    }
    e.touchedAt = now;
    if (e.protocol === IpProtocol.TCP) {
      if (packet.has(TcpFlag.RST)) {
        e.expires = now + TCP_RESET;
        return;
      }
      if (packet.has(TcpFlag.FIN)) e.fins++;
      e.expires = now + (e.fins > 0 ? TCP_CLOSING : e.replied && !packet.has(TcpFlag.SYN) ? TCP_ESTABLISHED : TCP_OPENING);
    } else if (e.protocol === IpProtocol.UDP) {
      e.expires = now + (e.replied ? UDP_REPLIED : UDP_UNREPLIED);
    } else {
      e.expires = now + OTHER;
    }
  }

  /** Marks the flow reset by `rule`: it is kept briefly so stragglers are dropped too. */
  markReset(e: FlowEntry, rule: Rule | null, now: number): void {
    e.resetBy = rule;
    e.expires = now + TCP_RESET;
  }

  /** Stops tracking a flow. */
  remove(e: FlowEntry): void {
    this.unfile(e.forwardKey, e, e.source, e.sourcePort, e.destination, e.destinationPort);
    this.unfile(e.replyKey, e, e.replyAddress, e.replyPort, e.source, e.sourcePort);
  }

  /** Drops every expired entry. */
  sweep(now: number): void {
    for (const e of [...this.byKey.values(), ...this.aside.values()]) if (e.expires <= now) this.remove(e);
  }
}
