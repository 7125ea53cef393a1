/**
 * The seam between the network and whatever an ISP does to its subscribers' traffic. The
 * network calls a `BorderFilter` for each packet crossing the edge of one of the ISP's
 * access lines; `src/firewall` provides the implementation, so the network knows nothing of
 * rules.
 *
 * @module
 */
import type { AccessLine } from './access-line.js';
import type { Address } from './address.js';
import type { Direction } from './net-event.js';
import type { Network } from './network.js';
import type { Packet } from './packet.js';
import type { Payload } from './payload.js';

/** Judges packets at the edge of an ISP's access lines. */
export interface BorderFilter {
  /**
   * Called when `packet` reaches the ISP side of `line`, going `direction` (outbound: from
   * the subscriber; inbound: to it). Returns the packet to forward (the same one, or a
   * rewritten copy) or null to stop it. It may inject packets with
   * `network.injectToSubscriber` / `network.injectFromEdge`, and should report what it did
   * with `network.emit`.
   */
  filter(packet: Packet, direction: Direction, line: AccessLine, network: Network): Packet | null;
  /**
   * For the network's express path (see `Network.express`): would `filter`, called at time
   * `at` with these arguments, pass `packet` on unchanged, inject nothing and record nothing
   * that a run needs? If so, the filter does now what `filter` would do to its own state
   * then (counters, connection tracking) and returns true; if not, it changes nothing and
   * returns false, and the packet goes the ordinary way. Optional: a filter without it
   * never lets packets take the express path.
   */
  passes?(packet: Packet, direction: Direction, line: AccessLine, network: Network, at: number): boolean;
  /**
   * For a repeated packet of a flow whose first packet reached the border at `firstAt` (a
   * retransmitted SYN): would `filter`, called at time `at`, drop it as it dropped the first,
   * with nothing but its counters to show for it (no reply, no rewrite, no log rule, no rate
   * limit, no tracked flow)? If so, the filter counts it as `filter` would and returns true;
   * if not, it changes nothing and returns false. Optional.
   */
  dropsSilently?(packet: Packet, direction: Direction, line: AccessLine, network: Network, at: number, firstAt: number): boolean;
  /**
   * For the repeats still to come of a packet that `dropsSilently` has just dropped (the
   * SYNs a connection will send at `sentAt`, each reaching the border `up` seconds later):
   * would each be dropped the same way, at its moment, as long as neither end of the flow
   * moves (which the network makes sure of)? If so, the filter takes them as planned,
   * counting each as the clock reaches the moment it is sent (its counters are up to date
   * whenever they are read, and `plannedAt` says when the next is due), and returns the
   * plan, whose `cut` withdraws the repeats not yet sent when the connection ends early.
   * If not, it changes nothing and returns null. Optional.
   */
  dropsRepeats?(packet: Packet, direction: Direction, line: AccessLine, network: Network, sentAt: readonly number[], up: number, firstAt: number): PlannedDrops | null;
  /** When the next repeat planned with `dropsRepeats` is counted; Infinity if none is. */
  plannedAt?(): number;
  /**
   * For a direct session (see `Network.directRoute`): would `filter`, from `from` to `until`,
   * pass every packet of a new TCP flow between these ends, crossing `line`'s border
   * `direction` as its opening SYN does, whose payloads are among `payloads` (in the order
   * they first appear), unchanged and by its default action alone: no rule of its own, no log
   * rule, no rate limit, no rule switched on or off meanwhile? It changes nothing and records
   * nothing (a flow it clears is not tracked, and the default action's counters, which no
   * report shows, do not count it). Optional: a filter without it clears no flow.
   */
  clearsFlow?(ends: FlowEnds, payloads: readonly Payload[], direction: Direction, line: AccessLine, network: Network, from: number, until: number): boolean;
}

/** Repeats a filter took as planned (`BorderFilter.dropsRepeats`). */
export interface PlannedDrops {
  /** The connection ended at `at`: the repeats it would have sent from then on never go. */
  cut(at: number): void;
}

/** The two ends of a TCP flow, the opening end first. */
export interface FlowEnds {
  readonly source: Address;
  readonly sourcePort: number;
  readonly destination: Address;
  readonly destinationPort: number;
}
