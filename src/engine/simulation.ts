/**
 * The simulation kernel: a clock, a pending event set and a loop.
 *
 * Ordering contract: events run in increasing time; events at the same time run in the order
 * they were scheduled (FIFO), so an event scheduled with zero delay runs after every event
 * already pending at `now`. The order never depends on anything but the calls made.
 *
 * Ownership: a scheduled handler belongs to the kernel until it runs or is cancelled. Each
 * pending event holds a slot (handler + one number of data); a slot is reused once its event
 * has left the heap, and an `EventId` names one use of one slot, so a stale id never cancels
 * somebody else's event. Cancellation is lazy (the entry stays in the heap, marked), and the
 * heap is compacted whenever marked entries outnumber live ones, so memory stays bounded by
 * twice the live events.
 *
 * @module
 */
import { EventQueue } from './event-queue.js';
import { Process, type ProcessBody, ProcessTable } from './process.js';

/** A plain event handler: receives the number it was scheduled with. */
export type Handler = (data: number) => void;

/** Names one scheduled event, for `cancel`. */
export type EventId = number;

/** Observes every executed event, just before its handler runs. */
export type EventObserver = (time: number, id: EventId, handler: Handler, data: number) => void;

/** How a call to `run` ended. */
export type RunOutcome = 'empty' | 'until' | 'max-events' | 'stopped';

/** Limits for `run`; with none it runs until no events are left. */
export interface RunOptions {
  /** Run events whose time is at most this, then set `now` to it (unless stopped earlier). */
  until?: number;
  /** Execute at most this many events in this call. */
  maxEvents?: number;
}

/** Options for a new simulation. */
export interface SimulationOptions {
  /** Pending events to make room for up front (the heap grows as needed anyway). */
  capacity?: number;
}

/** Options for `process`. */
export interface ProcessOptions {
  /** Start after this delay (default 0: at `now`, after events already pending at `now`). */
  delay?: number;
  /** A name for errors and traces. */
  name?: string;
  /**
   * Run the body's first step at once, inside this call, rather than as a kernel event
   * (`delay` is then ignored). For a handler that runs at the very moment a process is due
   * to start: the process takes the handler's place in the order of events, at no event's
   * cost. What the first step throws, this call throws.
   */
  now?: boolean;
}

const SLOT_BITS = 26;
const SLOT_SPACE = 2 ** SLOT_BITS; // at most 67M events pending at once
const GEN_MASK = 2 ** (52 - SLOT_BITS) - 1;
const KEY_SPACE = 2 ** 53; // keys are exact integers below this
const MIN_SLOTS = 64;
const COMPACT_MIN = 1024;

/** Sentinel stored in a slot whose event was cancelled and is still in the heap. */
const CANCELLED: Handler = () => undefined;

/** The smallest power of two >= n. */
function pow2AtLeast(n: number): number {
  let p = MIN_SLOTS;
  while (p < n) p *= 2;
  return p;
}

/** One discrete-event simulation: its own clock, queue and counters. */
export class Simulation {
  private readonly queue: EventQueue;
  // [now, next seq, seq limit]: typed so that writes never box.
  private readonly clock = new Float64Array(3);
  // The slot table, one entry per pending event: its handler in `fns`, and its data and
  // generation side by side in `meta` ([data, gen] per slot), so that running an event reads
  // one line of `meta` rather than two arrays. A free slot's data holds the next free slot
  // (-1 ends the list); every slot starts on that list. The generation counts the slot's
  // events: it moves on when an event leaves the heap, so an old EventId never matches again.
  // Heap keys are seq * scale + slot, so a key orders by seq (schedule order) and names its
  // slot in its low bits. A process's resume stores the Process itself as the handler (and
  // its index as data): the loop calls its `step` directly, with no closure or table between.
  private fns: (Handler | Process<unknown> | undefined)[];
  private meta: Float64Array;
  private freeHead = -1;
  private scale: number;
  private mask: number;
  private nCancelled = 0;
  private stopping = false;
  // While a handler runs: its own event's entry is still at the top of the heap (see loop).
  private spent = false;
  private running = false;
  private executed = 0;

  /** The live processes, for `Process` itself; models never need it. */
  readonly processes = new ProcessTable();

  /** Called before each executed event's handler, for traces; null to observe nothing. */
  observer: EventObserver | null = null;

  constructor(options: SimulationOptions = {}) {
    const want = options.capacity ?? MIN_SLOTS;
    if (!(want >= 0 && want <= SLOT_SPACE)) {
      throw new RangeError(`capacity must be a number from 0 to ${SLOT_SPACE}, got ${want}`);
    }
    const cap = Math.max(MIN_SLOTS, Math.ceil(want));
    this.queue = new EventQueue(cap);
    // Filled up front: a packed array that is never grown element by element leaves no garbage.
    this.fns = new Array<Handler | Process<unknown> | undefined>(cap).fill(undefined);
    this.meta = new Float64Array(2 * cap);
    this.scale = pow2AtLeast(cap);
    this.mask = this.scale - 1;
    this.clock[2] = KEY_SPACE / this.scale;
    this.link(0, cap);
  }

