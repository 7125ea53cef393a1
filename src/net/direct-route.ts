/**
 * A direct route: the path of one TCP connection whose segments can only ever arrive whole,
 * in order, after fixed delays, so that a model may skip the segments and work out when
 * each message it would send reaches the other end (a flow-level "direct session").
 *
 * `Network.directRoute` gives one only where that is provably what the ordinary way would
 * do: both ends attached and staying put (the network's `direct` predicate speaks for the
 * client; servers do not move), every pipe of both directions with a fixed delay, no line
 * metered for fair use (whose crossing would change a contract mid-flow), a listener on the
 * port, and a client that sends from its own address (no tunnel). What the borders do is
 * asked separately, once the model knows how long the flow lasts and what it carries
 * (`clears`).
 *
 * Arrival times are the same sums, in the same order, as the ordinary path's legs (and the
 * express path's): access line up, core, access line down.
 *
 * @module
 */
import type { AccessLine } from './access-line.js';
import type { Address } from './address.js';
import type { FlowEnds } from './border.js';
import type { Host } from './host.js';
import type { Network } from './network.js';
import type { Payload } from './payload.js';

/** A plain path between a client and a server for one connection (see the module notes). */
export class DirectRoute implements FlowEnds {
  /** The client's address. */
  readonly source: Address;
  /** The destination address (the server's). */
  readonly destination: Address;

  /** Use `Network.directRoute`. */
  constructor(
    private readonly network: Network,
    readonly client: Host,
    readonly server: Host,
    /** The client's ephemeral port, taken from its stack as `connect` would take it. */
    readonly sourcePort: number,
    readonly destinationPort: number,
    private readonly clientUp: number,
    private readonly coreOut: number,
    private readonly serverDown: number,
    private readonly serverUp: number,
    private readonly coreBack: number,
    private readonly clientDown: number,
  ) {
    this.source = client.address;
    this.destination = server.address;
  }

  /** When a segment the client sends at `t` reaches the server. */
  toServer(t: number): number {
    return t + this.clientUp + this.coreOut + this.serverDown;
  }

  /** When a segment the server sends at `t` reaches the client. */
  toClient(t: number): number {
    return t + this.serverUp + this.coreBack + this.clientDown;
  }

  /** Whether either end is behind a border filter, whose word `clears` must ask. */
  get filtered(): boolean {
    return (this.client.line !== null && this.client.line.isp.filter !== null) || (this.server.line !== null && this.server.line.isp.filter !== null);
  }

  /**
   * Whether every border the flow crosses would let all of its packets through unchanged by
   * its default action alone, from `from` to `until`, carrying `payloads` (see
   * `BorderFilter.clearsFlow`). A border with no filter clears everything; a filter that
   * cannot tell clears nothing.
   */
  clears(payloads: readonly Payload[], from: number, until: number): boolean {
    return this.borderClears(this.client.line, 'outbound', payloads, from, until) && this.borderClears(this.server.line, 'inbound', payloads, from, until);
  }

  private borderClears(line: AccessLine | null, direction: 'outbound' | 'inbound', payloads: readonly Payload[], from: number, until: number): boolean {
    if (line === null) return true;
    const filter = line.isp.filter;
    if (filter === null) return true;
    return filter.clearsFlow?.(this, payloads, direction, line, this.network, from, until) ?? false;
  }
}
