/**
 * An ISP's border firewall: applies a `Policy` to every packet crossing the edge of one of
 * the ISP's subscriber lines, keeps connection tracking, token buckets and per-rule
 * counters, carries out verdicts (forged RSTs, ICMP errors, redirects, rewrites), and
 * records each verdict with the rule that gave it.
 *
 * Install with `isp.filter = new Firewall(policy)`. One firewall serves one ISP.
 *
 * @module
 */
import {
  type AccessLine,
  type Address,
  type Direction,
  type BorderFilter,
  FlowBits,
  type FlowEnds,
  IcmpCode,
  icmpUnreachable,
  IpProtocol,
  type Network,
  type Packet,
  type Payload,
  type PlannedDrops,
  rstReplyTo,
  TcpFlag,
  tcpSegment,
} from '../net/index.js';
import { EventQueue } from '../engine/index.js';
import { inspect, offersStarttls, stripStarttls } from './inspection.js';
import { FlowTable, type FlowEntry } from './flow-table.js';
import { Policy, type PolicySpec } from './policy.js';
import type { RejectWith, Rule } from './rule.js';
import type { BucketState } from './token-bucket.js';
import { type Decision, type FlowView, judge, type VerdictContext } from './verdict.js';

/** Hits of one rule (or of the default action). */
export interface RuleCounters {
  /** Packets the rule decided (or, for a log rule, noted). */
  packets: number;
  /** Their payload bytes. */
  bytes: number;
  /**
   * Connections among them: a flow counts once, when its first packet meets the rule. A
   * dropped SYN's retransmissions belong to the flow the first SYN opened, so they add packets,
   * not flows (conntrack would see each as NEW, since a dropped flow leaves no entry).
   */
  flows: number;
}

/** One verdict, as kept in `Firewall.log` and sent to the network's observers. */
export interface VerdictRecord {
  readonly time: number;
  readonly direction: Direction;
  readonly subscriber: string;
  /** The flow id of the packet (the connection's `id`). */
  readonly flow: number;
  readonly packet: Packet;
  /** What was done: "accept", "drop", "reject tcp-reset", "reset", "redirect smtp.isp:25", "strip-starttls", "log", with "rate-limit: " before an over-limit verdict. */
  readonly action: string;
  /** The rule that decided, or null for the default action. */
  readonly rule: string | null;
}

/** Options for a firewall. */
export interface FirewallOptions {
  /** Keep every verdict in `log`, for `explain` (default false: records go only to the network's observers). */
  keepLog?: boolean;
}

const ICMP_CODES: Record<Exclude<RejectWith, 'tcp-reset'>, number> = {
  'icmp-net-unreachable': IcmpCode.NET_UNREACHABLE,
  'icmp-host-unreachable': IcmpCode.HOST_UNREACHABLE,
  'icmp-proto-unreachable': IcmpCode.PROTOCOL_UNREACHABLE,
  'icmp-port-unreachable': IcmpCode.PORT_UNREACHABLE,
  'icmp-net-prohibited': IcmpCode.NET_PROHIBITED,
  'icmp-host-prohibited': IcmpCode.HOST_PROHIBITED,
  'icmp-admin-prohibited': IcmpCode.ADMIN_PROHIBITED,
};

/** The repeated SYNs of one connection that a firewall counts as the clock reaches them. */
class DropPlan implements PlannedDrops {
  /** The next repeat to count. */
  next = 0;
  /** Repeats sent from this moment on are not sent after all. */
  cutAt = Infinity;

  constructor(
    readonly sentAt: readonly number[],
    readonly index: number,
    readonly bytes: number,
    readonly line: AccessLine,
    readonly wire: number,
  ) {}

  cut(at: number): void {
    this.cutAt = Math.min(this.cutAt, at);
  }
}

