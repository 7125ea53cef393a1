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

/** A message in the queue between its attempts: what the next one needs to know. */
class Queued {
  failures = 0;
  firstFailureAt = 0;
  /** When the last attempt failed, or -1 before the first failure. */
  previousFailureAt = -1;
  tlsFailed = false;
  plaintextNow = false;
  /** When the next attempt is due, once a delay warning has gone out before it. */
  nextAt = 0;
  /** Whether the attempt it waits a destination slot for is to use TLS. */
  useTls = true;

  constructor(
    readonly life: MessageLife,
    readonly destination: string,
    readonly queuedAt: number,
  ) {}
}

/**
 * One MTA's outbound queue.
 *
 * A message runs a process only while an attempt is under way; between attempts it is a
 * small record and one pending event (a queue of a week's deferred mail holds millions).
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
  /** Messages between attempts, by the number their pending event carries; `free` lists unused numbers. */
  private readonly between: (Queued | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly onRetry = (i: number): void => {
    const q = this.take(i);
    // A message that only joins the line for a slot needs no process (at a million
    // subscribers, most retries at a throttling MX do just that).
    if (this.joinsLine(q)) return;
    this.sim.process(this.attempt(q), { name: this.processName, now: true });
  };
  private readonly onWarning = (i: number): void => {
    const q = this.take(i);
    q.life.warnings++;
    this.opts.onDelayWarning?.(q.life);
    this.sim.after(q.nextAt - this.sim.now, this.onRetry, this.put(q));
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
    this.sim.after(0, this.onRetry, this.put(new Queued(life, destination, this.sim.now)));
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
    else this.sim.process(this.attempt(next, true), { name: this.processName, delay: 0 });
  }

  /** Keeps `q` between attempts; the number its pending event carries. */
  private put(q: Queued): number {
    const i = this.free.pop() ?? this.between.length;
    this.between[i] = q;
    return i;
  }

  private take(i: number): Queued {
    const q = this.between[i] as Queued;
    this.between[i] = undefined;
    this.free.push(i);
    return q;
  }

  /** Whether the next attempt at `q` is to use TLS, by the fallback rule. */
  private tlsNow(q: Queued): boolean {
    return !(q.tlsFailed && (q.plaintextNow || (this.fallback.kind === 'plaintext-after' && this.sim.now - q.queuedAt >= this.fallback.age)));
  }

  /**
   * What `attempt` does first when every slot of `q`'s live destination is taken: puts `q`
   * in line and says so. Otherwise changes nothing.
   */
  private joinsLine(q: Queued): boolean {
    if (this.deadNow(q.destination)) return false;
    const slots = this.slot(q.destination);
    if (slots.busy < slots.capacity && slots.waiting.length === 0) return false;
    q.useTls = this.tlsNow(q);
    q.plaintextNow = false;
    slots.waiting.push(q);
    return true;
  }

  private history(q: Queued): { queuedAt: number; firstFailureAt: number; failures: number; previousFailureAt?: number } {
    return q.previousFailureAt < 0 ? { queuedAt: q.queuedAt, firstFailureAt: q.firstFailureAt, failures: q.failures } : { queuedAt: q.queuedAt, firstFailureAt: q.firstFailureAt, failures: q.failures, previousFailureAt: q.previousFailureAt };
  }

  /**
   * One attempt at `q`, then its end or its next attempt, as Postfix's queue manager schedules
   * it. With `holding`, `q` has just been given the destination slot it waited for, and the
   * attempt it was about to make goes ahead.
   */
  private *attempt(q: Queued, holding = false): ProcessBody<void> {
    const { profile } = this.opts;
    const sim = this.sim;
    const { life, destination, queuedAt } = q;
    for (;;) {
      let useTls = q.useTls;
      if (!holding) {
        useTls = this.tlsNow(q);
        q.plaintextNow = false;
      }
      let attempt: Attempt;
      if (!holding && this.deadNow(destination)) attempt = this.suspended(destination);
      else {
        const slots = this.slot(destination);
        if (!holding) {
          if (slots.busy >= slots.capacity || slots.waiting.length > 0) {
            // Every slot is taken: the message waits in line as its record, not as a process.
            q.useTls = useTls;
            slots.waiting.push(q);
            return;
          }
          slots.busy++;
        }
        holding = false;
        try {
          // The destination may have died while this message waited for a slot.
          attempt = this.deadNow(destination) ? this.suspended(destination) : yield* this.opts.attempt(life, destination, useTls ? WITH_TLS : WITHOUT_TLS);
        } finally {
          this.release(slots);
        }
        if (attempt.suspended !== true) {
          // A session that got past the handshake shows the destination alive again.
          if (profile.deadFor > 0 && killsDestination(attempt.cause)) this.dead.set(destination, { until: sim.now + profile.deadFor, attempt });
          else this.dead.delete(destination);
        }
      }
      if (attempt.suspended === true) this.opts.onSuspended?.(life, attempt);
      life.attempt(attempt);
      if (attempt.result === 'accepted') return this.finish(life, 'delivered');
      if (attempt.result === 'rejected') return this.finish(life, 'bounced');

      const now = sim.now;
      if (q.failures === 0) q.firstFailureAt = now;
      q.failures++;
      if (attempt.cause?.kind === 'tls' && attempt.cause.error !== 'required-but-not-offered' && this.fallback.kind !== 'defer') {
        q.tlsFailed = true;
        if (this.fallback.kind === 'plaintext-now') {
          q.plaintextNow = true;
          continue;
        }
      }
      const history = this.history(q);
      if (profile.expired(history, now)) return this.finish(life, 'bounced');
      if (life.warnings === 0 && now - queuedAt >= profile.delayWarning) {
        life.warnings++;
        this.opts.onDelayWarning?.(life);
      }
      const next = profile.nextAttempt(history, now);
      q.previousFailureAt = now;
      // A warning falls due between attempts too: the queue manager sends it on its own scan.
      if (life.warnings === 0 && queuedAt + profile.delayWarning < next) {
        q.nextAt = next;
        sim.after(queuedAt + profile.delayWarning - now, this.onWarning, this.put(q));
      } else sim.after(next - now, this.onRetry, this.put(q));
      return;
    }
  }

  private finish(life: MessageLife, fate: 'delivered' | 'bounced'): void {
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
  readonly waiting = new Deque<Queued>();

  constructor(readonly capacity: number) {}
}
