/**
 * The verdict: which rule decides a packet, and what it does. A pure function of the policy,
 * the packet's flow as connection tracking sees it, and the firewall's stored state; it
 * changes nothing, and returns the state change (a bucket level) for the caller to store.
 *
 * Matching order: the rules in order; `log` rules that match are noted and passed over; the
 * first other rule that matches decides; with none, the policy's default.
 *
 * @module
 */
import type { Address, ContractTerms, Direction, LineClass } from '../net/index.js';
import { IpProtocol } from '../net/index.js';
import type { Policy } from './policy.js';
import { inRollout } from './rollout.js';
import type { RejectWith, Rule } from './rule.js';
import { type BucketState, tokensAt } from './token-bucket.js';

/** A packet as the verdict sees it: the flow it belongs to, in the flow's orientation. */
export interface FlowView {
  /** Who opened the flow, from the ISP's side: its subscriber (outbound) or someone else. */
  readonly direction: Direction;
  readonly protocol: number;
  /** The end that opened the flow, and its port. */
  readonly source: Address;
  readonly sourcePort: number;
  /** The end that was called, and its port (before any redirect). */
  readonly destination: Address;
  readonly destinationPort: number;
  /** True for the first packet of a flow not yet tracked. */
  readonly isNew: boolean;
  /** True if this packet carries data. */
  readonly hasPayload: boolean;
  /** Application protocols found in the flow so far, this packet included (`APP_BITS`). */
  readonly apps: number;
}

/** Everything else the verdict reads. */
export interface VerdictContext {
  /** Simulated time now. */
  readonly now: number;
  /** The subscriber line the packet crosses. */
  readonly subscriber: string;
  readonly lineClass: LineClass;
  /**
   * The terms the subscriber's line is held to now (its class's, less anything withdrawn
   * from this subscriber); rules' `contract` conditions read these. Default: the class's.
   */
  readonly contract?: ContractTerms;
  /** The name of the host holding `address`, if any. */
  hostName(address: Address): string | undefined;
  /** A stored token bucket. */
  bucket(key: string): BucketState | undefined;
}

/** What to do with a packet. */
export type VerdictKind = 'accept' | 'drop' | 'reject' | 'reset' | 'redirect' | 'strip-starttls';

/** The verdict on one packet. */
export interface Decision {
  readonly kind: VerdictKind;
  /** The rule that decided, or null for the default action. */
  readonly rule: Rule | null;
  /** For `reject`: what is sent back. */
  readonly rejectWith: RejectWith | null;
  /** `log` rules that matched on the way. */
  readonly logged: readonly Rule[];
  /** A bucket to store (key and new level), when a rate limit took or refused a token. */
  readonly bucket: { readonly key: string; readonly state: BucketState } | null;
  /** True if a rate limit's "over" branch gave this verdict. */
  readonly overLimit: boolean;
}

const NO_LOGS: readonly Rule[] = Object.freeze([]);

/** True if `rule`'s conditions hold for the packet (the action aside). */
export function ruleMatches(rule: Rule, flow: FlowView, ctx: VerdictContext): boolean {
  if (rule.direction !== null && rule.direction !== flow.direction) return false;
  if (rule.protocols !== null && !rule.protocols.has(flow.protocol)) return false;
  if (ctx.now < rule.from || ctx.now >= rule.until) return false;
  if (rule.sourcePorts !== null && !rule.sourcePorts.has(flow.sourcePort)) return false;
  if (rule.destinationPorts !== null && !rule.destinationPorts.has(flow.destinationPort)) return false;
  if (rule.lineClasses !== null && !rule.lineClasses.has(ctx.lineClass.name)) return false;
  if (rule.contract.length > 0) {
    const terms = ctx.contract ?? ctx.lineClass.contract;
    for (const [k, v] of rule.contract) if (terms[k] !== v) return false;
  }
  if (rule.apps !== 0 && (flow.apps & rule.apps) === 0) return false;
  if (rule.action.type === 'reset-after-inspection' && rule.apps === 0 && !flow.hasPayload) return false;
  if (rule.source !== null && !rule.source.matches(flow.source, rule.source.namesHosts ? ctx.hostName(flow.source) : undefined)) return false;
  if (rule.destination !== null && !rule.destination.matches(flow.destination, rule.destination.namesHosts ? ctx.hostName(flow.destination) : undefined)) return false;
  if (rule.share < 1 && !inRollout(rule.shareKey, ctx.subscriber, rule.share)) return false;
  return true;
}

