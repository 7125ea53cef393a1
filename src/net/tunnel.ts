/**
 * The seam between a host's own stacks and a tunnel that carries some of its traffic
 * elsewhere (a VPN client). The network knows nothing of how a tunnel encapsulates: a host
 * with a tunnel sends every packet whose source is the tunnel's address through `carry`
 * instead of onto its line, and its stacks pick that source for the destinations the
 * tunnel routes. Whatever the far end sends back is handed to `Host.receive` by the tunnel.
 *
 * @module
 */
import type { Address } from './address.js';
import type { Packet } from './packet.js';

/** A tunnel installed on a host (`host.tunnel = …`) while it is up. */
export interface HostTunnel {
  /** The host's address inside the tunnel, from the far end's network; never the host's own. */
  readonly address: Address;
  /** True if traffic to `destination` goes through the tunnel (the far end itself never does). */
  routes(destination: Address): boolean;
  /** Carries one inner packet (source `address`) to the far end. Called by `Host.send`. */
  carry(packet: Packet): void;
}
