/**
 * The aggregate state of a run at a point of its trace: the counts the replay shows, as a
 * fold over the records up to that point.
 *
 * The state is plain JSON data, so keyframes store it as is. What is counted where, so that
 * nothing is counted twice:
 * - messages, per client group and class, from `message` records only;
 * - servers' accepted/deferred/rejected from `server` records, queue depth from `queue`;
 * - firewall rules: packets and flows from `rule` records, which carry the firewall's own
 *   counters; in traces made before those existed, packets from `packet` verdicts and flows
 *   from `connect` records. Messages from `message` records that name the rule.
 *
 * @module
 */
import type { Seconds } from '../engine/index.js';
import {
  type ConnectOutcome,
  FINAL_STAGES,
  type MessageStage,
  type TraceEvent,
  type UserAction,
} from './event.js';

/** Message counts of one class of mail (legitimate or spam). */
export interface ClassTally {
  /** Messages written. */
  created: number;
  /** Delivery attempts begun. */
  attempts: number;
  accepted: number;
  /** Temporary failures (4xx, timeouts) after which the message waits to be retried. */
  deferred: number;
  rejected: number;
  delivered: number;
  bounced: number;
  dropped: number;
  failed: number;
  /** Delay warnings sent back to the sender. */
  warned: number;
  /** Messages created and not yet at their fate. */
  queued: number;
}

/** Everything counted for one client group. */
export interface GroupTally {
  legit: ClassTally;
  spam: ClassTally;
  /** Connection attempts by outcome. */
  connects: Record<ConnectOutcome, number>;
  /** What the group's people did, by kind. */
  users: Record<UserAction, number>;
  vpnUp: number;
  vpnFailed: number;
}

/** A receiving server's decisions and its queue. */
export interface ServerTally {
  accepted: number;
  deferred: number;
  rejected: number;
  /** The last sampled queue depth. */
  queue: number;
  peakQueue: number;
}

/** How often a firewall rule acted. */
export interface RuleTally {
  packets: number;
  flows: number;
  /**
   * Delivery attempts the rule stopped: message records that name it. A message an MTA
   * retries counts once per try (the replay's "tries" column).
   */
  messages: number;
}

/** A blocklist's activity. */
export interface ListTally {
  listings: number;
  delistings: number;
  /** Addresses listed now, in the order they were listed. */
  listed: string[];
}

/** The state of a run after some prefix of its trace. */
export interface AggregateState {
  /** Records folded so far. */
  events: number;
  /** Time of the last record folded (0 before any). */
  t: Seconds;
  /** Message counts summed over every group and class. */
  totals: ClassTally;
  groups: Record<string, GroupTally>;
  servers: Record<string, ServerTally>;
  /** Keyed `isp/rule`. */
  rules: Record<string, RuleTally>;
  /** Set once a `rule` record is seen: rule packets and flows come from those records only. */
  ruleCounters?: boolean;
  lists: Record<string, ListTally>;
  packets: number;
  resets: number;
  changes: number;
  failedExpectations: number;
}

/** A zeroed message tally. */
export function emptyClassTally(): ClassTally {
  return { created: 0, attempts: 0, accepted: 0, deferred: 0, rejected: 0, delivered: 0, bounced: 0, dropped: 0, failed: 0, warned: 0, queued: 0 };
}

function emptyGroup(): GroupTally {
  return {
    legit: emptyClassTally(),
    spam: emptyClassTally(),
    connects: { connected: 0, refused: 0, unreachable: 0, 'timed-out': 0, reset: 0 },
    users: { error: 0, reconfigured: 0, 'support-call': 0, 'gave-up': 0, moved: 0 },
    vpnUp: 0,
    vpnFailed: 0,
  };
}

/** The state before any record. */
export function emptyState(): AggregateState {
  return {
    events: 0,
    t: 0,
    totals: emptyClassTally(),
    groups: {},
    servers: {},
    rules: {},
    lists: {},
    packets: 0,
    resets: 0,
    changes: 0,
    failedExpectations: 0,
  };
}

/** A deep copy of a state (states are plain data). */
export function cloneState(s: AggregateState): AggregateState {
  return structuredClone(s);
}

