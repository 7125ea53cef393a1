/**
 * Processes: sequential behaviour written as generators, so that a protocol dialogue reads
 * top to bottom.
 *
 * ```ts
 * sim.process(function* () {
 *   yield timeout(5);                 // sleep 5 s
 *   yield server.acquire();           // wait for a slot
 *   const msg = yield inbox;          // wait for a message
 *   server.release();
 * }());
 * ```
 *
 * A process yields a delay in seconds (`timeout(d)` is that number, so sleeping allocates
 * nothing) or a `Waitable`: a `Signal`, a `Resource`, a `Mailbox` or another `Process` (to
 * join it). Each resume of a process is one kernel event.
 *
 * Interrupts: `p.interrupt(cause)` throws an `Interrupt` into the process at its current
 * `yield`. A sleep is cut short and a wait is withdrawn (a queued resource request leaves the
 * queue). If the thing it waited for has already been granted (a resource slot, a message),
 * the grant is kept and the interrupt is delivered at the process's next `yield`, so nothing
 * it was given is lost.
 *
 * Errors: an exception that escapes a process is rethrown to every process joining it; with
 * nobody joining, it propagates out of `Simulation.run()`. Failures are never silent.
 *
 * @module
 */
import { Deque } from './deque.js';
import type { EventId, Handler, Simulation } from './simulation.js';

/** What a process may yield: a delay in seconds, or something to wait on. */
export type Command = number | Waitable;

/** A process body: a generator yielding commands and receiving what it waited for. */
// The received type is `any` so that `const msg = (yield inbox) as Message` type-checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProcessBody<R = unknown> = Generator<Command, R, any>;

/** Something a process can wait on. */
export interface Waitable {
  /** `proc` yielded this: call `proc.wake(value)` now or later, or keep it waiting. */
  waitBy(proc: Process<unknown>): void;
  /** `proc` was interrupted while waiting here: forget it. */
  forget(proc: Process<unknown>): void;
}

/** A sleep of `delay` seconds, to yield from a process. */
export function timeout(delay: number): number {
  return delay;
}

/**
 * A sleep until the absolute time `time`, to yield from a process: `yield sleepUntil(t)`.
 * Unlike `timeout(t - now)`, the process resumes at exactly `t`, with no rounding of the
 * difference; a time already past is refused as `Simulation.at` refuses it.
 */
export function sleepUntil(time: number): Waitable {
  return new Moment(time);
}

class Moment implements Waitable {
  constructor(protected time: number) {}

  waitBy(proc: Process<unknown>): void {
    proc.sleepUntil(this.time);
  }

  forget(): void {
    // A sleep is withdrawn by cancelling its kernel event (see `Process.interrupt`).
  }
}

/**
 * `sleepUntil` without an object per sleep: `yield alarm.at(t)` sleeps until `t` as
 * `yield sleepUntil(t)` does, the alarm being set again for each. One alarm serves one process
 * (a model with millions of short processes, each sleeping a few times, keeps one in its own
 * state, or is one). Yield it at once: a later `at` moves the time it stands for.
 */
export class Alarm extends Moment {
  constructor() {
    super(0);
  }

  /** Sets the alarm for `time`; returns it, to yield. */
  at(time: number): Waitable {
    this.time = time;
    return this;
  }
}

/** What a process receives when a wait under `within` runs out of time. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Waits on `waitable` for at most `seconds`: the process receives what it waited for, or
 * `TIMED_OUT` if the time ran out first, in which case the wait is withdrawn.
 * `const reply = yield within(300, conn.inbox)` is an SMTP client's command timeout.
 */
export function within(seconds: number, waitable: Waitable): Waitable {
  return new Deadline(seconds, waitable);
}

class Deadline implements Waitable {
  constructor(
    private readonly seconds: number,
    private readonly inner: Waitable,
  ) {}

  waitBy(proc: Process<unknown>): void {
    proc.waitWithDeadline(this.inner, this.seconds);
  }

  forget(proc: Process<unknown>): void {
    this.inner.forget(proc);
  }
}

