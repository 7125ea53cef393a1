/**
 * Firewall rules: what a scenario writes (`RuleSpec`, plain data) and what the verdict
 * function reads (`Rule`, compiled once).
 *
 * Rules describe flows. `source` and `sourcePorts` are the end that opened the flow,
 * `destination` and `destinationPorts` the end that answered, and `direction` says whether
 * the ISP's subscriber opened it (outbound) or was called (inbound). Every packet of a flow,
 * replies included, is judged with the flow's orientation; that is how connection tracking
 * lets replies of an allowed flow through.
 *
 * @module
 */
import { type ContractTerms, type Direction, IpProtocol } from '../net/index.js';
import { type AppProtocol, appBits } from './app-protocol.js';
import { compileEndpoint, type EndpointMatcher, type EndpointSpec, type HostGroups } from './endpoint.js';
import { parsePorts, type PortSet, type PortSpec } from './port-set.js';

/** IP protocols by name, or a number. */
export type ProtocolSpec = 'tcp' | 'udp' | 'icmp' | 'esp' | 'gre' | number;

/**
 * What a reject sends back. Names and ICMP codes as iptables' REJECT (REFERENCE.md §1c):
 * tcp-reset is a RST forged from the destination; the others are ICMP type 3 with codes
 * 0, 1, 2, 3, 9, 10 and 13.
 */
export type RejectWith =
  | 'tcp-reset'
  | 'icmp-net-unreachable'
  | 'icmp-host-unreachable'
  | 'icmp-proto-unreachable'
  | 'icmp-port-unreachable'
  | 'icmp-net-prohibited'
  | 'icmp-host-prohibited'
  | 'icmp-admin-prohibited';

/** What a rule does to the packets it matches. */
export type Action =
  /** Let it through. */
  | { readonly type: 'accept' }
  /** Discard it silently: the sender hears nothing and times out. */
  | { readonly type: 'drop' }
  /** Discard it and tell the sender (default ICMP port-unreachable, as iptables). */
  | { readonly type: 'reject'; readonly with?: RejectWith }
  /**
   * Let the flow run until inspection matches the rule, then forge a RST to each end and drop
   * the packet (T-Mobile UK, REFERENCE.md §4). Without an `app` condition, the first packet
   * carrying data triggers it.
   */
  | { readonly type: 'reset-after-inspection' }
  /** Send new flows transparently to the host `to` (port `port`, default the original). */
  | { readonly type: 'redirect'; readonly to: string; readonly port?: number }
  /** Let the flow through, overwriting the STARTTLS offer in the server's EHLO reply. */
  | { readonly type: 'strip-starttls' }
  /**
   * A token bucket of `burst` tokens refilled at `rate` per second, one per subscriber
   * (default) or one for the whole rule. A packet (or, with unit "connection", a new flow)
   * takes a token and passes; without one it is dropped, or reset (`over: "reset"`).
   */
  | {
      readonly type: 'rate-limit';
      readonly rate: number;
      readonly burst: number;
      readonly per?: 'subscriber' | 'rule';
      readonly unit?: 'packet' | 'connection';
      readonly over?: 'drop' | 'reset';
    }
  /** Count and record the packet, then go on to the next rule. */
  | { readonly type: 'log' };

/** The action types. */
export type ActionType = Action['type'];

/** A rule as a scenario writes it. Conditions left out match anything. */
export interface RuleSpec {
  /** Unique within the policy; reported with every verdict. */
  name: string;
  /** Who opened the flow: the subscriber ("outbound") or someone else ("inbound"). */
  direction?: Direction | 'any';
  protocol?: ProtocolSpec | readonly ProtocolSpec[];
  /** The end that opened the flow. */
  source?: EndpointSpec;
  /** The end that was called. */
  destination?: EndpointSpec;
  sourcePorts?: PortSpec;
  destinationPorts?: PortSpec;
  /** Line class names of the subscriber ("consumer-adsl", "mobile-prepaid", ...). */
  lineClasses?: readonly string[];
  /**
   * Contract terms the subscriber's line must have now, e.g. { vpnAllowed: false }: its
   * class's terms, less any the ISP has withdrawn from it (after fair-use abuse).
   */
  contract?: Partial<ContractTerms>;
  /** Application protocols found by inspection in the flow (any of them). */
  app?: AppProtocol | readonly AppProtocol[];
  /** Active from `from` (inclusive) until `until` (exclusive), in simulated seconds. */
  window?: { readonly from?: number; readonly until?: number };
  /** The share of subscribers (0 to 1) the rule applies to: a staged rollout. */
  share?: number;
  /**
   * What the rollout is keyed on (default the rule's name). Rules sharing a key pick the same
   * subscribers, and raising `share` only adds subscribers.
   */
  shareKey?: string;
  /** What to do; a bare type stands for an action without options. */
  action: Action | 'accept' | 'drop' | 'reject' | 'reset-after-inspection' | 'strip-starttls' | 'log';
}

