/**
 * An MTA's outbound queue: each message is tried at once, then retried on the profile's
 * schedule until it is delivered, refused for good, or too old, in which case it bounces.
 * Deliveries to one destination share a concurrency limit; delay warnings go out at the
 * profile's age; a failed STARTTLS is handled by the profile's (or the MTA's) fallback rule.
 *
 * A destination whose attempt failed at the connection or the handshake is dead for the
 * profile's `deadFor`: a message for it that falls due meanwhile is deferred on the spot,
 * without a connection, with the failure that killed the destination as its cause (Postfix
 * logs "delivery temporarily suspended"). A failed MAIL, RCPT or DATA only defers its own
 * message, as in Postfix's smtp_mesg_fail, and so does a failed TLS handshake, which has
 * its own fallback rule.
 *
 * What one attempt does (MX lookup, connections, the SMTP dialogue) is the caller's: the
 * queue runs it as a sub-generator and reads its verdict.
 *
 * @module
 */
import { Deque, type ProcessBody, type Simulation } from '../engine/index.js';
import type { Attempt, FailureCause, MessageLife } from './message.js';
import type { RetryProfile, TlsFallback } from './retry-profile.js';

/** How an attempt should treat TLS. */
export interface AttemptOptions {
  /** False once the fallback rule says to deliver in plaintext. */
  readonly tls: boolean;
}

/**
 * Runs one delivery attempt for a queued message and returns its record: `accepted`
 * (delivered), `deferred` (try again later) or `rejected` (a permanent refusal: bounce).
 */
export type AttemptRunner = (life: MessageLife, destination: string, options: AttemptOptions) => ProcessBody<Attempt>;

/** An MTA queue's settings. */
export interface MtaQueueOptions {
  /** The MTA's name, for attempts and traces. */
  readonly name: string;
  readonly profile: RetryProfile;
  /** Overrides the profile's rule for failed STARTTLS handshakes. */
  readonly tlsFallback?: TlsFallback;
  /** Simultaneous deliveries per destination (Postfix's default_destination_concurrency_limit: 20). */
  readonly concurrencyPerDestination?: number;
  readonly attempt: AttemptRunner;
  /** Told when a message leaves the queue: delivered or bounced. */
  readonly onEnd?: (life: MessageLife) => void;
  /** Told when a delay warning goes to the author. */
  readonly onDelayWarning?: (life: MessageLife) => void;
  /** Told of an attempt deferred without a connection, because its destination is dead. */
  readonly onSuspended?: (life: MessageLife, attempt: Attempt) => void;
  /**
   * When true, a message accepted by the next server leaves this queue without ending its
   * life: the next hop (or the final mailbox) decides its fate. Bounces always end it.
   */
  readonly handOff?: boolean;
}

const WITH_TLS: AttemptOptions = Object.freeze({ tls: true });
const WITHOUT_TLS: AttemptOptions = Object.freeze({ tls: false });

/** Bits of `QueuedTable.flags`. */
const TLS_FAILED = 1;
const PLAINTEXT_NOW = 2;
/** Whether the attempt a message waits a destination slot for is to use TLS. */
const USE_TLS = 4;

/**
 * The messages in a queue, from their arrival to their end: what the next attempt at each one
 * needs to know, by the slot number the message holds meanwhile. Columns rather than an
 * object each: a week of a million subscribers' mail keeps four million messages queued at
 * once, and a time in an object's field is a number object of its own.
 */
class QueuedTable {
  lives: (MessageLife | undefined)[] = [];
  destinations: (string | undefined)[] = [];
  queuedAt = new Float64Array(INITIAL_SLOTS);
  firstFailureAt = new Float64Array(INITIAL_SLOTS);
  /** When the last attempt failed, or -1 before the first failure. */
  previousFailureAt = new Float64Array(INITIAL_SLOTS);
  /** When the next attempt is due, once a delay warning has gone out before it. */
  nextAt = new Float64Array(INITIAL_SLOTS);
  failures = new Uint32Array(INITIAL_SLOTS);
  flags = new Uint8Array(INITIAL_SLOTS);
  private readonly free: number[] = [];