/** A border firewall. */
export class Firewall implements BorderFilter {
  readonly policy: Policy;
  /** Connection tracking. */
  readonly flows = new FlowTable();
  /** Every verdict, when `keepLog` is set. */
  readonly log: VerdictRecord[] = [];
  private readonly keepLog: boolean;
  private readonly buckets = new Map<string, BucketState>();
  private readonly counts: RuleCounters[];
  /** Flows (by id) already counted when a new packet of theirs was dropped or rejected. */
  private readonly refused = new FlowBits();
  private net: Network | null = null;
  /** Planned repeats (`dropsRepeats`): each plan's next moment, by the plan's slot in `plans`. */
  private readonly planned = new EventQueue();
  private readonly plans: (DropPlan | null)[] = [];
  private readonly freePlans: number[] = [];
  private readonly ctx: { now: number; subscriber: string; line: AccessLine | null };
  private readonly context: VerdictContext;
  /** A rule may reset flows: a packet let through now could meet a reset flow at the border. */
  private readonly resets: boolean;
  private readonly inspections = new WeakMap<Payload, number>();

  constructor(policy: Policy | PolicySpec, options: FirewallOptions = {}) {
    this.policy = policy instanceof Policy ? policy : new Policy(policy);
    this.resets = this.policy.rules.some((r) => r.action.type === 'reset-after-inspection');
    this.keepLog = options.keepLog === true;
    this.counts = Array.from({ length: this.policy.rules.length + 1 }, () => ({ packets: 0, bytes: 0, flows: 0 }));
    const ctx = { now: 0, subscriber: '', line: null as AccessLine | null };
    this.ctx = ctx;
    this.context = {
      get now() {
        return ctx.now;
      },
      get subscriber() {
        return ctx.subscriber;
      },
      get lineClass() {
        return (ctx.line as AccessLine).lineClass;
      },
      get contract() {
        return (ctx.line as AccessLine).contract;
      },
      hostName: (address: Address) => this.net?.hostAt(address)?.name,
      bucket: (key: string) => this.buckets.get(key),
    };
  }

  /** Counters of the rule called `name`, or of the default action when `name` is null. */
  counters(name: string | null): Readonly<RuleCounters> {
    if (this.planned.size > 0 && this.net !== null) this.settle(this.net.sim.now);
    if (name === null) return this.counts[this.policy.rules.length] as RuleCounters;
    const r = this.policy.rule(name);
    if (r === undefined) throw new Error(`no rule called "${name}"`);
    return this.counts[r.index] as RuleCounters;
  }

  /** The verdicts on flow `flow` (a connection's `id`), oldest first. Needs `keepLog`. */
  explain(flow: number): VerdictRecord[] {
    if (!this.keepLog) throw new Error('explain() needs a firewall created with { keepLog: true }');
    return this.log.filter((r) => r.flow === flow);
  }