/** Thrown into a process by `interrupt`; `cause` says why. */
export class Interrupt extends Error {
  override name = 'Interrupt';
  constructor(readonly reason: unknown) {
    super(`interrupted: ${String(reason)}`);
  }
}

type State = 'pending' | 'done' | 'failed';

/**
 * The live processes of one simulation, by index. A process's resume event is, to observers,
 * the table's one `resume` handler with the process's index as data (the kernel itself
 * stores the process in the event and calls its `step` directly). One call target for all
 * processes keeps the kernel's dispatch monomorphic, which measured 30-40 % faster with a
 * hundred thousand processes than a closure per process.
 */
export class ProcessTable {
  private readonly list: (Process<unknown> | undefined)[] = [];
  private readonly free: number[] = [];
  /** The handler that resumes process `i`. */
  readonly resume: Handler = (i: number) => (this.list[i] as Process<unknown>).step();

  /** Processes that have started and not yet finished. */
  get size(): number {
    return this.list.length - this.free.length;
  }

  /** Registers a process; returns its index. */
  add(p: Process<unknown>): number {
    const i = this.free.pop();
    if (i !== undefined) {
      this.list[i] = p;
      return i;
    }
    this.list.push(p);
    return this.list.length - 1;
  }

  /** Forgets a finished process, so that it can be collected. */
  remove(i: number): void {
    this.list[i] = undefined;
    this.free.push(i);
  }
}

/** A running generator, driven by the kernel. */
export class Process<R = unknown> implements Waitable {
  /** Name given at creation, for errors and traces. */
  readonly name: string;
  private readonly sim: Simulation;
  private readonly body: ProcessBody<R>;
  private readonly idx: number;
  private wakeId: EventId = -1;
  private wakeIsSleep = true;
  private waitingOn: Waitable | null = null;
  private input: unknown = undefined;
  private throwInput = false;
  private deferredInterrupt: Interrupt | null = null;
  // The deadline of a wait under `within` is lazy: one kernel event stands for the deadlines
  // of a run of waits, and when it runs before the current one is due it goes back to sleep
  // until then. A wait that ends in time (nearly all of them) costs no schedule or cancel.
  /** The kernel event standing for the deadline, or -1. */
  private deadlineId: EventId = -1;
  /** When that event runs: never after `deadlineDue` while a deadline is set. */
  private deadlineAt = 0;
  /** When the current wait times out, or -1 for none. */
  private deadlineDue = -1;
  /** What the current wait under a deadline waits on. */
  private deadlineOn: Waitable | null = null;
  private deadlineFire: (() => void) | null = null;
  private state: State = 'pending';
  private result: R | undefined = undefined;
  private error: unknown = undefined;
  private joiners: Process<unknown>[] | null = null;

  /** Use `Simulation.process`. */
  constructor(sim: Simulation, body: ProcessBody<R>, name: string, delay: number | null) {
    this.sim = sim;
    this.body = body;
    this.name = name;
    this.idx = sim.processes.add(this as Process<unknown>);
    // With no delay (`ProcessOptions.now`) the caller runs the first step itself.
    if (delay !== null) this.wakeId = sim.resumeAfter(delay, this as Process<unknown>, this.idx);
  }

  /** True until the body returns or throws. */
  get alive(): boolean {
    return this.state === 'pending';
  }

  /** The body's return value, once it has returned. */
  get value(): R | undefined {
    return this.result;
  }

  /** For `Waitable`s: the wait is over; resume the process at `now` with `value`. */
  wake(value: unknown): void {
    this.clearDeadline();
    this.waitingOn = null;
    this.input = value;
    this.wakeIsSleep = false;
    this.wakeId = this.sim.resumeAfter(0, this as Process<unknown>, this.idx);
  }

  /** For `sleepUntil`: resume the process at the absolute time `time`, as a sleep. */
  sleepUntil(time: number): void {
    this.waitingOn = null;
    this.wakeIsSleep = true;
    this.wakeId = this.sim.resumeAt(time, this as Process<unknown>, this.idx);
  }

  /** For `Waitable`s: the wait failed; resume the process at `now` by throwing `error`. */
  wakeThrow(error: unknown): void {
    this.wake(error);
    this.throwInput = true;
  }

