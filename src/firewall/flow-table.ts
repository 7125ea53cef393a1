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
  /** Key of the reply direction (changes when a redirect is set). */
  replyKey: string;

  constructor(
    readonly forwardKey: string,
    readonly direction: Direction,
    readonly protocol: number,
    readonly source: Address,
    readonly sourcePort: number,
    readonly destination: Address,
    readonly destinationPort: number,
  ) {
    this.replyKey = flowKey(protocol, destination, destinationPort, source, sourcePort);
  }
}

/** The key of a packet's 5-tuple. */
export function flowKey(protocol: number, src: Address, srcPort: number, dst: Address, dstPort: number): string {
  return `${protocol}|${src}|${srcPort}|${dst}|${dstPort}`;
}

/** The tracked flows of one border. */
export class FlowTable {
  private readonly byKey = new Map<string, FlowEntry>();
  private opened = 0;
  /** After `find`: true if the packet went the flow's way, false if it was a reply. */
  forward = true;

  /** Live flows (each counted once). */
  get size(): number {
    let n = 0;
    for (const [k, e] of this.byKey) if (k === e.forwardKey) n++;
    return n;
  }

  /** The live flow `packet` belongs to, or undefined; sets `forward`. */
  find(packet: Packet, now: number): FlowEntry | undefined {
    const key = flowKey(packet.protocol, packet.src, packet.srcPort, packet.dst, packet.dstPort);
    const e = this.byKey.get(key);
    if (e === undefined) return undefined;
    if (e.expires <= now) {
      this.remove(e);
      return undefined;
    }
    this.forward = key === e.forwardKey;
    return e;
  }

  /**
   * Like `find`, for a packet that will reach the border at `at`: the flow if it is still
   * live then, or undefined, leaving an expired entry for `find` to drop; sets `forward`.
   */
  peek(packet: Packet, at: number): FlowEntry | undefined {
    const key = flowKey(packet.protocol, packet.src, packet.srcPort, packet.dst, packet.dstPort);
    const e = this.byKey.get(key);
    if (e === undefined || e.expires <= at) return undefined;
    this.forward = key === e.forwardKey;
    return e;
  }

  /** Starts tracking the flow that `packet` opens, going `direction`. */
  open(packet: Packet, direction: Direction, now: number): FlowEntry {
    const key = flowKey(packet.protocol, packet.src, packet.srcPort, packet.dst, packet.dstPort);
    const e = new FlowEntry(key, direction, packet.protocol, packet.src, packet.srcPort, packet.dst, packet.dstPort);
    e.expires = now + (packet.protocol === IpProtocol.TCP ? TCP_OPENING : packet.protocol === IpProtocol.UDP ? UDP_UNREPLIED : OTHER);
    this.byKey.set(key, e);
    this.byKey.set(e.replyKey, e);
    if (++this.opened % SWEEP_EVERY === 0) this.sweep(now);
    return e;
  }

  /** Sends the flow to `address`:`port` instead: replies will come from there. */
  redirect(e: FlowEntry, address: Address, port: number): void {
    if (this.byKey.get(e.replyKey) === e) this.byKey.delete(e.replyKey);
    e.natAddress = address;
    e.natPort = port;
    e.replyKey = flowKey(e.protocol, address, port, e.source, e.sourcePort);
    this.byKey.set(e.replyKey, e);
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
    if (this.byKey.get(e.forwardKey) === e) this.byKey.delete(e.forwardKey);
    if (this.byKey.get(e.replyKey) === e) this.byKey.delete(e.replyKey);
  }

  /** Drops every expired entry. */
  sweep(now: number): void {
    for (const e of this.byKey.values()) if (e.expires <= now) this.remove(e);
  }
}
