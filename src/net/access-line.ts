/**
 * An access line: one subscriber's connection to an ISP (a DSL line, a SIM), with the line
 * class that carries the contract terms, and the address the ISP gave it.
 *
 * @module
 */
import type { Address } from './address.js';
import type { Host } from './host.js';
import type { Isp } from './isp.js';
import { Pipe } from './latency.js';
import type { LineClass } from './line-class.js';

/** One subscriber's line. Created by `Isp.subscribe`; ends when its host moves away. */
export class AccessLine {
  /** Subscriber → ISP edge. */
  readonly up: Pipe;
  /** ISP edge → subscriber. */
  readonly down: Pipe;
  /** False once the host has left the line. */
  active = true;

  constructor(
    /** Stable subscriber identifier, e.g. "lime/adsl-17"; staged rollouts hash it. */
    readonly subscriber: string,
    readonly isp: Isp,
    readonly lineClass: LineClass,
    readonly host: Host,
    readonly address: Address,
  ) {
    this.up = new Pipe(lineClass.latency);
    this.down = new Pipe(lineClass.latency);
  }
}
