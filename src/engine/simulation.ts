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
}

const SLOT_BITS = 26;
const SLOT_SPACE = 2 ** SLOT_BITS; // at most 67M events pending at once
const GEN_SPACE = 2 ** (52 - SLOT_BITS);
const COMPACT_MIN = 1024;

/** Sentinel stored in a slot whose event was cancelled and is still in the heap. */
const CANCELLED: Handler = () => undefined;

/** One discrete-event simulation: its own clock, queue and counters. */
export class Simulation {
  private readonly queue: EventQueue;
  private readonly clock = new Float64Array(2); // [now, next seq]; typed so writes never box
  private fns: (Handler | undefined)[];
  private data: Float64Array;
  private gens: Uint32Array;
  private free: Int32Array;
  private nFree = 0;
  private nSlots = 0;
  private nCancelled = 0;
  private stopping = false;
  private running = false;
  private executed = 0;

  /** The live processes, for `Process` itself; models never need it. */
  readonly processes = new ProcessTable();

  /** Called before each executed event's handler, for traces; null to observe nothing. */
  observer: EventObserver | null = null;

  constructor(options: SimulationOptions = {}) {
    const cap = Math.max(64, options.capacity ?? 64);
    this.queue = new EventQueue(cap);
    // Filled up front: a packed array that is never grown element by element leaves no garbage.
    this.fns = new Array<Handler | undefined>(cap).fill(undefined);
    this.data = new Float64Array(cap);
    this.gens = new Uint32Array(cap);
    this.free = new Int32Array(cap);
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
    return this.queue.size - this.nCancelled;
  }

  /** Time of the next event to run, or Infinity if there is none. */
  peek(): number {
    this.skipCancelled();
    return this.queue.peekTime();
  }

  /** Schedules `handler(data)` at absolute time `time` (not before `now`). */
  at(time: number, handler: Handler, data = 0): EventId {
    const now = this.clock[0] as number;
    if (!(time >= now)) {
      throw new RangeError(`cannot schedule at t=${time}: it is before now (t=${now})`);
    }
    if (time === Infinity) throw new RangeError('cannot schedule an event at infinity');
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
   * Cancels a pending event. Returns false if it already ran, was already cancelled, or the
   * id is not one of ours.
   */
  cancel(id: EventId): boolean {
    const slot = id % SLOT_SPACE;
    const gen = (id - slot) / SLOT_SPACE;
    if (slot >= this.nSlots || this.gens[slot] !== gen) return false;
    const fn = this.fns[slot];
    if (fn === undefined || fn === CANCELLED) return false;
    this.fns[slot] = CANCELLED;
    this.nCancelled++;
    if (this.nCancelled > COMPACT_MIN && 2 * this.nCancelled > this.queue.size) this.compact();
    return true;
  }

  /** Starts a process: its body first runs after `options.delay` (default now). */
  process<R>(body: ProcessBody<R>, options: ProcessOptions = {}): Process<R> {
    return new Process(this, body, options.name ?? 'process', options.delay ?? 0);
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
    const q = this.queue;
    const clock = this.clock;
    let done = 0;
    let outcome: RunOutcome = 'empty';
    this.stopping = false;
    this.running = true;
    try {
      while (q.size > 0) {
        const t = q.peekTime();
        if (t > until) {
          outcome = 'until';
          break;
        }
        const slot = q.peekSlot();
        q.pop();
        const fn = this.fns[slot] as Handler;
        this.fns[slot] = undefined;
        this.free[this.nFree++] = slot;
        if (fn === CANCELLED) {
          this.nCancelled--;
          continue;
        }
        clock[0] = t;
        const d = this.data[slot] as number;
        if (this.observer !== null) this.observer(t, this.idOf(slot), fn, d);
        done++;
        fn(d);
        if (this.stopping) {
          outcome = 'stopped';
          break;
        }
        if (done >= max) {
          outcome = 'max-events';
          break;
        }
      }
    } finally {
      this.running = false;
      this.executed += done;
    }
    if ((outcome === 'until' || outcome === 'empty') && until !== Infinity) clock[0] = until;
    return outcome;
  }

  private idOf(slot: number): EventId {
    return (this.gens[slot] as number) * SLOT_SPACE + slot;
  }

  private enqueue(time: number, handler: Handler, data: number): EventId {
    let slot: number;
    if (this.nFree > 0) slot = this.free[--this.nFree] as number;
    else {
      slot = this.nSlots++;
      if (slot >= this.data.length) this.growSlots();
    }
    const gen = ((this.gens[slot] as number) + 1) % GEN_SPACE;
    this.gens[slot] = gen;
    this.fns[slot] = handler;
    this.data[slot] = data;
    const seq = this.clock[1] as number;
    this.clock[1] = seq + 1;
    this.queue.push(time, seq, slot);
    return gen * SLOT_SPACE + slot;
  }

  private growSlots(): void {
    const n = this.data.length * 2;
    if (n > SLOT_SPACE) throw new RangeError(`more than ${SLOT_SPACE} events pending at once`);
    const fns = new Array<Handler | undefined>(n).fill(undefined);
    for (let i = 0; i < this.nSlots; i++) fns[i] = this.fns[i];
    this.fns = fns;
    const data = new Float64Array(n);
    data.set(this.data);
    this.data = data;
    const gens = new Uint32Array(n);
    gens.set(this.gens);
    this.gens = gens;
    const free = new Int32Array(n);
    free.set(this.free);
    this.free = free;
  }

  private skipCancelled(): void {
    const q = this.queue;
    while (q.size > 0 && this.fns[q.peekSlot()] === CANCELLED) {
      const slot = q.peekSlot();
      q.pop();
      this.fns[slot] = undefined;
      this.free[this.nFree++] = slot;
      this.nCancelled--;
    }
  }

  private compact(): void {
    this.queue.retain(
      (slot) => this.fns[slot] !== CANCELLED,
      (slot) => {
        this.fns[slot] = undefined;
        this.free[this.nFree++] = slot;
      },
    );
    this.nCancelled = 0;
  }
}