  /** Judges and acts on one packet (see `BorderFilter`). */
  filter(packet: Packet, direction: Direction, line: AccessLine, network: Network): Packet | null {
    this.net = network;
    const now = network.sim.now;

    // ICMP errors about a tracked flow belong to it (conntrack's RELATED state).
    if (packet.protocol === IpProtocol.ICMP && packet.quoted !== null) {
      const related = this.flows.find(packet.quoted, now);
      if (related !== undefined && related.resetBy === null) return packet;
    }

    let entry = this.flows.find(packet, now);
    const forward = entry === undefined ? true : this.flows.forward;
    if (entry !== undefined && entry.resetBy !== null) {
      this.record(network, packet, direction, line, 'drop (flow was reset)', entry.resetBy);
      return null;
    }

    const apps = (entry?.apps ?? 0) | inspect(packet.payload, packet.protocol);
    const view: FlowView = entry === undefined
      ? { direction, protocol: packet.protocol, source: packet.src, sourcePort: packet.srcPort, destination: packet.dst, destinationPort: packet.dstPort, isNew: true, hasPayload: packet.payload !== null, apps }
      : { direction: entry.direction, protocol: entry.protocol, source: entry.source, sourcePort: entry.sourcePort, destination: entry.destination, destinationPort: entry.destinationPort, isNew: false, hasPayload: packet.payload !== null, apps };

    const d = this.judgeAt(view, line, now);

    const refuses = d.kind === 'drop' || d.kind === 'reject';
    const isNew = view.isNew && (!refuses || this.firstOf(packet));
    for (const r of d.logged) {
      this.count(r.index, packet, isNew);
      this.record(network, packet, direction, line, 'log', r);
    }
    this.count(d.rule === null ? this.policy.rules.length : d.rule.index, packet, isNew);
    if (isNew && refuses && packet.flow !== 0) this.refused.add(packet.flow);
    if (d.bucket !== null) this.buckets.set(d.bucket.key, d.bucket.state);

    switch (d.kind) {
      case 'accept':
      case 'strip-starttls':
      case 'redirect': {
        if (entry === undefined) entry = this.flows.open(packet, direction, now);
        if (d.kind === 'redirect' && !this.setRedirect(entry, d, network)) {
          this.flows.remove(entry);
          this.record(network, packet, direction, line, `${actionText(d)} (no such host online: dropped)`, d.rule);
          return null;
        }
        entry.apps = apps;
        this.flows.touch(entry, packet, forward, now);
        let out = translate(packet, entry, forward);
        if (d.kind === 'strip-starttls' && !forward && offersStarttls(out.payload)) {
          out = out.withPayload(stripStarttls(out.payload as NonNullable<Packet['payload']>));
        }
        if (d.rule !== null || out !== packet) this.record(network, packet, direction, line, actionText(d), d.rule, out === packet ? null : out);
        return out;
      }
      case 'drop':
        if (entry !== undefined) entry.apps = apps;
        this.record(network, packet, direction, line, actionText(d), d.rule);
        return null;
      case 'reject':
        this.reject(packet, direction, line, network, d.rejectWith as RejectWith, d.rule);
        this.record(network, packet, direction, line, actionText(d), d.rule);
        return null;
      case 'reset': {
        if (entry === undefined) entry = this.flows.open(packet, direction, now);
        entry.apps = apps;
        this.resetBothEnds(packet, entry, forward, direction, line, network, d.rule);
        this.flows.markReset(entry, d.rule, now);
        this.record(network, packet, direction, line, actionText(d), d.rule);
        return null;
      }
    }
  }

  /**
   * The express path's question (see `BorderFilter.passes`): would `filter` at time `at`
   * accept this packet of an established, untranslated TCP flow as it is, by a rule that
   * neither logs nor meters it? If so, its counters and the flow's tracking are updated as
   * `filter` would update them then; its verdict record, which only the packet's own
   * record would need, is not made.
   */
  passes(packet: Packet, direction: Direction, line: AccessLine, network: Network, at: number): boolean {
    if (this.keepLog || this.resets || packet.protocol !== IpProtocol.TCP) return false;
    const entry = this.flows.peek(packet, at);
    if (entry === undefined || entry.resetBy !== null || entry.natAddress !== null) return false;
    const forward = this.flows.forward;
    const apps = entry.apps | inspect(packet.payload, packet.protocol);
    const hasPayload = packet.payload !== null;
    // Within one flow a verdict can change only with what inspection finds, with the
    // payload's presence, with rule windows, and with which host holds which address (rules
    // may name hosts): the last acceptance stands while none of these has changed.
    let index = entry.passRule;
    if (index === -2 || entry.passApps !== apps || entry.passPayload !== hasPayload || entry.passAddressing !== network.addressing || at < entry.passFrom || at >= entry.passUntil) {
      const view: FlowView = { direction: entry.direction, protocol: entry.protocol, source: entry.source, sourcePort: entry.sourcePort, destination: entry.destination, destinationPort: entry.destinationPort, isNew: false, hasPayload, apps };
      this.net = network;
      const d = this.judgeAt(view, line, at);
      if (d.kind !== 'accept' || d.logged.length > 0 || d.bucket !== null || d.overLimit) {
        entry.passRule = -2;
        return false;
      }
      index = d.rule === null ? -1 : d.rule.index;
      const [from, until] = this.policy.steadyAround(at);
      entry.passRule = index;
      entry.passApps = apps;
      entry.passPayload = hasPayload;
      entry.passAddressing = network.addressing;
      entry.passFrom = from;
      entry.passUntil = until;
    }
    this.count(index < 0 ? this.policy.rules.length : index, packet, false);
    entry.apps = apps;
    this.flows.touch(entry, packet, forward, at);
    return true;
  }

