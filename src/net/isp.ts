/**
 * An ISP: the prefixes it owns, the lines it sells, the servers it hosts, and the filter it
 * applies at the edge of its access lines.
 *
 * @module
 */
import type { AccessLine } from './access-line.js';
import type { Address } from './address.js';
import { AddressPool } from './address-pool.js';
import type { BorderFilter } from './border.js';
import type { Host } from './host.js';
import { type Latency, toLatency } from './latency.js';
import type { ContractTerms, LineClass } from './line-class.js';
import type { Network } from './network.js';
import { type Prefix, parsePrefix } from './prefix.js';

/** How an ISP is described to `Network.addIsp`. */
export interface IspSpec {
  /** Unique name, e.g. "lime". */
  name: string;
  /** Address blocks the ISP owns, as CIDR text or `Prefix`. */
  prefixes: readonly (string | Prefix)[];
  /** One-way delay between a hosted server and the ISP's core (default 0.5 ms). */
  hostingLatency?: Latency | number;
  /** Contract terms a line loses once its volume goes over its fair-use volume (default none). */
  fairUseWithdraws?: Partial<ContractTerms>;
}

/** Options for attaching a host. */
export interface AttachOptions {
  /** A fixed address from the ISP's blocks instead of the next free one. */
  address?: Address;
  /** Subscriber identifier for a line (default "<isp>/<n>"). */
  subscriber?: string;
}

/** An access network. Create with `Network.addIsp`. */
export class Isp {
  /** The ISP's name. */
  readonly name: string;
  /** Address blocks, in the order addresses are handed out. */
  readonly prefixes: readonly Prefix[];
  /** The ISP's own router: the source of the ICMP errors it sends. */
  readonly routerAddress: Address;
  /** Where addresses come from. */
  readonly pool: AddressPool;
  /** One-way delay of hosted servers to the core. */
  readonly hostingLatency: Latency;
  /** The filter at the edge of every access line, or null for none. */
  filter: BorderFilter | null = null;
  /** Active lines by subscriber id. */
  readonly lines = new Map<string, AccessLine>();
  /**
   * Contract terms a line loses from the moment its volume goes over its contract's
   * `fairUseBytes`, e.g. `{ vpnAllowed: false }` (T-Mobile UK could withdraw VPN use for
   * fair-use abuse, REFERENCE.md §4), or null to withdraw nothing. The crossing is recorded
   * either way.
   */
  fairUseWithdraws: Partial<ContractTerms> | null;
  private lineCount = 0;

  constructor(
    readonly network: Network,
    /** Position in the network's ISP list. */
    readonly index: number,
    spec: IspSpec,
  ) {
    if (spec.prefixes.length === 0) throw new RangeError(`ISP "${spec.name}" owns no prefix`);
    this.name = spec.name;
    this.prefixes = spec.prefixes.map((p) => (typeof p === 'string' ? parsePrefix(p) : p));
    const first = this.prefixes[0] as Prefix;
    this.routerAddress = first.length >= 31 ? first.base : first.at(1);
    this.pool = new AddressPool(this.prefixes, [this.routerAddress]);
    this.hostingLatency = toLatency(spec.hostingLatency ?? 0.0005);
    this.fairUseWithdraws = spec.fairUseWithdraws ?? null;
  }

  /** True if `address` lies in one of the ISP's blocks. */
  owns(address: Address): boolean {
    for (const p of this.prefixes) if (p.contains(address)) return true;
    return false;
  }

  /** Connects `host` as a subscriber on a new line of class `lineClass`, taking an address. */
  subscribe(host: Host, lineClass: LineClass, options: AttachOptions = {}): AccessLine {
    const line = this.network.attach(host, this, lineClass, options);
    if (line === null) throw new Error('unreachable: a subscription always has a line');
    return line;
  }

  /** Hosts `host` in the ISP's own network (a mail server, a smart host): no line, no edge filter. */
  host(host: Host, options: AttachOptions = {}): Host {
    this.network.attach(host, this, null, options);
    return host;
  }

  /** The next subscriber id, for lines created without one. */
  nextSubscriberId(): string {
    return `${this.name}/${++this.lineCount}`;
  }
}
