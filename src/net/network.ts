/**
 * The network: ISPs, hosts, the core between ISPs, DNS, and the movement of every packet.
 *
 * A packet goes host → (access line) → its ISP's edge → (core path) → the destination ISP's
 * edge → (access line) → host. Each leg is a FIFO `Pipe`, so the trip costs one kernel event
 * per leg and packets on a leg never overtake each other. At an ISP edge the ISP's
 * `BorderFilter` (if any) judges packets that cross one of its subscriber lines: outbound at
 * the sender's edge, inbound at the receiver's. Hosted servers (no line) are not filtered.
 *
 * Addresses are looked up when a packet arrives, not when it is sent: a host that has moved
 * to another network in the meantime no longer has the address, and the packet is lost.
 *
 * Volume: each subscriber line counts the bytes it carries at the ISP's edge (outbound as
 * they reach the edge, inbound as the edge sends them down). When a line first goes over its
 * contract's fair-use volume, its ISP's `fairUseWithdraws` terms are taken from its contract
 * and a `fair-use` record is made.
 *
 * Extra addresses: a host may hold aliases from its ISP's blocks besides its own address
 * (`addAlias`); packets to them reach the host (its `forward` hook, if set). A VPN gateway
 * gives these to its clients as their addresses inside the tunnel.
 *
 * Records: every send, delivery, loss, verdict and injected packet is offered to the
 * observers as a `NetEvent`. With no observer nothing is built.
 *
 * @module
 */
import { RandomStreams, type Seed, type Simulation, type Xoshiro128 } from '../engine/index.js';
import { AccessLine } from './access-line.js';
import { type Address, formatAddress } from './address.js';
import { Core } from './core.js';
import { DirectRoute } from './direct-route.js';
import { Dns } from './dns.js';
import { Host, type HostSpec } from './host.js';
import { type AttachOptions, Isp, type IspSpec } from './isp.js';
import { type Latency, Pipe } from './latency.js';
import type { LineClass } from './line-class.js';
import type { BorderFilter, PlannedDrops } from './border.js';
import type { NetEvent, NetObserver } from './net-event.js';
import type { Packet } from './packet.js';

/** Options for a new network. */
export interface NetworkOptions {
  /** The run's random streams (default: streams of seed 0). */
  streams?: RandomStreams;
  /** A seed, if `streams` is not given. */
  seed?: Seed;
}

/** Options for `Network.move`. */
export interface MoveOptions extends AttachOptions {
  /** When to move (default now); must not be in the past. */
  at?: number;
}

const STAGE_OUT_EDGE = 1;
const STAGE_IN_EDGE = 2;
const STAGE_DELIVER = 3;
const STAGE_EXPRESS = 4;

/** A packet on its way, between two legs. Pooled: the network reuses these. */
class Hop {
  packet: Packet | null = null;
  stage = 0;
  isp: Isp | null = null;
  line: AccessLine | null = null;
  host: Host | null = null;
  /** Express only: when the packet would have reached the destination's ISP. */
  atIn = 0;
}

/** One simulated Internet, bound to one simulation. */
export class Network {
  /** Names and MX records. */
  readonly dns = new Dns();
  /** Path delays between ISPs. */
  readonly core = new Core();
  private readonly streams: RandomStreams;
  private readonly sharedPipes = new Map<Latency, Pipe>();
  private readonly ispList: Isp[] = [];
  private readonly ispsByName = new Map<string, Isp>();
  private readonly hostsByName = new Map<string, Host>();
  private readonly hostsByAddress = new Map<Address, Host>();
  private observers: NetObserver[] = [];
  private packets = 0;
  private addressChanges = 0;
  private flows = 0;
  private readonly hops: Hop[] = [];
  private readonly freeHops: number[] = [];
  private readonly onHop: (slot: number) => void;
  /**
   * Which packets may take the express path, or null (the default) for none. A run sets it
   * when it does not record every packet: the predicate says which packets nobody records.
   *
   * An express packet makes one trip instead of three legs: it is scheduled once, for the
   * moment it would reach its host, and none of its `send`, `verdict` or `deliver` records
   * are made. It is taken only where the result is provably the same as the ordinary way:
   * every pipe on the path has a fixed delay (so FIFO order holds without tracking it; the
   * arrival time is summed leg by leg, in the same order, so it is the same number), no line
   * on the path has a fair-use volume (whose crossing time would move), at most one end is a
   * filtered subscriber line, and that line's filter `passes` the packet at the time it would
   * reach the border, doing to its counters and connection tracking what `filter` would do.
   * A host that was not there under the packet's address both when the packet would have
   * reached its ISP's edge and when it arrives does not get it, as on the ordinary path (of
   * a host that moves more than once while a packet is on its way, only the last two
   * attachments are known, and an alias is checked on arrival only).
   */
  express: ((packet: Packet, from: Host) => boolean) | null = null;
  /**
   * Whose connections may be made as direct sessions (see `directRoute`), or null (the
   * default) for nobody's. A run sets it when it does not record every packet: the predicate
   * says which clients nobody records and which stay where they are for good (no roaming);
   * `directRoute` itself checks the rest, a tunnel's source address included. `planAgain`
   * asks it of both ends of a blocked flow.
   */
  direct: ((client: Host) => boolean) | null = null;

