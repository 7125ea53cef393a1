/**
 * An access line: one subscriber's connection to an ISP (a DSL line, a SIM), with the line
 * class that carries the contract terms, and the address the ISP gave it.
 *
 * @module
 */
import type { Address } from './address.js';
import type { Host } from './host.js';
import type { Isp } from './isp.js';
import type { Pipe } from './latency.js';
import type { ContractTerms, LineClass } from './line-class.js';

/** One subscriber's line. Created by `Isp.subscribe`; ends when its host moves away. */
export class AccessLine {
  /** Subscriber → ISP edge. */
  readonly up: Pipe;
  /** ISP edge → subscriber. */
  readonly down: Pipe;
  /** False once the host has left the line. */
  active = true;
  /**
   * The terms this line is held to now: its class's contract until the ISP changes them for
   * this subscriber alone (a right withdrawn after fair-use abuse). Firewalls match on these.
   */
  contract: ContractTerms;
  /** Bytes on the wire from the subscriber that reached the ISP's edge (IP headers included). */
  bytesOut = 0;
  /** Bytes on the wire the ISP's edge sent down the line to the subscriber. */
  bytesIn = 0;
  /** When the line's volume first went over its fair-use volume, or null while it has not. */
  overFairUseSince: number | null = null;

  constructor(
    /** Stable subscriber identifier, e.g. "lime/adsl-17"; staged rollouts hash it. */
    readonly subscriber: string,
    readonly isp: Isp,
    readonly lineClass: LineClass,
    readonly host: Host,
    readonly address: Address,
  ) {
    this.up = isp.network.pipeOf(lineClass.latency);
    this.down = isp.network.pipeOf(lineClass.latency);
    this.contract = lineClass.contract;
  }

  /** Bytes both ways so far: what a fair-use policy counts. */
  get volume(): number {
    return this.bytesOut + this.bytesIn;
  }
}