  /** Takes a slot for a message that arrives at `now`; returns its number. */
  add(life: MessageLife, destination: string, now: number): number {
    let i = this.free.pop();
    if (i === undefined) {
      i = this.lives.length;
      if (i === this.queuedAt.length) this.grow();
    }
    this.lives[i] = life;
    this.destinations[i] = destination;
    this.queuedAt[i] = now;
    this.firstFailureAt[i] = 0;
    this.previousFailureAt[i] = -1;
    this.nextAt[i] = 0;
    this.failures[i] = 0;
    this.flags[i] = USE_TLS;
    return i;
  }

  /** Frees slot `i` once its message has left the queue. */
  remove(i: number): void {
    this.lives[i] = undefined;
    this.destinations[i] = undefined;
    this.free.push(i);
  }

  private grow(): void {
    const n = 2 * this.queuedAt.length;
    const wider = <A extends Float64Array | Uint32Array | Uint8Array>(a: A, make: new (n: number) => A): A => {
      const b = new make(n);
      b.set(a);
      return b;
    };
    this.queuedAt = wider(this.queuedAt, Float64Array);
    this.firstFailureAt = wider(this.firstFailureAt, Float64Array);
    this.previousFailureAt = wider(this.previousFailureAt, Float64Array);
    this.nextAt = wider(this.nextAt, Float64Array);
    this.failures = wider(this.failures, Uint32Array);
    this.flags = wider(this.flags, Uint8Array);
  }
}

const INITIAL_SLOTS = 64;

/**
 * One MTA's outbound queue.
 *
 * A message runs a process only while its session is under way; between attempts, while it
 * waits in line for a slot, and when its destination is dead, it is a row of the queue's
 * table and one pending event or a place in the line (a queue of a week's deferred mail holds
 * millions).
 */
export class MtaQueue {
  private readonly sim: Simulation;
  private readonly opts: MtaQueueOptions;
  private readonly fallback: TlsFallback;
  private readonly slots = new Map<string, Slots>();
  /** Messages accepted and not yet delivered nor bounced. */
  private count = 0;
  /** Dead destinations: until when, and the attempt that found them so. */
  private readonly dead = new Map<string, { until: number; attempt: Attempt }>();
  private peakSize = 0;
  /** The messages in the queue; a pending event of one carries its slot number. */
  private readonly table = new QueuedTable();
  /** A message falls due: its first attempt, or a retry. */
  private readonly onRetry = (q: number): void => this.start(q);
  private readonly onWarning = (q: number): void => {
    const life = this.table.lives[q] as MessageLife;
    life.warnings++;
    this.opts.onDelayWarning?.(life);
    this.sim.after((this.table.nextAt[q] as number) - this.sim.now, this.onRetry, q);
  };
  private readonly processName: string;

  constructor(sim: Simulation, options: MtaQueueOptions) {
    this.sim = sim;
    this.opts = options;
    this.fallback = options.tlsFallback ?? options.profile.tlsFallback;
    this.processName = `${options.name}/delivery`;
  }

  /** Messages in the queue now. */
  get size(): number {
    return this.count;
  }

  /** The most messages the queue has held at once. */
  get peak(): number {
    return this.peakSize;
  }

  /** Accepts a message for `destination` (a domain) and starts delivering it. */
  enqueue(life: MessageLife, destination: string): void {
    this.count++;
    if (this.count > this.peakSize) this.peakSize = this.count;
    // Its first attempt is an event of its own now, as a retry is later.
    this.sim.after(0, this.onRetry, this.table.add(life, destination, this.sim.now));
  }

  /** Whether `destination` is dead now (see the module's notes). */
  private deadNow(destination: string): boolean {
    const d = this.dead.get(destination);
    if (d === undefined) return false;
    if (this.sim.now < d.until) return true;
    this.dead.delete(destination);
    return false;
  }

  /** The attempt of a message deferred because `destination` is dead. */
  private suspended(destination: string): Attempt {
    const killer = (this.dead.get(destination) as { attempt: Attempt }).attempt;
    const now = this.sim.now;
    return { start: now, end: now, by: killer.by, server: killer.server, port: killer.port, tls: 'none', result: 'deferred', ...(killer.cause === undefined ? {} : { cause: killer.cause }), suspended: true };
  }

