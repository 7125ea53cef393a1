/**
 * The index at the end of a trace: where each block is and what it covers, where the
 * keyframes are, the markers, and the sparkline series. Built by one fold over the records,
 * the same for a file being written and for a trace held in memory.
 *
 * @module
 */
import type { Seconds } from '../engine/index.js';
import { type AggregateState, applyEvent, cloneState, emptyState } from './aggregate.js';
import { type EventKind, EVENT_KINDS, type TraceEvent } from './event.js';
import { type Marker, MarkerCollector } from './markers.js';
import { type Series, SeriesBuilder } from './series.js';

/** What the index knows about one block of records. */
export interface BlockMeta {
  /** Byte offset of the block's frame in the file (-1 in memory). */
  offset: number;
  /** Position of the block's first record in the trace. */
  first: number;
  count: number;
  /** Times of the block's first and last records. */
  t0: Seconds;
  t1: Seconds;
  /** Bit `i` is set when the block holds a record of kind `EVENT_KINDS[i]`. */
  kinds: number;
  /** Smallest and largest flow ids in the block, or -1 when it has none. */
  flowMin: number;
  flowMax: number;
  /** Smallest and largest message ids in the block, or -1 when it has none. */
  msgMin: number;
  msgMax: number;
}

/** Where a keyframe is: the state before block `block`. */
export interface KeyframeRef {
  block: number;
  /** Byte offset of the keyframe's frame in the file (-1 in memory). */
  offset: number;
}

/** Everything a reader needs to find its way in a trace. */
export interface TraceIndex {
  /** Records in the trace. */
  events: number;
  /** Time of the last record (0 for an empty trace). */
  end: Seconds;
  blockSize: number;
  /** A keyframe is stored before every `keyframeEvery`-th block. */
  keyframeEvery: number;
  blocks: BlockMeta[];
  keyframes: KeyframeRef[];
  markers: Marker[];
  series: Series;
  /** The state after the last record. */
  final: AggregateState;
}

/** The bit of a kind in `BlockMeta.kinds`. */
export function kindBit(kind: EventKind): number {
  return 1 << EVENT_KINDS.indexOf(kind);
}

/** Mask of every kind in `kinds`. */
export function kindMask(kinds: Iterable<EventKind>): number {
  let m = 0;
  for (const k of kinds) m |= kindBit(k);
  return m;
}

const BIT: Readonly<Record<string, number>> = Object.fromEntries(EVENT_KINDS.map((k, i) => [k, 1 << i]));

/**
 * Builds the index as blocks are written. Call `keyframeDue` before each block (and store
 * `state` as a keyframe when it says so), then `addBlock` with the block's records.
 */
export class TraceIndexBuilder {
  /** The state after every record added so far. Do not change it. */
  readonly state: AggregateState = emptyState();
  private readonly blocks: BlockMeta[] = [];
  private readonly keyframes: KeyframeRef[] = [];
  private readonly markers = new MarkerCollector();
  private readonly series = new SeriesBuilder();
  private events = 0;
  /** The block being made, once it has a record. */
  private open: BlockMeta | null = null;

  constructor(
    readonly blockSize: number,
    readonly keyframeEvery: number,
  ) {}

  /** Blocks ended so far. */
  get blockCount(): number {
    return this.blocks.length;
  }

  /** True when a keyframe belongs before the next block. */
  keyframeDue(): boolean {
    return this.blocks.length > 0 && this.blocks.length % this.keyframeEvery === 0;
  }

  /** Notes that a keyframe of the current state is stored at `offset`; returns a copy of it. */
  addKeyframe(offset: number): AggregateState {
    this.keyframes.push({ block: this.blocks.length, offset });
    return cloneState(this.state);
  }

  /** The keyframe noted last, whose offset a writer may fill in once it is known. */
  lastKeyframe(): KeyframeRef {
    const k = this.keyframes[this.keyframes.length - 1];
    if (k === undefined) throw new Error('no keyframe yet');
    return k;
  }

  /** Folds in a block of records stored at `offset`. */
  addBlock(events: readonly TraceEvent[], offset: number): BlockMeta {
    for (const e of events) this.add(e);
    return this.endBlock(offset);
  }

  /** Folds in one record of the block being made; the first opens it. */
  add(e: TraceEvent): void {
    let meta = this.open;
    if (meta === null) this.open = meta = { offset: -1, first: this.events, count: 0, t0: e.t, t1: e.t, kinds: 0, flowMin: -1, flowMax: -1, msgMin: -1, msgMax: -1 };
    meta.count++;
    meta.t1 = e.t;
    meta.kinds |= BIT[e.kind] as number;
    const flow = 'flow' in e ? e.flow : undefined;
    if (flow !== undefined) {
      if (meta.flowMin < 0 || flow < meta.flowMin) meta.flowMin = flow;
      if (flow > meta.flowMax) meta.flowMax = flow;
    }
    if (e.kind === 'message') {
      if (meta.msgMin < 0 || e.msg < meta.msgMin) meta.msgMin = e.msg;
      if (e.msg > meta.msgMax) meta.msgMax = e.msg;
    }
    this.series.advance(e.t);
    applyEvent(this.state, e);
    this.series.record(this.state);
    this.markers.observe(e, this.events);
    this.events++;
  }

  /** Ends the block being made (an empty one if nothing was added), stored at `offset`. */
  endBlock(offset: number): BlockMeta {
    const meta = this.open ?? { offset, first: this.events, count: 0, t0: 0, t1: 0, kinds: 0, flowMin: -1, flowMax: -1, msgMin: -1, msgMax: -1 };
    meta.offset = offset;
    this.open = null;
    this.blocks.push(meta);
    return meta;
  }

