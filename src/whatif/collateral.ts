/**
 * Collateral damage, customer by customer: which legitimate messages fare worse under a
 * variant than under the baseline, whose they are, and the firewall rule or server reply that
 * made the difference.
 *
 * With common random numbers the same client writes its n-th message at the same moment in
 * every variant, so messages pair up by (group, client, seq). A pair whose writing times differ
 * means the variant changed who writes what (a different population): it is counted as
 * unpaired rather than compared.
 *
 * @module
 */
import type { Decider, MessageOutcome } from '../run/index.js';

/** Where a message ended, for comparing two runs of it. */
export type MessageState = 'delivered' | 'late' | 'bounced' | 'failed' | 'dropped' | 'queued';

/** Which way a message's outcome moved. */
export type Direction = 'worse' | 'better';

/** One message whose outcome differs between the baseline and a variant. */
export interface ChangedMessage {
  seed: string;
  group: string;
  client: number;
  /** The author's n-th message (from 0): the same message in both runs. */
  seq: number;
  /** Its id in the baseline run and in the variant's. */
  id: number;
  variantId: number;
  /** When it was written (simulated seconds). */
  createdAt: number;
  /** `delivered→failed`, `delivered→bounced`, `delayed` (delivered, but later by more than the threshold), … */
  change: string;
  from: MessageState;
  to: MessageState;
  /** Seconds from writing to delivery in each run; null where not delivered. */
  delayBefore: number | null;
  delayAfter: number | null;
  /** What caused the change: the variant's deciding failure when worse, the baseline's when better. */
  cause: string;
  /** The firewall rule, when a rule is the cause. */
  rule?: string;
  /** The server's reply, when a reply is the cause. */
  reply?: string;
}

/** The changes one cause made, with the customers it touched. */
export interface CauseGroup {
  /** `rule lime/block-25`, `smtp.bt.example replied "421 Too many messages"`, … */
  cause: string;
  /** The firewall rule, when a rule is the cause. */
  rule?: string;
  /** The server's reply, when a reply is the cause. */
  reply?: string;
  /** Messages changed, over every seed. */
  messages: number;
  /** Messages by change (`delivered→failed`: 12). */
  changes: Record<string, number>;
  /** The customers, most messages first. */
  clients: { group: string; client: number; messages: number; seeds: string[] }[];
  /** Every changed message, by seed then time written. */
  list: ChangedMessage[];
}

/** What a variant changes for the customers, against the baseline. */
export interface Collateral {
  variant: string;
  baseline: string;
  /** Delivery later than the baseline's by more than this (seconds) counts as a harm. */
  threshold: number;
  /** Legitimate messages compared (paired in both runs), over every seed. */
  compared: number;
  /** Messages of one run with no partner in the other (a changed population), over every seed. */
  unpaired: number;
  /** Messages that fare worse, by cause, most first. */
  worse: CauseGroup[];
  /** Messages that fare better, by the baseline's cause the variant removed, most first. */
  better: CauseGroup[];
}

/** One seed's comparison of two runs' legitimate mail. */
export interface SeedDiff {
  compared: number;
  unpaired: number;
  worse: ChangedMessage[];
  better: ChangedMessage[];
}

function stateOf(o: MessageOutcome, lateAfter: number): MessageState {
  if (o.fate === 'delivered') return (o.delay ?? 0) > lateAfter ? 'late' : 'delivered';
  return o.fate;
}

const DELIVERED: ReadonlySet<MessageState> = new Set(['delivered', 'late']);

function causeLabel(d: Decider | null): { cause: string; rule?: string; reply?: string } {
  if (d === null) return { cause: 'no failure recorded (still in transit)' };
  if (d.rule !== undefined) return { cause: `rule ${d.rule}`, rule: d.rule };
  if (d.reply !== undefined) {
    // Replies that quote the client's address would split one cause into many.
    const reply = d.reply.replace(/\[?\b\d{1,3}(\.\d{1,3}){3}\b\]?/g, '[address]');
    return { cause: `${d.replyFrom ?? d.server} replied "${reply}"`, reply };
  }
  return { cause: d.server === '' ? d.cause : `${d.cause} at ${d.server}:${d.port}` };
}

function authorKey(o: MessageOutcome): string {
  return `${o.group}\0${o.client}\0${o.seq}`;
}