  /** Current simulated time, in seconds. */
  get now(): number {
    return this.clock[0] as number;
  }

  /** Events executed so far (cancelled events are not counted). */
  get eventsExecuted(): number {
    return this.executed;
  }

  /** Events waiting to run (not counting cancelled ones). */
  get pending(): number {
    return this.queue.size - this.nCancelled - (this.spent ? 1 : 0);
  }

  /** Time of the next event to run, or Infinity if there is none. */
  peek(): number {
    this.settle();
    this.skipCancelled();
    return this.queue.peekTime();
  }

  /** Schedules `handler(data)` at absolute time `time` (not before `now`). */
  at(time: number, handler: Handler, data = 0): EventId {
    if (!(time >= (this.clock[0] as number)) || time === Infinity) this.badTime(time);
    return this.enqueue(time, handler, data);
  }

  /** Schedules `handler(data)` after `delay` seconds (>= 0). */
  after(delay: number, handler: Handler, data = 0): EventId {
    if (!(delay >= 0) || delay === Infinity) {
      throw new RangeError(`delay must be a finite number >= 0, got ${delay}`);
    }
    return this.enqueue((this.clock[0] as number) + delay, handler, data);
  }

  /**
   * Schedules the resume of `proc` (whose index in `processes` is `idx`) after `delay`
   * seconds: what `Process` itself uses. The event is the same as
   * `after(delay, processes.resume, idx)`, only dispatched without the table.
   */
  resumeAfter(delay: number, proc: Process<unknown>, idx: number): EventId {
    if (!(delay >= 0) || delay === Infinity) {
      throw new RangeError(`delay must be a finite number >= 0, got ${delay}`);
    }
    return this.enqueue((this.clock[0] as number) + delay, proc, idx);
  }

  /** As `resumeAfter`, at the absolute time `time` (not before `now`): what `sleepUntil` uses. */
  resumeAt(time: number, proc: Process<unknown>, idx: number): EventId {
    if (!(time >= (this.clock[0] as number)) || time === Infinity) this.badTime(time);
    return this.enqueue(time, proc, idx);
  }

  /**
   * Cancels a pending event. Returns false if it already ran, was already cancelled, or the
   * id is not one of ours.
   */
  cancel(id: EventId): boolean {
    const slot = id % SLOT_SPACE;
    const gen = (id - slot) / SLOT_SPACE;
    if (!(slot >= 0 && slot < this.fns.length) || this.meta[2 * slot + 1] !== gen) return false;
    const fn = this.fns[slot];
    if (fn === undefined || fn === CANCELLED) return false;
    this.fns[slot] = CANCELLED;
    this.nCancelled++;
    if (this.nCancelled > COMPACT_MIN && 2 * this.nCancelled > this.queue.size) {
      this.settle();
      this.compact();
    }
    return true;
  }

  /** Starts a process: its body first runs after `options.delay` (default now). */
  process<R>(body: ProcessBody<R>, options: ProcessOptions = {}): Process<R> {
    if (options.now !== true) return new Process(this, body, options.name ?? 'process', options.delay ?? 0);
    const p = new Process(this, body, options.name ?? 'process', null);
    p.step();
    return p;
  }

  /** Asks the loop to return after the current event. Only meaningful inside a handler. */
  stop(): void {
    this.stopping = true;
  }

  /** Runs exactly one event, if there is one. Returns false when none is left. */
  step(): boolean {
    const before = this.executed;
    this.run({ maxEvents: 1 });
    return this.executed > before;
  }

  /**
   * Runs events in order until none is left, the next is later than `until`, `maxEvents`
   * have run, or a handler calls `stop()`. Resumable: call it again to go on.
   */
  run(options: RunOptions = {}): RunOutcome {
    if (this.running) throw new Error('run() called from inside a handler');
    const until = options.until ?? Infinity;
    if (until < (this.clock[0] as number)) {
      throw new RangeError(`cannot run until t=${until}: it is before now (t=${this.clock[0]})`);
    }
    const max = options.maxEvents ?? Infinity;
    if (max <= 0) return 'max-events';
    let outcome: RunOutcome = 'empty';
    this.stopping = false;
    this.running = true;
    try {
      outcome = this.loop(until, max);
    } finally {
      this.running = false;
      this.settle(); // a handler threw before its spent entry was removed
    }
    if ((outcome === 'until' || outcome === 'empty') && until !== Infinity) this.clock[0] = until;
    return outcome;
  }