/** Folds one record into a state, returning a new state; `s` is left as it was. */
export function aggregate(s: AggregateState, e: TraceEvent): AggregateState {
  const next = cloneState(s);
  applyEvent(next, e);
  return next;
}

/** Folds records into a copy of `s`: the same as chaining `aggregate`, with one copy. */
export function foldEvents(s: AggregateState, events: Iterable<TraceEvent>): AggregateState {
  const next = cloneState(s);
  for (const e of events) applyEvent(next, e);
  return next;
}

const STAGE_FIELD: Record<MessageStage, keyof ClassTally> = {
  created: 'created',
  attempt: 'attempts',
  accepted: 'accepted',
  deferred: 'deferred',
  rejected: 'rejected',
  delivered: 'delivered',
  bounced: 'bounced',
  dropped: 'dropped',
  failed: 'failed',
  warned: 'warned',
};

function group(s: AggregateState, name: string): GroupTally {
  let g = s.groups[name];
  if (g === undefined) s.groups[name] = g = emptyGroup();
  return g;
}

function server(s: AggregateState, name: string): ServerTally {
  let v = s.servers[name];
  if (v === undefined) s.servers[name] = v = { accepted: 0, deferred: 0, rejected: 0, queue: 0, peakQueue: 0 };
  return v;
}

function rule(s: AggregateState, key: string): RuleTally {
  let r = s.rules[key];
  if (r === undefined) s.rules[key] = r = { packets: 0, flows: 0, messages: 0 };
  return r;
}

/**
 * Folds one record into `s` in place. This is the fold itself; `aggregate` and `foldEvents`
 * wrap it so callers never see a state change under them. Readers that own their state (the
 * index builder, seeking) call it directly to avoid a copy per record.
 */
export function applyEvent(s: AggregateState, e: TraceEvent): void {
  s.events++;
  s.t = e.t;
  switch (e.kind) {
    case 'packet':
      s.packets++;
      if (e.flags.startsWith('R')) s.resets++;
      if (e.verdict !== undefined && s.ruleCounters !== true) rule(s, `${e.verdict.isp}/${e.verdict.rule}`).packets++;
      return;
    case 'connect': {
      group(s, e.group).connects[e.outcome]++;
      if (e.rule !== undefined && s.ruleCounters !== true) rule(s, e.rule).flows++;
      return;
    }
    case 'message': {
      const g = group(s, e.group);
      const c = e.cls === 'spam' ? g.spam : g.legit;
      const field = STAGE_FIELD[e.stage];
      c[field]++;
      s.totals[field]++;
      if (e.stage === 'created') {
        c.queued++;
        s.totals.queued++;
      } else if (FINAL_STAGES.has(e.stage)) {
        c.queued--;
        s.totals.queued--;
      }
      if (e.rule !== undefined) rule(s, e.rule).messages++;
      return;
    }
    case 'user':
      group(s, e.group).users[e.what]++;
      return;
    case 'vpn': {
      const g = group(s, e.group);
      if (e.outcome === 'established') g.vpnUp++;
      else g.vpnFailed++;
      return;
    }
    case 'listing': {
      let l = s.lists[e.list];
      if (l === undefined) s.lists[e.list] = l = { listings: 0, delistings: 0, listed: [] };
      const at = l.listed.indexOf(e.ip);
      if (e.listed) {
        l.listings++;
        if (at < 0) l.listed.push(e.ip);
      } else {
        l.delistings++;
        if (at >= 0) l.listed.splice(at, 1);
      }
      return;
    }
    case 'queue': {
      const v = server(s, e.server);
      v.queue = e.depth;
      if (e.depth > v.peakQueue) v.peakQueue = e.depth;
      return;
    }
    case 'server':
      server(s, e.server)[e.what]++;
      return;
    case 'rule': {
      if (s.ruleCounters !== true) {
        // From here on the firewall's counters speak: drop what was counted from records.
        for (const r of Object.values(s.rules)) r.packets = r.flows = 0;
        s.ruleCounters = true;
      }
      const r = rule(s, e.rule);
      r.packets = e.packets;
      r.flows = e.flows;
      return;
    }
    case 'change':
      s.changes++;
      return;
    case 'expectation':
      if (!e.ok) s.failedExpectations++;
      return;
    case 'smtp':
    case 'caption':
    case 'question':
      return;
  }
}