  /**
   * For a repeated SYN (see `BorderFilter.dropsSilently`): would `filter` at time `at` drop
   * it as a new flow by a plain `drop`, with no log rule and no rate limit, by the same rule
   * that dropped the first SYN at `firstAt`? If so, it is counted as `filter` would count
   * it; its verdict record, the same as the first SYN's, is not made again.
   */
  dropsSilently(packet: Packet, direction: Direction, line: AccessLine, network: Network, at: number, firstAt: number): boolean {
    const index = this.silentDrop(packet, direction, line, network, at, firstAt);
    if (index < 0) return false;
    this.count(index, packet, this.firstOf(packet));
    return true;
  }

  /**
   * For the repeats still to come of a SYN whose first repeat `dropsSilently` just dropped
   * (see `BorderFilter.dropsRepeats`): would each, sent at `sentAt[i]` and reaching the border
   * `up` later, be dropped the same way? It is, when the first of them is and no rule switches
   * on or off before the last arrives: within one flow that is new, the verdict can change
   * only with the rule windows, with who holds the flow's addresses (the network vouches
   * that neither end moves meanwhile) and with the line's contract (which only a fair-use
   * limit changes, and the network plans no repeat on a line that has one). Each is then
   * counted when the clock reaches the moment it is sent (`settle`), as `dropsSilently`
   * would count it then.
   */
  dropsRepeats(packet: Packet, direction: Direction, line: AccessLine, network: Network, sentAt: readonly number[], up: number, firstAt: number): PlannedDrops | null {
    const n = sentAt.length;
    if (n === 0) return null;
    const from = (sentAt[0] as number) + up;
    const last = (sentAt[n - 1] as number) + up;
    if (!(last < this.policy.steadyAround(from)[1])) return null;
    const index = this.silentDrop(packet, direction, line, network, from, firstAt);
    // A repeat is never a new flow once the first SYN was refused, so each adds a packet only.
    if (index < 0 || this.firstOf(packet)) return null;
    let slot = this.freePlans.pop();
    if (slot === undefined) slot = this.plans.push(null) - 1;
    const plan = new DropPlan(sentAt, index, packet.length, line, packet.wireLength);
    this.plans[slot] = plan;
    this.planned.push(sentAt[0] as number, slot);
    return plan;
  }

  /** When the next planned repeat is counted (see `dropsRepeats`), or Infinity if none is. */
  plannedAt(): number {
    const q = this.planned;
    // What is due by now counts now, whether or not anyone reads the counters.
    if (q.size > 0 && this.net !== null) this.settle(this.net.sim.now);
    while (q.size > 0) {
      const slot = q.peekKey();
      const p = this.plans[slot] as DropPlan;
      if ((p.sentAt[p.next] as number) < p.cutAt) return q.peekTime();
      q.pop();
      this.freePlan(slot);
    }
    return Infinity;
  }

  /** Counts the planned repeats sent up to `now`. */
  private settle(now: number): void {
    const q = this.planned;
    while (q.size > 0 && q.peekTime() <= now) {
      const slot = q.peekKey();
      const p = this.plans[slot] as DropPlan;
      if ((p.sentAt[p.next] as number) < p.cutAt) {
        const c = this.counts[p.index] as RuleCounters;
        c.packets++;
        c.bytes += p.bytes;
        p.line.bytesOut += p.wire;
      }
      p.next++;
      const next = p.sentAt[p.next];
      if (next !== undefined && next < p.cutAt) q.replaceTop(next, slot);
      else {
        q.pop();
        this.freePlan(slot);
      }
    }
  }