/**
 * Compares one seed's legitimate mail in the baseline and in a variant. A message fares worse
 * when it was delivered and is not, when it did not fail to leave its author's machine and
 * now does, or when it arrives later than before by more than `threshold` seconds; better in
 * the opposite cases.
 *
 * @param lateAfter what counts as late, for naming states (the runs' `lateAfter`)
 */
export function diffOutcomes(seed: string, baseline: readonly MessageOutcome[], variant: readonly MessageOutcome[], threshold: number, lateAfter: number): SeedDiff {
  const legit = (list: readonly MessageOutcome[]): Map<string, MessageOutcome> => new Map(list.filter((o) => o.cls === 'legit').map((o) => [authorKey(o), o]));
  const before = legit(baseline);
  const after = legit(variant);
  const out: SeedDiff = { compared: 0, unpaired: 0, worse: [], better: [] };
  for (const [k, b] of before) {
    const a = after.get(k);
    if (a === undefined || a.createdAt !== b.createdAt) {
      out.unpaired += a === undefined ? 1 : 2; // a partner written at another time is no partner
      continue;
    }
    out.compared++;
    const from = stateOf(b, lateAfter);
    const to = stateOf(a, lateAfter);
    const wasDelivered = DELIVERED.has(from);
    const isDelivered = DELIVERED.has(to);
    const extra = wasDelivered && isDelivered ? (a.delay as number) - (b.delay as number) : 0;
    let direction: Direction | null = null;
    let change = `${from}→${to}`;
    if ((wasDelivered && !isDelivered) || (to === 'failed' && from !== 'failed')) direction = 'worse';
    else if ((!wasDelivered && isDelivered) || (from === 'failed' && to !== 'failed')) direction = 'better';
    else if (extra > threshold) {
      direction = 'worse';
      change = 'delayed';
    } else if (-extra > threshold) {
      direction = 'better';
      change = 'sped up';
    }
    if (direction === null) continue;
    const why = causeLabel(direction === 'worse' ? a.decider : b.decider);
    out[direction].push({
      seed,
      group: b.group,
      client: b.client,
      seq: b.seq,
      id: b.id,
      variantId: a.id,
      createdAt: b.createdAt,
      change,
      from,
      to,
      delayBefore: b.delay,
      delayAfter: a.delay,
      ...why,
    });
  }
  for (const k of after.keys()) if (!before.has(k)) out.unpaired++;
  return out;
}

function group(changes: readonly ChangedMessage[]): CauseGroup[] {
  const byCause = new Map<string, ChangedMessage[]>();
  for (const c of changes) {
    let list = byCause.get(c.cause);
    if (list === undefined) byCause.set(c.cause, (list = []));
    list.push(c);
  }
  const groups: CauseGroup[] = [];
  for (const [cause, list] of byCause) {
    const counts: Record<string, number> = {};
    const clients = new Map<string, { group: string; client: number; messages: number; seeds: string[] }>();
    for (const c of list) {
      counts[c.change] = (counts[c.change] ?? 0) + 1;
      const key = `${c.group}\0${c.client}`;
      let who = clients.get(key);
      if (who === undefined) clients.set(key, (who = { group: c.group, client: c.client, messages: 0, seeds: [] }));
      who.messages++;
      if (!who.seeds.includes(c.seed)) who.seeds.push(c.seed);
    }
    const l = list[0] as ChangedMessage;
    groups.push({
      cause,
      ...(l.rule === undefined ? {} : { rule: l.rule }),
      ...(l.reply === undefined ? {} : { reply: l.reply }),
      messages: list.length,
      changes: counts,
      clients: [...clients.values()].sort((a, b) => b.messages - a.messages || (a.group < b.group ? -1 : a.group > b.group ? 1 : a.client - b.client)),
      list,
    });
  }
  return groups.sort((a, b) => b.messages - a.messages || (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0));
}

/** Gathers a variant's per-seed comparisons (in seed order) into its collateral damage, by cause. */
export function collateral(variant: string, baseline: string, threshold: number, diffs: readonly SeedDiff[]): Collateral {
  const worse = diffs.flatMap((d) => d.worse);
  const better = diffs.flatMap((d) => d.better);
  return {
    variant,
    baseline,
    threshold,
    compared: diffs.reduce((n, d) => n + d.compared, 0),
    unpaired: diffs.reduce((n, d) => n + d.unpaired, 0),
    worse: group(worse),
    better: group(better),
  };
}