  // The event loop proper, kept apart from run()'s checks and try/finally so that it stays
  // small enough for the compiler to inline the queue and the handlers into it.
  private loop(until: number, max: number): RunOutcome {
    const q = this.queue;
    const clock = this.clock;
    const last = this.executed + max;
    let outcome: RunOutcome = 'empty';
    while (q.size > 0) {
      const t = q.peekTime();
      if (t > until) {
        outcome = 'until';
        break;
      }
      const slot = q.peekKey() & this.mask;
      // Free the slot before the handler runs, so that what it schedules can reuse it. The
      // event's heap entry stays at the top, spent, until the handler's first schedule takes
      // its place (one sift-down instead of a pop and a push) or the handler returns.
      const fns = this.fns;
      const meta = this.meta;
      const fn = fns[slot] as Handler | Process<unknown>;
      const d = meta[2 * slot] as number;
      const gen = meta[2 * slot + 1] as number;
      fns[slot] = undefined;
      meta[2 * slot] = this.freeHead;
      meta[2 * slot + 1] = (gen + 1) & GEN_MASK;
      this.freeHead = slot;
      if (fn === CANCELLED) {
        q.pop();
        this.nCancelled--;
        continue;
      }
      clock[0] = t;
      this.spent = true; // from here on, anything that looks at the heap sees past this entry
      if (this.observer !== null) {
        this.observer(t, gen * SLOT_SPACE + slot, typeof fn === 'function' ? fn : this.processes.resume, d);
      }
      this.executed++;
      if (typeof fn === 'function') fn(d);
      else fn.step();
      if (this.spent) {
        this.spent = false;
        q.pop();
      }
      if (this.stopping) {
        outcome = 'stopped';
        break;
      }
      if (this.executed >= last) {
        outcome = 'max-events';
        break;
      }
    }
    return outcome;
  }

  private badTime(time: number): never {
    if (time === Infinity) throw new RangeError('cannot schedule an event at infinity');
    throw new RangeError(`cannot schedule at t=${time}: it is before now (t=${this.clock[0]})`);
  }

  private enqueue(time: number, handler: Handler | Process<unknown>, data: number): EventId {
    let slot = this.freeHead;
    if (slot >= 0) this.freeHead = (this.meta[2 * slot] as number) | 0;
    else slot = this.grow();
    this.fns[slot] = handler;
    this.meta[2 * slot] = data;
    const clock = this.clock;
    let seq = clock[1] as number;
    if (seq >= (clock[2] as number)) seq = this.rekey(this.scale);
    clock[1] = seq + 1;
    if (this.spent) {
      // The running event's entry is still at the top: this event takes its place.
      this.spent = false;
      this.queue.replaceTop(time, seq * this.scale + slot);
    } else this.queue.push(time, seq * this.scale + slot);
    return (this.meta[2 * slot + 1] as number) * SLOT_SPACE + slot;
  }

  /**
   * Grows the slot table by half (it is full: no slot is free) and links the new slots into
   * the free list; returns the first of them. Kept out of `enqueue`'s way: it runs only when
   * the table fills up, never in steady state.
   */
  private grow(): number {
    const old = this.fns.length;
    if (old >= SLOT_SPACE) throw new RangeError(`more than ${SLOT_SPACE} events pending at once`);
    const n = Math.min(SLOT_SPACE, Math.ceil(old * 1.5));
    const fns = new Array<Handler | Process<unknown> | undefined>(n).fill(undefined);
    for (let i = 0; i < old; i++) fns[i] = this.fns[i];
    this.fns = fns;
    const meta = new Float64Array(2 * n);
    meta.set(this.meta);
    this.meta = meta;
    this.link(old, n);
    if (n > this.scale) this.rekey(pow2AtLeast(n));
    const slot = this.freeHead;
    this.freeHead = (meta[2 * slot] as number) | 0;
    return slot;
  }

  /** Puts the (never used) slots from..to-1 on the free list, lowest first. */
  private link(from: number, to: number): void {
    const meta = this.meta;
    for (let i = from; i < to - 1; i++) meta[2 * i] = i + 1;
    meta[2 * (to - 1)] = this.freeHead;
    this.freeHead = from;
  }

  /**
   * Renumbers the pending events' seqs 0, 1, ... in their order and re-packs the keys with
   * room for slots below `scale`. Needed when the slot table outgrows the old scale, or when
   * seq * scale would leave the exact integers (after about 2^53 / scale schedules).
   * The order of pending events does not change. Returns the next seq.
   */
  private rekey(scale: number): number {
    const mask = this.mask;
    this.queue.rekey((key, rank) => rank * scale + (key & mask));
    this.scale = scale;
    this.mask = scale - 1;
    const clock = this.clock;
    clock[1] = this.queue.size;
    clock[2] = KEY_SPACE / scale;
    return this.queue.size;
  }

  /** Removes the running event's spent entry from the top of the heap, if it is there. */
  private settle(): void {
    if (this.spent) {
      this.spent = false;
      this.queue.pop();
    }
  }

  private skipCancelled(): void {
    const q = this.queue;
    while (q.size > 0) {
      const slot = q.peekKey() & this.mask;
      if (this.fns[slot] !== CANCELLED) return;
      q.pop();
      this.release(slot);
      this.nCancelled--;
    }
  }

  private release(slot: number): void {
    this.fns[slot] = undefined;
    this.meta[2 * slot] = this.freeHead;
    this.meta[2 * slot + 1] = ((this.meta[2 * slot + 1] as number) + 1) & GEN_MASK;
    this.freeHead = slot;
  }

  private compact(): void {
    const mask = this.mask;
    this.queue.retain(
      (key) => this.fns[key & mask] !== CANCELLED,
      (key) => this.release(key & mask),
    );
    this.nCancelled = 0;
  }
}