  /** For `within`: waits on `inner`, giving up with `TIMED_OUT` after `seconds`. */
  waitWithDeadline(inner: Waitable, seconds: number): void {
    if (!(seconds >= 0) || seconds === Infinity) throw new RangeError(`delay must be a finite number >= 0, got ${seconds}`);
    const sim = this.sim;
    const due = sim.now + seconds;
    this.waitingOn = inner;
    this.deadlineOn = inner;
    this.deadlineDue = due;
    if (this.deadlineId < 0 || this.deadlineAt > due) {
      if (this.deadlineId >= 0) sim.cancel(this.deadlineId);
      this.deadlineFire ??= () => this.onDeadline();
      this.deadlineAt = due;
      this.deadlineId = sim.at(due, this.deadlineFire);
    }
    inner.waitBy(this);
  }

  private onDeadline(): void {
    this.deadlineId = -1;
    const inner = this.deadlineOn;
    if (inner === null) return;
    const sim = this.sim;
    if (this.deadlineDue > sim.now) {
      this.deadlineAt = this.deadlineDue;
      this.deadlineId = sim.at(this.deadlineDue, this.deadlineFire as () => void);
      return;
    }
    this.deadlineOn = null;
    this.deadlineDue = -1;
    inner.forget(this);
    this.wake(TIMED_OUT);
  }

  /** The current wait has no deadline any more (its kernel event, if any, stays for the next). */
  private clearDeadline(): void {
    this.deadlineOn = null;
    this.deadlineDue = -1;
  }

  /** Throws an `Interrupt` carrying `reason` into the process (see the module notes). */
  interrupt(reason: unknown): void {
    if (this.state !== 'pending') throw new Error(`cannot interrupt process "${this.name}": it has finished`);
    const intr = new Interrupt(reason);
    if (this.wakeId >= 0 && this.wakeIsSleep) {
      this.sim.cancel(this.wakeId);
      this.wakeThrow(intr);
    } else if (this.wakeId < 0 && this.waitingOn !== null) {
      this.waitingOn.forget(this);
      this.wakeThrow(intr); // also drops any deadline
    } else {
      // Already woken by what it waited for, or interrupting itself: deliver at the next yield.
      this.deferredInterrupt = intr;
    }
  }

  waitBy(proc: Process<unknown>): void {
    if (this.state === 'done') proc.wake(this.result);
    else if (this.state === 'failed') proc.wakeThrow(this.error);
    else (this.joiners ??= []).push(proc);
  }

  forget(proc: Process<unknown>): void {
    if (this.joiners !== null) {
      const i = this.joiners.indexOf(proc);
      if (i >= 0) this.joiners.splice(i, 1);
    }
  }

  /** Runs the body to its next yield. Only the kernel calls this. */
  step(): void {
    this.wakeId = -1;
    const v = this.input;
    this.input = undefined;
    let r: IteratorResult<Command, R>;
    try {
      if (this.throwInput) {
        this.throwInput = false;
        r = this.body.throw(v);
      } else r = this.body.next(v);
    } catch (e) {
      this.finish('failed', undefined, e);
      return;
    }
    if (r.done === true) {
      this.finish('done', r.value, undefined);
      return;
    }
    if (this.deferredInterrupt !== null) {
      const intr = this.deferredInterrupt;
      this.deferredInterrupt = null;
      this.wakeThrow(intr);
      return;
    }
    const c = r.value;
    // A wait with no deadline: the kernel event kept for the last one's goes.
    if (this.deadlineId >= 0 && !(c instanceof Deadline)) {
      this.sim.cancel(this.deadlineId);
      this.deadlineId = -1;
    }
    if (typeof c === 'number') {
      this.wakeIsSleep = true;
      this.wakeId = this.sim.resumeAfter(c, this as Process<unknown>, this.idx);
    } else if (typeof c === 'object' && c !== null && typeof c.waitBy === 'function') {
      this.waitingOn = c;
      c.waitBy(this);
    } else {
      throw new TypeError(
        `process "${this.name}" yielded ${String(c)}: yield a delay (timeout(5)), a Signal, ` +
          'a Resource (acquire()), a Mailbox or another Process',
      );
    }
  }

