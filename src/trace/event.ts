/**
 * The records a run emits and a trace stores: what happened, when, to whom.
 *
 * Every record is plain data with a `kind` tag and a time `t` in simulated seconds since the
 * start of the run. Records reach the trace in the order they happened, so times never go
 * down. The trace stores times to the microsecond, the resolution at which portsim reads and
 * prints durations (see `src/engine/time.ts`).
 *
 * Identifiers: a `flow` is one transport connection (or one UDP/IP exchange) and is unique in
 * a run; a `msg` is one mail message, unique in a run, kept across every attempt to deliver it.
 * Clients, groups, servers, ISPs, rules and lists are named as in the scenario.
 *
 * @module
 */
import type { Seconds } from '../engine/index.js';

/** IP protocols a packet can carry. */
export type Protocol = 'TCP' | 'UDP' | 'ICMP' | 'GRE' | 'ESP';

/**
 * TCP flags in tcpdump's notation: `S` SYN, `S.` SYN-ACK, `.` ACK, `P.` push, `F.` FIN,
 * `R` reset, `R.` reset-ACK. Empty for protocols without flags.
 */
export type TcpFlags = 'S' | 'S.' | '.' | 'P.' | 'F.' | 'R' | 'R.' | '';

/** Who really put a packet on the wire: a firewall forging a reset says `isp`. */
export type PacketOrigin = 'client' | 'server' | 'isp';

/** What an ISP firewall rule did to a packet or flow. */
export type VerdictAction = 'accept' | 'drop' | 'reject' | 'reset' | 'redirect' | 'strip-starttls' | 'rate-limit';

/** The firewall rule that acted on a packet, and what it did. */
export interface Verdict {
  /** The ISP whose firewall evaluated the packet. */
  isp: string;
  /** The rule's id in the scenario. */
  rule: string;
  action: VerdictAction;
}

/** One IP packet, seen where it was decided (client side, ISP firewall or server side). */
export interface PacketEvent {
  kind: 'packet';
  t: Seconds;
  flow: number;
  /** Who sent it; forged packets name the ISP while `src` names the host they pretend to be. */
  from: PacketOrigin;
  /** Dotted IPv4 source address. */
  src: string;
  /** Dotted IPv4 destination address. */
  dst: string;
  proto: Protocol;
  sport: number;
  dport: number;
  flags: TcpFlags;
  seq: number;
  ack: number;
  /** Payload bytes. */
  len: number;
  /** Payload summary: `EHLO laptop`, `250-STARTTLS`, `TLS ClientHello`; empty if none. */
  info: string;
  /** Set on ICMP packets. */
  icmp?: { type: number; code: number };
  /** Set when a firewall rule matched this packet. */
  verdict?: Verdict;
  group?: string;
  client?: string;
}

/** How a connection attempt ended, as the client's socket saw it. */
export type ConnectOutcome = 'connected' | 'refused' | 'unreachable' | 'timed-out' | 'reset';

/** A client's attempt to open a connection, recorded when its outcome is known. */
export interface ConnectEvent {
  kind: 'connect';
  t: Seconds;
  flow: number;
  group: string;
  client: string;
  server: string;
  port: number;
  outcome: ConnectOutcome;
  /** The error the client's socket reported: `ECONNREFUSED`, `ETIMEDOUT`, `ECONNRESET`, … */
  errno?: string;
  /** Seconds from the first SYN to the outcome. */
  elapsed: Seconds;
  /** The firewall rule that decided the outcome, as `isp/rule`, if one did. */
  rule?: string;
}

/** One SMTP command or reply line on a flow. */
export interface SmtpEvent {
  kind: 'smtp';
  t: Seconds;
  flow: number;
  from: 'client' | 'server';
  line: string;
}

/** Where a message is in its life. */
export type MessageStage =
  | 'created'
  | 'attempt'
  | 'accepted'
  | 'deferred'
  | 'rejected'
  | 'delivered'
  | 'bounced'
  | 'dropped'
  | 'failed'
  | 'warned';

/** Stages after which a message is gone: nothing more happens to it. */
export const FINAL_STAGES: ReadonlySet<MessageStage> = new Set(['rejected', 'delivered', 'bounced', 'dropped', 'failed']);

