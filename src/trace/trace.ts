/**
 * A trace opened for reading, from a file or from memory: random access to its records by
 * position and by time, and the aggregate state at any position.
 *
 * Seeking costs one keyframe load plus a fold of at most `keyframeEvery × blockSize` records
 * (16,384 by default), whatever the trace's length. Decoded blocks are kept in a small
 * least-recently-used cache, so playback and scrolling near the cursor decode nothing twice.
 *
 * @module
 */
import type { Seconds } from '../engine/index.js';
import { type AggregateState, applyEvent, cloneState, emptyState } from './aggregate.js';
import type { TraceEvent } from './event.js';
import type { TraceHeader } from './header.js';
import type { Marker } from './markers.js';
import type { Series } from './series.js';
import type { BlockMeta, TraceIndex } from './trace-index.js';

/** Where a `Trace` gets its blocks and keyframes: a file, or arrays in memory. */
export interface BlockStore {
  /** The records of block `b`. Throws `TraceError` when the block cannot be read. */
  readBlock(b: number): readonly TraceEvent[];
  /** The state before block `b`, for a block that has a keyframe. */
  readKeyframe(b: number): AggregateState;
  /** Releases what the store holds open. */
  close(): void;
}

/** Which blocks a search may skip: those with none of these kinds, flows or messages. */
export interface SearchHint {
  /** Mask of kinds (see `kindMask`); blocks with none of them are skipped. */
  kinds?: number;
  /** Blocks whose flow range holds none of these flows are skipped. */
  flows?: readonly number[];
  /** Blocks whose message range holds none of these messages are skipped. */
  msgs?: readonly number[];
}

/** A record and its position in the trace. */
export interface Located {
  index: number;
  event: TraceEvent;
}

const CACHE_BLOCKS = 24;

/** A readable trace. */
export class Trace {
  private readonly cache = new Map<number, readonly TraceEvent[]>();
  private readonly keyframeBlocks: Set<number>;
  private memo: { n: number; state: AggregateState } = { n: 0, state: emptyState() };

  constructor(
    /** What the run was. */
    readonly header: TraceHeader,
    /** The index read from the file or built in memory. */
    readonly index: TraceIndex,
    private readonly store: BlockStore,
    /** Where the trace came from: a file path, or a description. */
    readonly name: string,
  ) {
    this.keyframeBlocks = new Set(index.keyframes.map((k) => k.block));
  }

  /** Number of records. */
  get length(): number {
    return this.index.events;
  }

  /** Time of the last record. */
  get end(): Seconds {
    return this.index.end;
  }

  /** The markers, in trace order. */
  get markers(): readonly Marker[] {
    return this.index.markers;
  }

  /** The sparkline series. */
  get series(): Series {
    return this.index.series;
  }

  /** The records of block `b` (cached). */
  block(b: number): readonly TraceEvent[] {
    const hit = this.cache.get(b);
    if (hit !== undefined) {
      this.cache.delete(b);
      this.cache.set(b, hit);
      return hit;
    }
    const events = this.store.readBlock(b);
    this.cache.set(b, events);
    if (this.cache.size > CACHE_BLOCKS) this.cache.delete(this.cache.keys().next().value as number);
    return events;
  }