  constructor(
    readonly sim: Simulation,
    options: NetworkOptions = {},
  ) {
    this.streams = options.streams ?? new RandomStreams(options.seed ?? 0);
    this.onHop = (slot) => this.step(slot);
  }

  /** Packets sent or injected so far. */
  get packetCount(): number {
    return this.packets;
  }

  /** True if anyone observes records (so callers can skip building them). */
  get recording(): boolean {
    return this.observers.length > 0;
  }

  /** Adds an observer of every `NetEvent`; returns a function that removes it. */
  observe(observer: NetObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** Offers a record to the observers. */
  emit(event: NetEvent): void {
    for (const o of this.observers) o(event);
  }

  /** The random stream `name` of this run (for latencies and protocol randomness). */
  stream(name: string): Xoshiro128 {
    return this.streams.get(name);
  }

  /**
   * Changes whenever an address is given to or taken from a host, so that what was worked
   * out from "which host has this address" can tell it may be stale.
   */
  get addressing(): number {
    return this.addressChanges;
  }

  /**
   * A pipe with `latency`: for a delay that never varies, the one pipe of this network that
   * every link with that latency shares (its arrivals, now plus the delay, come in order by
   * themselves, so it keeps the same state for every user: a million lines need no million
   * pipes); otherwise a pipe of its own.
   */
  pipeOf(latency: Latency): Pipe {
    if (latency.fixed === undefined) return new Pipe(latency);
    let p = this.sharedPipes.get(latency);
    if (p === undefined) this.sharedPipes.set(latency, (p = new Pipe(latency)));
    return p;
  }

  /** A new flow id, for traces: every connection and socket has one. */
  nextFlowId(): number {
    return ++this.flows;
  }

  /** Adds an ISP; its prefixes must not overlap another ISP's. */
  addIsp(spec: IspSpec): Isp {
    if (this.ispsByName.has(spec.name)) throw new Error(`there is already an ISP called "${spec.name}"`);
    const isp = new Isp(this, this.ispList.length, spec);
    for (const other of this.ispList) {
      for (const p of isp.prefixes) {
        for (const q of other.prefixes) {
          if (p.overlaps(q)) throw new Error(`ISP "${spec.name}" prefix ${p.toString()} overlaps ${q.toString()} of "${other.name}"`);
        }
      }
    }
    this.ispList.push(isp);
    this.ispsByName.set(isp.name, isp);
    return isp;
  }

  /** The ISP called `name`; throws if there is none. */
  isp(name: string): Isp {
    const i = this.ispsByName.get(name);
    if (i === undefined) throw new Error(`no ISP called "${name}"`);
    return i;
  }

  /** Every ISP, in the order added. */
  get isps(): readonly Isp[] {
    return this.ispList;
  }

  /** Adds a host, not yet attached anywhere. */
  addHost(spec: HostSpec): Host {
    if (this.hostsByName.has(spec.name)) throw new Error(`there is already a host called "${spec.name}"`);
    const h = new Host(this, spec);
    this.hostsByName.set(h.name, h);
    return h;
  }

  /** The host called `name`; throws if there is none. */
  host(name: string): Host {
    const h = this.hostsByName.get(name);
    if (h === undefined) throw new Error(`no host called "${name}"`);
    return h;
  }

  /** The host called `name`, or undefined. */
  findHost(name: string): Host | undefined {
    return this.hostsByName.get(name);
  }

  /** The host holding `address` now, or undefined. */
  hostAt(address: Address): Host | undefined {
    return this.hostsByAddress.get(address);
  }

  /** The ISP whose blocks contain `address`, or undefined. */
  ispOf(address: Address): Isp | undefined {
    for (const isp of this.ispList) if (isp.owns(address)) return isp;
    return undefined;
  }

  /**
   * Attaches `host` to `isp`: on a new subscriber line of class `lineClass`, or as a hosted
   * server when `lineClass` is null. A host already attached elsewhere is detached first.
   * Prefer `Isp.subscribe`, `Isp.host` and `Network.move`.
   */
  attach(host: Host, isp: Isp, lineClass: LineClass | null, options: AttachOptions = {}): AccessLine | null {
    if (host.network !== this || isp.network !== this) throw new Error('host and ISP must belong to this network');
    if (host.online) this.detach(host);
    const address = options.address !== undefined ? isp.pool.claim(options.address) : isp.pool.take();
    host.address = address;
    host.isp = isp;
    host.attachedAt = this.sim.now;
    this.addressChanges++;
    let line: AccessLine | null = null;
    if (lineClass !== null) {
      const subscriber = options.subscriber ?? isp.nextSubscriberId();
      if (isp.lines.has(subscriber)) throw new Error(`ISP "${isp.name}" already has a subscriber "${subscriber}"`);
      line = new AccessLine(subscriber, isp, lineClass, host, address);
      isp.lines.set(subscriber, line);
      host.up = line.up;
      host.down = line.down;
    } else {
      host.up = new Pipe(isp.hostingLatency);
      host.down = new Pipe(isp.hostingLatency);
    }
    host.line = line;
    this.hostsByAddress.set(address, host);
    return line;
  }

  /**
   * Gives `host` one more address from its ISP's blocks: packets to it are delivered to the
   * host (to `host.forward` when set). Throws if the host is detached. Aliases are released
   * when the host leaves its ISP.
   */
  addAlias(host: Host): Address {
    const isp = host.isp;
    if (isp === null) throw new Error(`${host.name} is not attached to any network`);
    const a = isp.pool.take();
    (host.aliases ??= new Set()).add(a);
    this.addressChanges++;
    this.hostsByAddress.set(a, host);
    return a;
  }

  /** Gives back an alias taken with `addAlias`; nothing happens if `host` does not hold it. */
  removeAlias(host: Host, address: Address): void {
    if (host.aliases === null || !host.aliases.delete(address)) return;
    this.addressChanges++;
    if (this.hostsByAddress.get(address) === host) this.hostsByAddress.delete(address);
    host.isp?.pool.release(address);
  }

  /** Takes `host` off its network; it keeps no address. */
  detach(host: Host): void {
    const isp = host.isp;
    if (isp === null) return;
    if (host.aliases !== null) for (const a of [...host.aliases]) this.removeAlias(host, a);
    if (host.line !== null) {
      host.line.active = false;
      isp.lines.delete(host.line.subscriber);
    }
    if (this.hostsByAddress.get(host.address) === host) this.hostsByAddress.delete(host.address);
    isp.pool.release(host.address);
    host.before = { isp, address: host.address, from: host.attachedAt, until: this.sim.now };
    this.addressChanges++;
    host.isp = null;
    host.line = null;
    host.up = null;
    host.down = null;
  }

  /**
   * Moves `host` to `isp` at `options.at` (default now): it leaves its old line or hosting,
   * takes an address from the new network, and keeps its name and DNS names. Connections
   * opened from the old address are not migrated: their packets no longer find the host.
   */
  move(host: Host, isp: Isp, lineClass: LineClass | null, options: MoveOptions = {}): void {
    const at = options.at ?? this.sim.now;
    const go = (): void => {
      const from = host.isp;
      this.attach(host, isp, lineClass, options);
      if (this.observers.length > 0) {
        this.emit({ type: 'move', time: this.sim.now, host: host.name, fromIsp: from?.name ?? null, toIsp: isp.name, address: host.address });
      }
    };
    if (at <= this.sim.now) go();
    else this.sim.at(at, go);
  }

  /**
   * A direct route for a TCP connection from `client` to `address`:`port`, or null where the
   * ordinary way could do anything but deliver each segment whole, in order, after fixed
   * delays (see `DirectRoute`). The route names the client's next ephemeral port; a session
   * made on it takes the port with `client.tcp.takePort()`.
   */
  directRoute(client: Host, address: Address, port: number): DirectRoute | null {
    if (this.direct === null || client.up === null || client.down === null || client.sourceFor(address) !== client.address || !this.direct(client)) return null;
    const server = this.hostsByAddress.get(address);
    if (server === undefined || server.up === null || server.down === null || server.address !== address || !server.tcp.listening(port)) return null;
    const from = client.isp as Isp;
    const to = server.isp as Isp;
    if ((client.line !== null && client.line.contract.fairUseBytes !== Infinity) || (server.line !== null && server.line.contract.fairUseBytes !== Infinity)) return null;
    const out = this.core.pipe(from, to).fixed;
    const back = this.core.pipe(to, from).fixed;
    if (client.up.fixed < 0 || out < 0 || server.down.fixed < 0 || server.up.fixed < 0 || back < 0 || client.down.fixed < 0) return null;
    return new DirectRoute(this, client, server, client.tcp.peekPort(), port, client.up.fixed, out, server.down.fixed, server.up.fixed, back, client.down.fixed);
  }

  /** Puts a packet sent by `host` on the wire. Called by hosts. */
  transmit(host: Host, packet: Packet): void {
    this.stamp(packet);
    if (this.express !== null && host.up !== null && this.express(packet, host) && this.tryExpress(host, packet)) return;
    this.sendStamped(host, packet);
  }

  private sendStamped(host: Host, packet: Packet): void {
    if (this.observers.length > 0) this.emit({ type: 'send', time: this.sim.now, host: host.name, sender: host, packet });
    if (host.isp === null || host.up === null) {
      this.lose(packet, 'detached');
      return;
    }
    this.schedule(host.up.arrival(this.sim.now), packet, STAGE_OUT_EDGE, host.isp, host.line, null);
  }

  /**
   * Puts on the wire a packet that repeats one `host` first sent at `firstSentAt`, from the
   * same line, in the same flow (a retransmitted SYN). When nobody records it (`express`)
   * and its line's filter would drop it silently at the border, as it dropped the first
   * (whose verdict is on record), it is counted there as dropped now and costs no event
   * (the filter's `dropsSilently`) and true is returned; otherwise it goes like any other
   * packet.
   */
  transmitAgain(host: Host, packet: Packet, firstSentAt: number): boolean {
    const path = this.repeatPath(host, packet, firstSentAt);
    if (path !== null && path.filter.dropsSilently !== undefined) {
      this.stamp(packet);
      if (path.filter.dropsSilently(packet, 'outbound', path.line, this, this.sim.now + path.up, firstSentAt + path.up)) {
        path.line.bytesOut += packet.wireLength;
        return true;
      }
      this.sendStamped(host, packet);
      return false;
    }
    this.transmit(host, packet);
    return false;
  }

  /**
   * Where a repeat of what `host` first sent at `firstSentAt` may be judged without going on
   * the wire: nobody records it, it leaves from the same line, on a fixed delay, with no
   * fair-use metering and a filter at the border; null otherwise.
   */
  private repeatPath(host: Host, packet: Packet, firstSentAt: number): { line: AccessLine; filter: BorderFilter; up: number } | null {
    const line = host.line;
    const filter = host.isp?.filter ?? null;
    const up = host.up?.fixed ?? -1;
    if (this.express === null || line === null || filter === null || up < 0 || host.attachedAt > firstSentAt || line.contract.fairUseBytes !== Infinity || !this.express(packet, host)) return null;
    return { line, filter, up };
  }

  /**
   * For the SYNs `host` will still send, at `sentAt`, to repeat `packet` (first sent at
   * `firstSentAt`), right after `transmitAgain` dropped one at once: the filter's plan for
   * them all (`BorderFilter.dropsRepeats`), so that none costs an event. Only where nobody
   * records the flow and both its ends stay put (`direct`: neither end moves, so the
   * addresses keep their holders and the client its line); null otherwise.
   */
  planAgain(host: Host, packet: Packet, firstSentAt: number, sentAt: readonly number[]): PlannedDrops | null {
    const direct = this.direct;
    if (direct === null || !direct(host)) return null;
    const path = this.repeatPath(host, packet, firstSentAt);
    if (path === null || path.filter.dropsRepeats === undefined) return null;
    const server = this.hostsByAddress.get(packet.dst);
    if (server === undefined || !direct(server)) return null;
    return path.filter.dropsRepeats(packet, 'outbound', path.line, this, sentAt, path.up, firstSentAt + path.up);
  }

  /**
   * When the next repeated SYN that a border took as planned (`planAgain`) is counted, or
   * Infinity: a moment at which something happens without a kernel event.
   */
  plannedAt(): number {
    let t = Infinity;
    for (const isp of this.ispList) {
      const f = isp.filter;
      if (f !== null && f.plannedAt !== undefined) t = Math.min(t, f.plannedAt());
    }
    return t;
  }

  /** Sends a packet created at `line`'s edge (a forged RST, an ICMP error) down to its subscriber. */
  injectToSubscriber(packet: Packet, line: AccessLine, rule: string | null): void {
    this.stamp(packet);
    this.countIn(line, packet);
    if (this.observers.length > 0) this.emit({ type: 'inject', time: this.sim.now, isp: line.isp.name, rule, packet });
    this.schedule(line.down.arrival(this.sim.now), packet, STAGE_DELIVER, line.isp, null, line.host);
  }

  /** Sends a packet created at `isp`'s edge toward its destination across the core. */
  injectFromEdge(packet: Packet, isp: Isp, rule: string | null): void {
    this.stamp(packet);
    if (this.observers.length > 0) this.emit({ type: 'inject', time: this.sim.now, isp: isp.name, rule, packet });
    this.route(packet, isp);
  }

  private stamp(packet: Packet): void {
    packet.id = ++this.packets;
    packet.time = this.sim.now;
  }

  private lose(packet: Packet, reason: 'no-route' | 'no-host' | 'detached'): void {
    if (this.observers.length > 0) this.emit({ type: 'lost', time: this.sim.now, packet, reason });
  }

  private schedule(time: number, packet: Packet, stage: number, isp: Isp | null, line: AccessLine | null, host: Host | null): number {
    let slot = this.freeHops.pop();
    if (slot === undefined) {
      slot = this.hops.length;
      this.hops.push(new Hop());
    }
    const h = this.hops[slot] as Hop;
    h.packet = packet;
    h.stage = stage;
    h.isp = isp;
    h.line = line;
    h.host = host;
    this.sim.at(time, this.onHop, slot);
    return slot;
  }

  /**
   * Sends `packet` on the express path if the result is the same as the ordinary way (see
   * `express`); returns false, having changed nothing, if it is not.
   */
  private tryExpress(host: Host, packet: Packet): boolean {
    const from = host.isp as Isp;
    const line = host.line;
    const up = (host.up as Pipe).fixed;
    if (up < 0 || (line !== null && line.contract.fairUseBytes !== Infinity)) return false;
    const to = this.ispOf(packet.dst);
    if (to === undefined) return false;
    const dest = this.hostsByAddress.get(packet.dst);
    if (dest === undefined || dest.isp !== to || dest.down === null) return false;
    const dline = dest.line;
    const down = dest.down.fixed;
    const core = this.core.pipe(from, to).fixed;
    if (down < 0 || core < 0 || (dline !== null && dline.contract.fairUseBytes !== Infinity)) return false;
    const outFilter = line === null ? null : from.filter;
    const inFilter = dline === null ? null : to.filter;
    if (outFilter !== null && inFilter !== null) return false;
    // The same sums, in the same order, as the three legs of the ordinary way.
    const atOut = this.sim.now + up;
    const atIn = atOut + core;
    const at = atIn + down;
    if (outFilter !== null && (outFilter.passes === undefined || !outFilter.passes(packet, 'outbound', line as AccessLine, this, atOut))) return false;
    if (inFilter !== null && (inFilter.passes === undefined || !inFilter.passes(packet, 'inbound', dline as AccessLine, this, atIn))) return false;
    if (line !== null) line.bytesOut += packet.wireLength;
    if (dline !== null) dline.bytesIn += packet.wireLength;
    (this.hops[this.schedule(at, packet, STAGE_EXPRESS, to, null, dest)] as Hop).atIn = atIn;
    return true;
  }

  private step(slot: number): void {
    const h = this.hops[slot] as Hop;
    const packet = h.packet as Packet;
    const stage = h.stage;
    const isp = h.isp;
    const line = h.line;
    const host = h.host;
    const atIn = h.atIn;
    h.packet = null;
    h.isp = null;
    h.line = null;
    h.host = null;
    this.freeHops.push(slot);
    switch (stage) {
      case STAGE_OUT_EDGE:
        this.atOutEdge(packet, isp as Isp, line);
        return;
      case STAGE_IN_EDGE:
        this.atInEdge(packet, isp as Isp);
        return;
      case STAGE_DELIVER:
        this.deliver(packet, host as Host);
        return;
      case STAGE_EXPRESS: {
        // The ordinary way looks for the host under the packet's address twice: at its ISP's
        // edge, then at the end of its line.
        const dest = host as Host;
        if (dest.isp !== isp || (dest.address !== packet.dst && !dest.holds(packet.dst))) return;
        const b = dest.before;
        if (dest.attachedAt <= atIn || (b !== null && b.isp === isp && b.address === packet.dst && b.from <= atIn && atIn < b.until)) dest.receive(packet);
        return;
      }
    }
  }

  private atOutEdge(packet: Packet, isp: Isp, line: AccessLine | null): void {
    let p: Packet | null = packet;
    if (line !== null) {
      line.bytesOut += packet.wireLength;
      if (line.overFairUseSince === null && line.volume > line.contract.fairUseBytes) this.overFairUse(line);
      if (isp.filter !== null) p = isp.filter.filter(packet, 'outbound', line, this);
    }
    if (p !== null) this.route(p, isp);
  }

  private route(packet: Packet, from: Isp): void {
    const to = this.ispOf(packet.dst);
    if (to === undefined) {
      this.lose(packet, 'no-route');
      return;
    }
    this.schedule(this.core.pipe(from, to).arrival(this.sim.now), packet, STAGE_IN_EDGE, to, null, null);
  }

  private atInEdge(packet: Packet, isp: Isp): void {
    const host = this.hostsByAddress.get(packet.dst);
    if (host === undefined || host.isp !== isp || host.down === null) {
      this.lose(packet, 'no-host');
      return;
    }
    let p: Packet | null = packet;
    const line = host.line;
    if (line !== null && isp.filter !== null) p = isp.filter.filter(packet, 'inbound', line, this);
    if (p === null) return;
    if (line !== null) this.countIn(line, p);
    this.schedule(host.down.arrival(this.sim.now), p, STAGE_DELIVER, isp, null, host);
  }

  private countIn(line: AccessLine, packet: Packet): void {
    line.bytesIn += packet.wireLength;
    if (line.overFairUseSince === null && line.volume > line.contract.fairUseBytes) this.overFairUse(line);
  }

  private overFairUse(line: AccessLine): void {
    line.overFairUseSince = this.sim.now;
    const limit = line.contract.fairUseBytes;
    const withdrawn = line.isp.fairUseWithdraws ?? {};
    line.contract = { ...line.contract, ...withdrawn };
    if (this.observers.length > 0) {
      this.emit({ type: 'fair-use', time: this.sim.now, isp: line.isp.name, subscriber: line.subscriber, volume: line.volume, limit, withdrawn, contract: line.contract });
    }
  }

  private deliver(packet: Packet, host: Host): void {
    if (!host.online || (host.address !== packet.dst && !host.holds(packet.dst))) {
      this.lose(packet, 'no-host');
      return;
    }
    if (this.observers.length > 0) this.emit({ type: 'deliver', time: this.sim.now, host: host.name, packet });
    host.receive(packet);
  }

  /** "name (address)" of the host at `address`, or the bare address. */
  describe(address: Address): string {
    const h = this.hostsByAddress.get(address);
    return h === undefined ? formatAddress(address) : `${h.name} (${formatAddress(address)})`;
  }
}