/** A step in one mail message's life, from creation to its fate. */
export interface MessageEvent {
  kind: 'message';
  t: Seconds;
  msg: number;
  group: string;
  client: string;
  cls: 'legit' | 'spam';
  stage: MessageStage;
  /** Who acted: the client's mail program, an MTA, the ISP's smart host. */
  by?: string;
  server?: string;
  port?: number;
  /** The SMTP reply that decided this step, e.g. `421 4.7.0 Too many messages`. */
  reply?: string;
  /** Why, in a few words: `connection timed out`, `queue lifetime exceeded`. */
  cause?: string;
  /** The firewall rule involved, as `isp/rule`. */
  rule?: string;
  /** The connection this step happened on. */
  flow?: number;
  /** The delivery attempt this step belongs to, from 1. */
  attempt?: number;
}

/** What a simulated person did. */
export type UserAction = 'error' | 'reconfigured' | 'support-call' | 'gave-up' | 'moved';

/** A person reacting: an error dialog seen, a setting changed, a call to support. */
export interface UserEvent {
  kind: 'user';
  t: Seconds;
  group: string;
  client: string;
  what: UserAction;
  detail: string;
}

/** A blocklist listing or delisting an address. */
export interface ListingEvent {
  kind: 'listing';
  t: Seconds;
  list: string;
  ip: string;
  /** The list's return code bits (127.0.0.x), 0 on delisting. */
  bits: number;
  listed: boolean;
}

/** A VPN tunnel coming up, or failing to. */
export interface VpnEvent {
  kind: 'vpn';
  t: Seconds;
  group: string;
  client: string;
  protocol: string;
  outcome: 'established' | 'failed';
  detail: string;
}

/** A timed change in the world: a rule switched on, a fix applied. */
export interface ChangeEvent {
  kind: 'change';
  t: Seconds;
  text: string;
}

/** A caption the scenario's author wrote for learners, shown when reached. */
export interface CaptionEvent {
  kind: 'caption';
  t: Seconds;
  text: string;
}

/** A question for learners: the replay pauses, asks for a prediction, then reveals. */
export interface QuestionEvent {
  kind: 'question';
  t: Seconds;
  prompt: string;
  answer: string;
}

/** A sample of a server's outbound queue depth. */
export interface QueueEvent {
  kind: 'queue';
  t: Seconds;
  server: string;
  depth: number;
}

/**
 * A firewall rule's counters, as the run's report counts them: every packet the rule decided
 * and every connection among them. Written when they have changed, at most once a simulated
 * minute, so the replay's rule table is exact even when only a sample of packets is recorded.
 */
export interface RuleEvent {
  kind: 'rule';
  t: Seconds;
  /** `isp/rule`. */
  rule: string;
  packets: number;
  flows: number;
}

/** A receiving server's decision on one message. */
export interface ServerEvent {
  kind: 'server';
  t: Seconds;
  server: string;
  what: 'accepted' | 'deferred' | 'rejected';
}

/** A scenario expectation checked during the run. */
export interface ExpectationEvent {
  kind: 'expectation';
  t: Seconds;
  name: string;
  ok: boolean;
  detail: string;
}

/** Any record in a trace. */
export type TraceEvent =
  | PacketEvent
  | ConnectEvent
  | SmtpEvent
  | MessageEvent
  | UserEvent
  | ListingEvent
  | VpnEvent
  | ChangeEvent
  | CaptionEvent
  | QuestionEvent
  | QueueEvent
  | RuleEvent
  | ServerEvent
  | ExpectationEvent;

/** The `kind` tag of a trace record. */
export type EventKind = TraceEvent['kind'];

/**
 * Every kind, in a fixed order. The position is part of the file format (the binary tag and
 * the per-block kind mask): append new kinds, never reorder.
 */
export const EVENT_KINDS: readonly EventKind[] = [
  'packet',
  'connect',
  'smtp',
  'message',
  'user',
  'listing',
  'vpn',
  'change',
  'caption',
  'question',
  'queue',
  'server',
  'expectation',
  'rule',
];

/** The record of a given kind. */
export type EventOf<K extends EventKind> = Extract<TraceEvent, { kind: K }>;