  private slot(destination: string): Slots {
    let r = this.slots.get(destination);
    if (r === undefined) this.slots.set(destination, (r = new Slots(this.opts.concurrencyPerDestination ?? 20)));
    return r;
  }

  /** Gives `slots` back: to the message that has waited longest, whose attempt starts now, if any. */
  private release(slots: Slots): void {
    const next = slots.waiting.shift();
    if (next === undefined) slots.busy--;
    else this.sim.process(this.session(next, this.waitedWithTls(next), slots), { name: this.processName, delay: 0 });
  }

  /**
   * Whether the next attempt at `q` is to use TLS, by the fallback rule; the rule's "now"
   * is used up by asking.
   */
  private tlsNow(q: number): boolean {
    const t = this.table;
    const flags = t.flags[q] as number;
    t.flags[q] = flags & ~PLAINTEXT_NOW;
    if ((flags & TLS_FAILED) === 0) return true;
    return !((flags & PLAINTEXT_NOW) !== 0 || (this.fallback.kind === 'plaintext-after' && this.sim.now - (t.queuedAt[q] as number) >= this.fallback.age));
  }

  /** Whether the attempt `q` waited in line for is to use TLS (`setUseTls`). */
  private waitedWithTls(q: number): boolean {
    return ((this.table.flags[q] as number) & USE_TLS) !== 0;
  }

  private setUseTls(q: number, useTls: boolean): void {
    const flags = this.table.flags;
    flags[q] = useTls ? (flags[q] as number) | USE_TLS : (flags[q] as number) & ~USE_TLS;
  }

  private history(q: number): { queuedAt: number; firstFailureAt: number; failures: number; previousFailureAt?: number } {
    const t = this.table;
    const queuedAt = t.queuedAt[q] as number;
    const firstFailureAt = t.firstFailureAt[q] as number;
    const failures = t.failures[q] as number;
    const previousFailureAt = t.previousFailureAt[q] as number;
    return previousFailureAt < 0 ? { queuedAt, firstFailureAt, failures } : { queuedAt, firstFailureAt, failures, previousFailureAt };
  }

  /**
   * The attempt at `q` that falls due now, as Postfix's queue manager makes it: deferred on
   * the spot if its destination is dead; otherwise its session, once it holds one of the
   * destination's slots. Only the session runs as a process: a message that waits in line
   * for a slot is its slot number in the line (at a million subscribers, most retries at a
   * throttling MX do just that).
   */
  private start(q: number): void {
    const destination = this.table.destinations[q] as string;
    const useTls = this.tlsNow(q);
    if (this.deadNow(destination)) {
      this.settle(q, this.suspended(destination));
      return;
    }
    const slots = this.slot(destination);
    if (slots.busy >= slots.capacity || slots.waiting.length > 0) {
      this.setUseTls(q, useTls);
      slots.waiting.push(q);
      return;
    }
    slots.busy++;
    this.sim.process(this.session(q, useTls, slots), { name: this.processName, now: true });
  }

  /**
   * The session of an attempt at `q` that holds one of `slots`, and what follows from it; then,
   * where it can, the sessions of the messages the slot goes to next (see `handOn`).
   */
  private *session(q: number, useTls: boolean, slots: Slots): ProcessBody<void> {
    for (;;) {
      const destination = this.table.destinations[q] as string;
      let attempt: Attempt | undefined;
      try {
        // The destination may have died while this message waited for a slot.
        attempt = this.deadNow(destination) ? this.suspended(destination) : yield* this.opts.attempt(this.table.lives[q] as MessageLife, destination, useTls ? WITH_TLS : WITHOUT_TLS);
      } finally {
        // An attempt cut short gives its slot on as any other does.
        if (attempt === undefined) this.release(slots);
      }
      const next = this.handOn(slots);
      if (attempt.suspended !== true) {
        // A session that got past the handshake shows the destination alive again.
        if (this.opts.profile.deadFor > 0 && killsDestination(attempt.cause)) this.dead.set(destination, { until: this.sim.now + this.opts.profile.deadFor, attempt });
        else this.dead.delete(destination);
      }
      this.settle(q, attempt);
      if (next < 0) return;
      q = next;
      useTls = this.waitedWithTls(q);
    }
  }

