/**
 * What the network reports as it runs: plain records, one per thing that happened to a
 * packet or a host. Traces, metrics and packet export all read these.
 *
 * @module
 */
import type { Address } from './address.js';
import type { Host } from './host.js';
import type { ContractTerms } from './line-class.js';
import type { Packet } from './packet.js';

/** Which way a packet crosses an ISP's border, seen from the ISP's subscriber. */
export type Direction = 'outbound' | 'inbound';

/** A host put a packet on the wire. */
export interface SendEvent {
  readonly type: 'send';
  readonly time: number;
  readonly host: string;
  /** The host itself, for observers that keep something on it (found without a lookup by name). */
  readonly sender: Host;
  readonly packet: Packet;
}

/** A packet reached the host it was addressed to. */
export interface DeliverEvent {
  readonly type: 'deliver';
  readonly time: number;
  readonly host: string;
  readonly packet: Packet;
}

/** A packet went nowhere: no ISP routes its destination, or no host has the address (any more). */
export interface LostEvent {
  readonly type: 'lost';
  readonly time: number;
  readonly packet: Packet;
  readonly reason: 'no-route' | 'no-host' | 'detached';
}

/**
 * An ISP's border filter acted on a packet: `action` is what was done, `rule` the rule that
 * decided it (null for the filter's default). `result` is the packet let through when it was
 * rewritten (redirect, STARTTLS stripping), else null.
 */
export interface VerdictEvent {
  readonly type: 'verdict';
  readonly time: number;
  readonly isp: string;
  readonly direction: Direction;
  readonly subscriber: string;
  readonly packet: Packet;
  readonly action: string;
  readonly rule: string | null;
  readonly result: Packet | null;
}

/** A middlebox created a packet that no host sent (a forged RST, an ICMP error). */
export interface InjectEvent {
  readonly type: 'inject';
  readonly time: number;
  readonly isp: string;
  readonly rule: string | null;
  readonly packet: Packet;
}

/** A host left one access network for another and took a new address. */
export interface MoveEvent {
  readonly type: 'move';
  readonly time: number;
  readonly host: string;
  readonly fromIsp: string | null;
  readonly toIsp: string;
  readonly address: Address;
}

/**
 * A subscriber's line went over its fair-use volume: from now on it is held to `contract`,
 * which lacks what the ISP withdraws (`withdrawn`, empty when it withdraws nothing).
 */
export interface FairUseEvent {
  readonly type: 'fair-use';
  readonly time: number;
  readonly isp: string;
  readonly subscriber: string;
  /** Bytes both ways when the volume was crossed. */
  readonly volume: number;
  /** The contract's fair-use volume. */
  readonly limit: number;
  readonly withdrawn: Partial<ContractTerms>;
  readonly contract: ContractTerms;
}

/** Any network record. */
export type NetEvent = SendEvent | DeliverEvent | LostEvent | VerdictEvent | InjectEvent | MoveEvent | FairUseEvent;

/** Receives network records as they happen. */
export type NetObserver = (event: NetEvent) => void;