  private finish(state: State, value: R | undefined, error: unknown): void {
    if (this.deadlineId >= 0) {
      this.sim.cancel(this.deadlineId);
      this.deadlineId = -1;
    }
    this.state = state;
    this.result = value;
    this.error = error;
    this.sim.processes.remove(this.idx);
    const joiners = this.joiners;
    this.joiners = null;
    if (state === 'failed' && (joiners === null || joiners.length === 0)) throw error;
    if (joiners !== null) for (const j of joiners) this.waitBy(j);
  }
}

/** A one-shot event: processes that yield it wait until `fire(value)`, then receive value. */
export class Signal<T = void> implements Waitable {
  private waiters: Process<unknown>[] = [];
  private fired = false;
  private val: T | undefined = undefined;

  /** Whether `fire` has been called. */
  get triggered(): boolean {
    return this.fired;
  }

  /** Wakes every waiting process (in the order they started waiting) and all later ones. */
  fire(value: T): void {
    if (this.fired) throw new Error('a signal fires only once');
    this.fired = true;
    this.val = value;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.wake(value);
  }

  waitBy(proc: Process<unknown>): void {
    if (this.fired) proc.wake(this.val);
    else this.waiters.push(proc);
  }

  forget(proc: Process<unknown>): void {
    const i = this.waiters.indexOf(proc);
    if (i >= 0) this.waiters.splice(i, 1);
  }
}

/**
 * A resource with `capacity` identical slots (server threads, connection slots). Yielding
 * `acquire()` takes a slot, waiting in FIFO order when none is free; `release()` hands the
 * slot straight to the longest waiter.
 */
export class Resource implements Waitable {
  /** Slots in all. */
  readonly capacity: number;
  private busy = 0;
  private readonly waiting = new Deque<Process<unknown>>();
  private queuedGrants = 0;

  constructor(capacity: number) {
    if (!(capacity >= 1) || !Number.isInteger(capacity)) throw new RangeError(`capacity must be a whole number >= 1, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Slots in use. */
  get inUse(): number {
    return this.busy;
  }

  /** Processes waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** How many grants went to a process that had to queue first. */
  get grantsAfterWaiting(): number {
    return this.queuedGrants;
  }

  /** What to yield to take a slot; the process resumes holding it. */
  acquire(): Waitable {
    return this;
  }

  /**
   * Takes a slot now if one is free and nobody waits, and says whether it did: a caller that
   * gets true holds the slot without yielding (and without the kernel event a yielded
   * `acquire` costs); on false it yields `acquire()` as usual.
   */
  tryAcquire(): boolean {
    if (this.busy >= this.capacity || this.waiting.length > 0) return false;
    this.busy++;
    return true;
  }

  /** Gives a slot back; the first waiter, if any, gets it at once. */
  release(): void {
    if (this.busy === 0) throw new Error('release() without a slot held');
    const next = this.waiting.shift();
    if (next === undefined) this.busy--;
    else {
      this.queuedGrants++;
      next.wake(this);
    }
  }

  waitBy(proc: Process<unknown>): void {
    if (this.busy < this.capacity) {
      this.busy++;
      proc.wake(this);
    } else this.waiting.push(proc);
  }

  forget(proc: Process<unknown>): void {
    this.waiting.remove(proc);
  }
}

/** A FIFO of messages: `put` never blocks; yielding the mailbox waits for the next message. */
export class Mailbox<T> implements Waitable {
  private readonly items = new Deque<T>();
  private readonly waiters = new Deque<Process<unknown>>();

  /** Messages not yet taken. */
  get size(): number {
    return this.items.length;
  }

  /** Delivers a message: to the longest-waiting process, or into the queue. */
  put(message: T): void {
    const w = this.waiters.shift();
    if (w === undefined) this.items.push(message);
    else w.wake(message);
  }

  /** What to yield to receive the next message (the mailbox itself). */
  get(): Waitable {
    return this;
  }

  waitBy(proc: Process<unknown>): void {
    if (this.items.length > 0) proc.wake(this.items.shift());
    else this.waiters.push(proc);
  }

  forget(proc: Process<unknown>): void {
    this.waiters.remove(proc);
  }
}