  /** The finished index. */
  finish(): TraceIndex {
    const end = this.state.t;
    return {
      events: this.events,
      end,
      blockSize: this.blockSize,
      keyframeEvery: this.keyframeEvery,
      blocks: this.blocks,
      keyframes: this.keyframes,
      markers: this.markers.markers,
      series: this.series.finish(end),
      final: cloneState(this.state),
    };
  }
}

const META_FIELDS = ['offset', 'first', 'count', 't0', 't1', 'kinds', 'flowMin', 'flowMax', 'msgMin', 'msgMax'] as const;

const TEXT_OUT = new TextEncoder();
const TEXT_IN = new TextDecoder();

/**
 * The index as bytes (format version 2): a u32 length, the index as JSON text without its
 * block and keyframe entries (their counts stand in their place), zero padding to a multiple
 * of 8, then the block entries as ten columns of little-endian doubles in `META_FIELDS` order,
 * then the keyframes as two (block, offset). A week of a million subscribers has ~190k blocks;
 * as JSON rows they took a quarter of a second to parse, as columns a few ms.
 */
export function indexToBytes(index: TraceIndex): Uint8Array {
  const n = index.blocks.length;
  const k = index.keyframes.length;
  const text = TEXT_OUT.encode(JSON.stringify({ ...index, blocks: n, keyframes: k }));
  const head = (4 + text.length + 7) & ~7;
  const out = new Uint8Array(head + (META_FIELDS.length * n + 2 * k) * 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, text.length, true);
  out.set(text, 4);
  META_FIELDS.forEach((field, c) => {
    const base = head + c * n * 8;
    for (let b = 0; b < n; b++) view.setFloat64(base + b * 8, (index.blocks[b] as BlockMeta)[field], true);
  });
  const keys = head + META_FIELDS.length * n * 8;
  index.keyframes.forEach((kf, i) => {
    view.setFloat64(keys + i * 8, kf.block, true);
    view.setFloat64(keys + (k + i) * 8, kf.offset, true);
  });
  return out;
}

/**
 * Reads an index written by `indexToBytes` (version 2), or the JSON text of version 1, whose
 * block entries were rows of numbers.
 *
 * @throws Error saying what is missing when the bytes are not an index.
 */
export function indexFromBytes(raw: Uint8Array, version: number): TraceIndex {
  if (version < 2) {
    const json = JSON.parse(TEXT_IN.decode(raw)) as Record<string, unknown>;
    if (!Array.isArray(json['keyframes'])) throw new Error('index field "keyframes" is missing');
    return checked(json, rowsOf(json['blocks']), json['keyframes'] as KeyframeRef[]);
  }
  if (raw.length < 4) throw new Error('the index is too short');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const length = view.getUint32(0, true);
  if (4 + length > raw.length) throw new Error('the index is shorter than its text');
  const json = JSON.parse(TEXT_IN.decode(raw.subarray(4, 4 + length))) as Record<string, unknown>;
  const n = json['blocks'];
  const k = json['keyframes'];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error('index field "blocks" is missing');
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) throw new Error('index field "keyframes" is missing');
  const head = (4 + length + 7) & ~7;
  if (head + (META_FIELDS.length * n + 2 * k) * 8 !== raw.length) throw new Error(`the index's tables do not hold ${n} blocks and ${k} keyframes`);
  const at = (i: number): number => view.getFloat64(head + i * 8, true);
  const blocks = new Array<BlockMeta>(n);
  for (let b = 0; b < n; b++) {
    blocks[b] = { offset: at(b), first: at(n + b), count: at(2 * n + b), t0: at(3 * n + b), t1: at(4 * n + b), kinds: at(5 * n + b), flowMin: at(6 * n + b), flowMax: at(7 * n + b), msgMin: at(8 * n + b), msgMax: at(9 * n + b) };
  }
  const keys = META_FIELDS.length * n;
  const keyframes = new Array<KeyframeRef>(k);
  for (let i = 0; i < k; i++) keyframes[i] = { block: at(keys + i), offset: at(keys + k + i) };
  return checked(json, blocks, keyframes);
}

/** Version 1's block entries: one array of numbers per block. */
function rowsOf(rows: unknown): BlockMeta[] {
  if (!Array.isArray(rows)) throw new Error('index field "blocks" is missing');
  // A literal per row, not Object.fromEntries, which took most of the time to open a long trace.
  return rows.map((row): BlockMeta => {
    if (!Array.isArray(row) || row.length !== META_FIELDS.length) throw new Error('an index block entry is malformed');
    const r = row as number[];
    return { offset: r[0]!, first: r[1]!, count: r[2]!, t0: r[3]!, t1: r[4]!, kinds: r[5]!, flowMin: r[6]!, flowMax: r[7]!, msgMin: r[8]!, msgMax: r[9]! };
  });
}

/** Checks the index's other fields, and puts its block and keyframe entries in place. */
function checked(raw: Record<string, unknown>, blocks: BlockMeta[], keyframes: KeyframeRef[]): TraceIndex {
  for (const key of ['events', 'end', 'blockSize', 'keyframeEvery'] as const) {
    if (typeof raw[key] !== 'number') throw new Error(`index field "${key}" is missing`);
  }
  if (!Array.isArray(raw['markers'])) throw new Error('index field "markers" is missing');
  if (typeof raw['series'] !== 'object' || typeof raw['final'] !== 'object') throw new Error('index fields "series" and "final" are missing');
  return { ...(raw as unknown as TraceIndex), blocks, keyframes };
}