  /**
   * Gives `slots` back as `release` does, except when the slot goes to a waiting message whose
   * session would be the very next event: then it is that message's slot number, and the
   * caller runs its session itself once it has settled its own attempt, without an event or
   * a process of its own; -1 otherwise.
   *
   * The session `release` starts is an event at this same moment, after every event already
   * due now. With none due now, nothing runs between this event and that one, so running the
   * session at the end of this event keeps every event in the same order. Sessions that
   * started together at a queue scan end together too, and then each hand-over but the last
   * finds the others' ends due and takes its event: at a million subscribers this spares
   * about 8 million events of the week's billion.
   */
  private handOn(slots: Slots): number {
    if (slots.waiting.length === 0 || !(this.sim.peek() > this.sim.now)) {
      this.release(slots);
      return -1;
    }
    return slots.waiting.shift() as number;
  }

  /** Records `attempt` at `q`, then ends the message or schedules its next attempt. */
  private settle(q: number, attempt: Attempt): void {
    const { profile } = this.opts;
    const sim = this.sim;
    const table = this.table;
    const life = table.lives[q] as MessageLife;
    if (attempt.suspended === true) this.opts.onSuspended?.(life, attempt);
    life.attempt(attempt);
    if (attempt.result === 'accepted') return this.finish(q, 'delivered');
    if (attempt.result === 'rejected') return this.finish(q, 'bounced');

    const now = sim.now;
    if (table.failures[q] === 0) table.firstFailureAt[q] = now;
    (table.failures[q] as number)++;
    if (attempt.cause?.kind === 'tls' && attempt.cause.error !== 'required-but-not-offered' && this.fallback.kind !== 'defer') {
      table.flags[q] = (table.flags[q] as number) | TLS_FAILED;
      if (this.fallback.kind === 'plaintext-now') {
        // Exim's fallback: the same attempt goes on at once, in plaintext.
        table.flags[q] = (table.flags[q] as number) | PLAINTEXT_NOW;
        this.start(q);
        return;
      }
    }
    const history = this.history(q);
    if (profile.expired(history, now)) return this.finish(q, 'bounced');
    const queuedAt = table.queuedAt[q] as number;
    if (life.warnings === 0 && now - queuedAt >= profile.delayWarning) {
      life.warnings++;
      this.opts.onDelayWarning?.(life);
    }
    const next = profile.nextAttempt(history, now);
    table.previousFailureAt[q] = now;
    // A warning falls due between attempts too: the queue manager sends it on its own scan.
    if (life.warnings === 0 && queuedAt + profile.delayWarning < next) {
      table.nextAt[q] = next;
      sim.after(queuedAt + profile.delayWarning - now, this.onWarning, q);
    } else sim.after(next - now, this.onRetry, q);
  }

  private finish(q: number, fate: 'delivered' | 'bounced'): void {
    const life = this.table.lives[q] as MessageLife;
    this.table.remove(q);
    if (fate === 'bounced' || this.opts.handOff !== true) {
      if (life.fate === 'queued') life.end(fate, this.sim.now);
    }
    this.count--;
    this.opts.onEnd?.(life);
  }
}

/**
 * Whether a deferral's cause marks its destination dead: no connection could be made, the
 * connection broke or went silent, or the server refused the greeting or EHLO (Postfix's
 * smtp_site_fail and smtp_stream_except, which throttle the destination's queue).
 */
function killsDestination(cause: FailureCause | undefined): boolean {
  if (cause === undefined) return false;
  switch (cause.kind) {
    case 'network':
    case 'command-timeout':
      return true;
    case 'reply':
      return cause.stage === 'greeting' || cause.stage === 'ehlo';
    case 'tls':
      return false;
  }
}

/**
 * A destination's delivery slots (Postfix's per-destination concurrency), and the messages
 * waiting for one, first come first served.
 */
class Slots {
  busy = 0;
  /** Slot numbers of the messages waiting (`QueuedTable`). */
  readonly waiting = new Deque<number>();

  constructor(readonly capacity: number) {}
}
