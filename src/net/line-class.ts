/**
 * Line classes: the kinds of access line an ISP sells, each with the contract terms that its
 * policies look at ("prepaid SIMs may not use VPNs", "business lines may send on port 25").
 *
 * @module
 */
import { type Latency, toLatency } from './latency.js';

/** What a subscriber's contract allows; firewall rules can match on any of these. */
export interface ContractTerms {
  /** The contract permits VPN use (T-Mobile UK's older mobile contracts did not). */
  readonly vpnAllowed: boolean;
  /** Outbound SMTP to any server on port 25 is part of the service (usually business lines only). */
  readonly port25Open: boolean;
  /** The address is static rather than taken from a dynamic pool. */
  readonly staticAddress: boolean;
  /** Monthly fair-use volume in bytes; Infinity for none. */
  readonly fairUseBytes: number;
}

/** A kind of access line with its contract terms and the delay of the line itself. */
export interface LineClass {
  /** Identifier used by scenarios and firewall rules, e.g. "consumer-adsl". */
  readonly name: string;
  /** Contract terms of lines of this class. */
  readonly contract: ContractTerms;
  /** One-way delay between the subscriber and the ISP's edge. */
  readonly latency: Latency;
}

/** Options for `lineClass`; contract terms not given take the consumer defaults. */
export interface LineClassOptions {
  name: string;
  contract?: Partial<ContractTerms>;
  latency?: Latency | number;
}

// Consumer defaults follow REFERENCE.md §4 (M3AAWG 2005; Comcast 2012; Verizon 2009): dynamic
// space, port 25 closed, VPNs allowed.
const CONSUMER_TERMS: ContractTerms = { vpnAllowed: true, port25Open: false, staticAddress: false, fairUseBytes: Infinity };

/** Builds a line class; unspecified terms are those of a consumer line. */
export function lineClass(options: LineClassOptions): LineClass {
  return {
    name: options.name,
    contract: { ...CONSUMER_TERMS, ...options.contract },
    latency: toLatency(options.latency ?? 0.01),
  };
}

const GB = 1e9;

/**
 * The standard line classes. Latencies are illustrative one-way access delays (copper DSL a
 * few ms to tens of ms, mobile data tens of ms); scenarios may override them.
 */
export const LINE_CLASSES = {
  /** Home DSL: dynamic address, port 25 closed (REFERENCE.md §4, residential practice). */
  consumerAdsl: lineClass({ name: 'consumer-adsl', latency: 0.012 }),
  /** Prepaid mobile SIM: no VPN on old tariffs, small fair-use cap (T-Mobile UK, REFERENCE.md §4). */
  mobilePrepaid: lineClass({ name: 'mobile-prepaid', contract: { vpnAllowed: false, fairUseBytes: 1 * GB }, latency: 0.045 }),
  /** Mobile contract: VPN allowed, fair-use cap. */
  mobileContract: lineClass({ name: 'mobile-contract', contract: { fairUseBytes: 10 * GB }, latency: 0.04 }),
  /** Business DSL: static address, port 25 open (Verizon exempted static-IP business lines, REFERENCE.md §4). */
  business: lineClass({ name: 'business', contract: { port25Open: true, staticAddress: true }, latency: 0.01 }),
  /** Leased line: static, unfiltered by contract, low delay. */
  leasedLine: lineClass({ name: 'leased-line', contract: { port25Open: true, staticAddress: true }, latency: 0.002 }),
} as const;