  private freePlan(slot: number): void {
    this.plans[slot] = null;
    this.freePlans.push(slot);
  }

  /**
   * The rule index (the default action's after the rules) of the plain drop that both the
   * repeat reaching the border at `at` and the first SYN, at `firstAt`, meet; -1 if either
   * meets anything else, or the flow is tracked.
   */
  private silentDrop(packet: Packet, direction: Direction, line: AccessLine, network: Network, at: number, firstAt: number): number {
    if (this.keepLog || packet.protocol !== IpProtocol.TCP || packet.flags !== TcpFlag.SYN || this.flows.peek(packet, at) !== undefined) return -1;
    const view: FlowView = { direction, protocol: packet.protocol, source: packet.src, sourcePort: packet.srcPort, destination: packet.dst, destinationPort: packet.dstPort, isNew: true, hasPayload: false, apps: inspect(packet.payload, packet.protocol) };
    this.net = network;
    const d = this.judgeAt(view, line, at);
    const first = d.kind === 'drop' ? this.judgeAt(view, line, firstAt) : null;
    if (first === null || d.logged.length > 0 || d.bucket !== null || d.overLimit) return -1;
    if (first.kind !== 'drop' || first.rule !== d.rule || first.logged.length > 0 || first.bucket !== null || first.overLimit) return -1;
    return d.rule === null ? this.policy.rules.length : d.rule.index;
  }

  /**
   * For a direct session (see `BorderFilter.clearsFlow`): whether the policy's default action,
   * an `accept`, decides every packet such a flow could carry, from `from` until `until`:
   * its opening SYN, then packets with and without payload as inspection finds more in the
   * flow, one payload after another. No rule may switch on or off meanwhile, since the views
   * are judged once, at `from`.
   */
  clearsFlow(ends: FlowEnds, payloads: readonly Payload[], direction: Direction, line: AccessLine, network: Network, from: number, until: number): boolean {
    if (this.keepLog || this.policy.defaultAction !== 'accept' || until >= this.policy.steadyAround(from)[1]) return false;
    this.net = network;
    const view = { direction, protocol: IpProtocol.TCP, source: ends.source, sourcePort: ends.sourcePort, destination: ends.destination, destinationPort: ends.destinationPort, isNew: true, hasPayload: false, apps: 0 };
    if (!this.byDefault(view, line, from)) return false;
    view.isNew = false;
    for (let i = 0; i <= payloads.length; i++) {
      const apps = i === 0 ? 0 : view.apps | this.inspected(payloads[i - 1] as Payload);
      if (i > 0 && apps === view.apps) continue;
      view.apps = apps;
      view.hasPayload = false;
      if (!this.byDefault(view, line, from)) return false;
      view.hasPayload = true;
      if (!this.byDefault(view, line, from)) return false;
    }
    return true;
  }

  /** True if no rule of the policy, log rules included, speaks for `view`: the default decides. */
  private byDefault(view: FlowView, line: AccessLine, at: number): boolean {
    const d = this.judgeAt(view, line, at);
    return d.rule === null && d.logged.length === 0;
  }

  /** What inspection finds in `payload`, remembered per payload (direct sessions pass the same few again and again). */
  private inspected(payload: Payload): number {
    let bits = this.inspections.get(payload);
    if (bits === undefined) this.inspections.set(payload, (bits = inspect(payload, IpProtocol.TCP)));
    return bits;
  }

  /** The policy's verdict on `view`, crossing `line`'s border at time `at`. */
  private judgeAt(view: FlowView, line: AccessLine, at: number): Decision {
    this.ctx.now = at;
    this.ctx.subscriber = line.subscriber;
    this.ctx.line = line;
    const d = judge(this.policy, view, this.context);
    this.ctx.line = null;
    return d;
  }

  private setRedirect(entry: FlowEntry, d: Decision, network: Network): boolean {
    const a = (d.rule as Rule).action;
    if (a.type !== 'redirect') return false;
    const target = network.findHost(a.to);
    if (target === undefined || !target.online) return false;
    this.flows.redirect(entry, target.address, a.port ?? entry.destinationPort);
    return true;
  }