/** A compiled rule. */
export class Rule {
  readonly name: string;
  /** Position in the policy, from 0. */
  readonly index: number;
  readonly direction: Direction | null;
  /** Protocol numbers, or null for any. */
  readonly protocols: ReadonlySet<number> | null;
  readonly source: EndpointMatcher | null;
  readonly destination: EndpointMatcher | null;
  readonly sourcePorts: PortSet | null;
  readonly destinationPorts: PortSet | null;
  readonly lineClasses: ReadonlySet<string> | null;
  readonly contract: readonly (readonly [keyof ContractTerms, ContractTerms[keyof ContractTerms]])[];
  /** Application protocol bits (any of them), or 0 for no condition. */
  readonly apps: number;
  readonly from: number;
  readonly until: number;
  readonly share: number;
  readonly shareKey: string;
  readonly action: Action;

  constructor(spec: RuleSpec, index: number, groups: HostGroups) {
    this.name = spec.name;
    this.index = index;
    this.direction = spec.direction === undefined || spec.direction === 'any' ? null : spec.direction;
    this.protocols = spec.protocol === undefined ? null : new Set((Array.isArray(spec.protocol) ? spec.protocol : [spec.protocol]).map(protocolNumber));
    this.source = spec.source === undefined ? null : compileEndpoint(spec.source, groups);
    this.destination = spec.destination === undefined ? null : compileEndpoint(spec.destination, groups);
    this.sourcePorts = spec.sourcePorts === undefined ? null : parsePorts(spec.sourcePorts);
    this.destinationPorts = spec.destinationPorts === undefined ? null : parsePorts(spec.destinationPorts);
    this.lineClasses = spec.lineClasses === undefined ? null : new Set(spec.lineClasses);
    this.contract = Object.entries(spec.contract ?? {}) as [keyof ContractTerms, ContractTerms[keyof ContractTerms]][];
    this.apps = spec.app === undefined ? 0 : appBits(typeof spec.app === 'string' ? [spec.app] : spec.app);
    this.from = spec.window?.from ?? -Infinity;
    this.until = spec.window?.until ?? Infinity;
    if (!(this.from < this.until)) throw new RangeError(`rule "${spec.name}": its window ends before it starts`);
    this.share = spec.share ?? 1;
    if (!(this.share >= 0 && this.share <= 1)) throw new RangeError(`rule "${spec.name}": share must be from 0 to 1, got ${spec.share}`);
    this.shareKey = spec.shareKey ?? spec.name;
    this.action = normaliseAction(spec.action, spec.name);
  }

  /** True for actions that end the search (everything but log). */
  get terminal(): boolean {
    return this.action.type !== 'log';
  }

  /** True if the rule can only match TCP. */
  get tcpOnly(): boolean {
    return this.protocols !== null && this.protocols.size === 1 && this.protocols.has(IpProtocol.TCP);
  }

  /** The action as one word or phrase for reports: "drop", "reject tcp-reset", "redirect smtp.isp:25". */
  describeAction(): string {
    return describeAction(this.action);
  }
}

/** An action as text for reports. */
export function describeAction(a: Action): string {
  switch (a.type) {
    case 'reject': return `reject ${a.with ?? 'icmp-port-unreachable'}`;
    case 'redirect': return `redirect ${a.to}${a.port === undefined ? '' : `:${a.port}`}`;
    case 'rate-limit': return `rate-limit ${a.rate}/s burst ${a.burst} per ${a.per ?? 'subscriber'}`;
    default: return a.type;
  }
}

function normaliseAction(a: RuleSpec['action'], rule: string): Action {
  const action: Action = typeof a === 'string' ? ({ type: a } as Action) : a;
  if (action.type === 'rate-limit' && (!(action.rate > 0) || !(action.burst >= 1))) {
    throw new RangeError(`rule "${rule}": a rate limit needs rate > 0 and burst >= 1`);
  }
  if (action.type === 'redirect' && action.port !== undefined && !(Number.isInteger(action.port) && action.port >= 1 && action.port <= 65535)) {
    throw new RangeError(`rule "${rule}": redirect port must be 1 to 65535`);
  }
  return action;
}

const PROTOCOLS: Record<string, number> = { tcp: IpProtocol.TCP, udp: IpProtocol.UDP, icmp: IpProtocol.ICMP, esp: IpProtocol.ESP, gre: IpProtocol.GRE };

function protocolNumber(p: ProtocolSpec): number {
  if (typeof p === 'number') {
    if (!Number.isInteger(p) || p < 0 || p > 255) throw new RangeError(`IP protocol numbers are 0 to 255, got ${p}`);
    return p;
  }
  const n = PROTOCOLS[p];
  if (n === undefined) throw new RangeError(`unknown protocol "${p}"; expected tcp, udp, icmp, esp, gre or a number`);
  return n;
}