/** Judges one packet. Pure: reads its arguments, changes nothing. */
export function judge(policy: Policy, flow: FlowView, ctx: VerdictContext): Decision {
  let logged: Rule[] | null = null;
  for (const rule of policy.rules) {
    if (!ruleMatches(rule, flow, ctx)) continue;
    if (rule.action.type === 'log') {
      (logged ??= []).push(rule);
      continue;
    }
    return decide(rule, flow, ctx, logged ?? NO_LOGS);
  }
  return logged === null ? byDefault(policy.defaultAction) : { kind: policy.defaultAction, rule: null, rejectWith: null, logged, bucket: null, overLimit: false };
}

// A verdict with no log rule noted and no bucket to store depends only on its rule and its
// kind: it is made once and handed out again (a zombie's blocked SYNs ask millions of times).
const DEFAULTS = new Map<VerdictKind, Decision>();
const PLAIN = new WeakMap<Rule, Partial<Record<string, Decision>>>();

function byDefault(kind: VerdictKind): Decision {
  let d = DEFAULTS.get(kind);
  if (d === undefined) DEFAULTS.set(kind, (d = { kind, rule: null, rejectWith: null, logged: NO_LOGS, bucket: null, overLimit: false }));
  return d;
}

function plain(rule: Rule, kind: VerdictKind, rejectWith: RejectWith | null, logged: readonly Rule[]): Decision {
  if (logged !== NO_LOGS) return { kind, rule, rejectWith, logged, bucket: null, overLimit: false };
  let byKind = PLAIN.get(rule);
  if (byKind === undefined) PLAIN.set(rule, (byKind = {}));
  const key = rejectWith === null ? kind : `${kind}/${rejectWith}`;
  return (byKind[key] ??= { kind, rule, rejectWith, logged, bucket: null, overLimit: false });
}

function decide(rule: Rule, flow: FlowView, ctx: VerdictContext, logged: readonly Rule[]): Decision {
  const a = rule.action;
  switch (a.type) {
    case 'accept':
    case 'drop':
    case 'strip-starttls':
      return plain(rule, a.type, null, logged);
    case 'reject':
      // iptables refuses tcp-reset on rules that are not TCP-only; for anything else it drops.
      if ((a.with ?? 'icmp-port-unreachable') === 'tcp-reset' && flow.protocol !== IpProtocol.TCP) return plain(rule, 'drop', null, logged);
      return plain(rule, 'reject', a.with ?? 'icmp-port-unreachable', logged);
    case 'reset-after-inspection':
      return plain(rule, flow.protocol === IpProtocol.TCP ? 'reset' : 'drop', null, logged);
    case 'redirect':
      // A flow can only be redirected from its first packet; one already running goes on.
      return plain(rule, flow.isNew ? 'redirect' : 'accept', null, logged);
    case 'rate-limit': {
      if ((a.unit ?? 'packet') === 'connection' && !flow.isNew) return plain(rule, 'accept', null, logged);
      const key = (a.per ?? 'subscriber') === 'rule' ? `${rule.index}` : `${rule.index}/${ctx.subscriber}`;
      const tokens = tokensAt(ctx.bucket(key), ctx.now, a.rate, a.burst);
      const base = { rule, logged, rejectWith: null, bucket: null, overLimit: false };
      if (tokens >= 1) return { ...base, kind: 'accept', bucket: { key, state: { tokens: tokens - 1, time: ctx.now } } };
      const bucket = { key, state: { tokens, time: ctx.now } };
      if ((a.over ?? 'drop') === 'drop' || flow.protocol !== IpProtocol.TCP) return { ...base, kind: 'drop', bucket, overLimit: true };
      // A flow not yet open is refused with a RST; an open one is reset at both ends.
      return flow.isNew
        ? { ...base, kind: 'reject', rejectWith: 'tcp-reset', bucket, overLimit: true }
        : { ...base, kind: 'reset', bucket, overLimit: true };
    }
    case 'log':
      throw new Error('unreachable: log rules are not terminal');
  }
}