  private reject(packet: Packet, direction: Direction, line: AccessLine, network: Network, how: RejectWith, rule: Rule | null): void {
    const reply = how === 'tcp-reset' ? rstReplyTo(packet) : icmpUnreachable(line.isp.routerAddress, ICMP_CODES[how], packet);
    this.towardSender(reply, direction, line, network, rule);
  }

  /**
   * Forges a RST to each end, with the sequence number each expects (RFC 5961: exactly
   * RCV.NXT), as the DPI boxes do (REFERENCE.md §1a): the receiver of `packet` expects its
   * sequence number, since `packet` itself never arrives; its sender expects what it
   * acknowledged.
   */
  private resetBothEnds(packet: Packet, entry: FlowEntry, forward: boolean, direction: Direction, line: AccessLine, network: Network, rule: Rule | null): void {
    const seen = translate(packet, entry, forward);
    const toReceiver = tcpSegment(seen.src, seen.srcPort, seen.dst, seen.dstPort, TcpFlag.RST, seen.seq, 0, null, packet.flow);
    if (direction === 'outbound') network.injectFromEdge(toReceiver, line.isp, rule?.name ?? null);
    else network.injectToSubscriber(toReceiver, line, rule?.name ?? null);
    if (packet.has(TcpFlag.ACK)) {
      const toSender = tcpSegment(packet.dst, packet.dstPort, packet.src, packet.srcPort, TcpFlag.RST | TcpFlag.ACK, packet.ack, packet.seq + packet.length, null, packet.flow);
      this.towardSender(toSender, direction, line, network, rule);
    }
  }

  private towardSender(reply: Packet, direction: Direction, line: AccessLine, network: Network, rule: Rule | null): void {
    if (direction === 'outbound') network.injectToSubscriber(reply, line, rule?.name ?? null);
    else network.injectFromEdge(reply, line.isp, rule?.name ?? null);
  }

  /** False for a packet of a flow whose opening packet was already dropped or rejected. */
  private firstOf(packet: Packet): boolean {
    return packet.flow === 0 || !this.refused.has(packet.flow);
  }

  private count(index: number, packet: Packet, isNew: boolean): void {
    const c = this.counts[index] as RuleCounters;
    c.packets++;
    c.bytes += packet.length;
    if (isNew) c.flows++;
  }

  private record(network: Network, packet: Packet, direction: Direction, line: AccessLine, action: string, rule: Rule | null, result: Packet | null = null): void {
    if (!network.recording && !this.keepLog) return;
    const name = rule === null ? null : rule.name;
    if (this.keepLog) this.log.push({ time: network.sim.now, direction, subscriber: line.subscriber, flow: packet.flow, packet, action, rule: name });
    if (network.recording) {
      network.emit({ type: 'verdict', time: network.sim.now, isp: line.isp.name, direction, subscriber: line.subscriber, packet, action, rule: name, result });
    }
  }
}

/** The packet as it continues past the border: redirected flows have their addresses rewritten. */
function translate(packet: Packet, entry: FlowEntry, forward: boolean): Packet {
  if (entry.natAddress === null) return packet;
  return forward ? packet.withDestination(entry.natAddress, entry.natPort) : packet.withSource(entry.destination, entry.destinationPort);
}

/** A decision as text for records. */
export function actionText(d: Decision): string {
  let base: string;
  switch (d.kind) {
    case 'reject':
      base = `reject ${d.rejectWith as string}`;
      break;
    case 'redirect': {
      const a = (d.rule as Rule).action;
      base = a.type === 'redirect' ? `redirect ${a.to}${a.port === undefined ? '' : `:${a.port}`}` : 'redirect';
      break;
    }
    case 'reset':
      base = 'reset';
      break;
    default:
      base = d.kind;
  }
  return d.overLimit ? `rate-limit: ${base}` : base;
}