  /** The block holding record `i` (0 ≤ i < length). */
  blockOf(i: number): number {
    const blocks = this.index.blocks;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((blocks[mid] as BlockMeta).first <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The record at position `i`. */
  at(i: number): TraceEvent {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`no record ${i} in a trace of ${this.length}`);
    const b = this.blockOf(i);
    return this.block(b)[i - (this.index.blocks[b] as BlockMeta).first] as TraceEvent;
  }

  /** Records `from` (inclusive) to `to` (exclusive), clamped to the trace. */
  slice(from: number, to: number): TraceEvent[] {
    const out: TraceEvent[] = [];
    from = Math.max(0, from);
    to = Math.min(this.length, to);
    let i = from;
    while (i < to) {
      const b = this.blockOf(i);
      const meta = this.index.blocks[b] as BlockMeta;
      const events = this.block(b);
      const stop = Math.min(to, meta.first + meta.count);
      for (; i < stop; i++) out.push(events[i - meta.first] as TraceEvent);
    }
    return out;
  }

  /** How many records happen at or before time `t`. */
  countUntil(t: Seconds): number {
    const blocks = this.index.blocks;
    // The first block that ends after t: every record before it is at or before t.
    let lo = 0;
    let hi = blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((blocks[mid] as BlockMeta).t1 <= t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === blocks.length) return this.length;
    const meta = blocks[lo] as BlockMeta;
    const events = this.block(lo);
    let a = 0;
    let z = events.length;
    while (a < z) {
      const mid = (a + z) >> 1;
      if ((events[mid] as TraceEvent).t <= t) a = mid + 1;
      else z = mid;
    }
    return meta.first + a;
  }

  /**
   * The state after the first `n` records (0 ≤ n ≤ length): the nearest keyframe at or
   * before them, plus the fold of the rest. The result is the caller's to keep.
   */
  stateAt(n: number): AggregateState {
    n = Math.max(0, Math.min(this.length, Math.floor(n)));
    if (n === 0) return emptyState();
    const last = this.blockOf(n - 1);
    let kb = last;
    while (kb > 0 && !this.keyframeBlocks.has(kb)) kb--;
    const blocks = this.index.blocks;
    const keyStart = kb === 0 ? 0 : (blocks[kb] as BlockMeta).first;
    let state: AggregateState;
    let i: number;
    // Playback moves forward in small steps: carry on from the last answer when it lies
    // between the keyframe and n.
    if (this.memo.n <= n && this.memo.n >= keyStart) {
      state = cloneState(this.memo.state);
      i = this.memo.n;
    } else {
      state = kb === 0 ? emptyState() : this.store.readKeyframe(kb);
      i = keyStart;
    }
    while (i < n) {
      const b = this.blockOf(i);
      const meta = blocks[b] as BlockMeta;
      const events = this.block(b);
      const stop = Math.min(n, meta.first + meta.count);
      for (; i < stop; i++) applyEvent(state, events[i - meta.first] as TraceEvent);
    }
    this.memo = { n, state: cloneState(state) };
    return state;
  }

  /**
   * The first record from position `from` in direction `dir` (inclusive) that satisfies
   * `match`, or undefined. Blocks the hint rules out are not decoded; at most `limit`
   * records are examined.
   */
  find(match: (e: TraceEvent) => boolean, from: number, dir: 1 | -1, hint: SearchHint = {}, limit = Infinity): Located | undefined {
    return this.scan(match, from, dir, hint, limit).found;
  }

  /**
   * As `find`, and also where the search stopped: `next` is the position to go on from when
   * `limit` ran out first, or -1 or `length` when it reached the start or the end.
   */
  scan(match: (e: TraceEvent) => boolean, from: number, dir: 1 | -1, hint: SearchHint = {}, limit = Infinity): { found?: Located; next: number } {
    let examined = 0;
    let i = Math.max(-1, Math.min(this.length, from));
    while (i >= 0 && i < this.length && examined < limit) {
      const b = this.blockOf(i);
      const meta = this.index.blocks[b] as BlockMeta;
      if (!mayHold(meta, hint)) {
        i = dir > 0 ? meta.first + meta.count : meta.first - 1;
        continue;
      }
      const events = this.block(b);
      const stop = dir > 0 ? meta.first + meta.count : meta.first - 1;
      for (; i !== stop && examined < limit; i += dir, examined++) {
        const e = events[i - meta.first] as TraceEvent;
        if (match(e)) return { found: { index: i, event: e }, next: i + dir };
      }
    }
    return { next: Math.max(-1, Math.min(this.length, i)) };
  }

  /** Every record that satisfies `match`, skipping blocks the hint rules out. */
  filter(match: (e: TraceEvent) => boolean, hint: SearchHint = {}): Located[] {
    const out: Located[] = [];
    this.index.blocks.forEach((meta, b) => {
      if (!mayHold(meta, hint)) return;
      this.block(b).forEach((e, k) => {
        if (match(e)) out.push({ index: meta.first + k, event: e });
      });
    });
    return out;
  }

  /** Releases the file, if any. */
  close(): void {
    this.cache.clear();
    this.store.close();
  }
}

function inRange(ids: readonly number[], min: number, max: number): boolean {
  if (min < 0) return false;
  return ids.some((id) => id >= min && id <= max);
}

function mayHold(meta: BlockMeta, hint: SearchHint): boolean {
  if (hint.kinds !== undefined && (meta.kinds & hint.kinds) === 0) return false;
  const byFlow = hint.flows !== undefined;
  const byMsg = hint.msgs !== undefined;
  if (!byFlow && !byMsg) return true;
  return (byFlow && inRange(hint.flows ?? [], meta.flowMin, meta.flowMax)) || (byMsg && inRange(hint.msgs ?? [], meta.msgMin, meta.msgMax));
}
