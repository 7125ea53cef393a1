/**
 * Writes a trace file while the run goes, holding one block of records in memory at a time.
 *
 * The file is written under a temporary name beside its destination and renamed into place
 * by `close()`, so a run that fails leaves no half-written trace where a trace is expected:
 * `abort()` (or a failed write) removes the temporary file.
 *
 * @module
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { BlockEncoder, toMicros } from './block-codec.js';
import type { TraceEvent } from './event.js';
import { BlockCodec, FrameType, type FrameTypeByte, frameHead, preamble, trailer } from './frame.js';
import type { TraceHeader } from './header.js';
import { indexToBytes, TraceIndexBuilder } from './trace-index.js';

/** How a trace is cut into blocks and keyframes. */
export interface TraceLayout {
  /** Records per block (default 4096): the unit of decoding and of checksums. */
  blockSize?: number;
  /** A keyframe before every this many blocks (default 8): bounds the fold when seeking. */
  keyframeEvery?: number;
}

/** Options of `TraceWriter`. */
export interface TraceWriterOptions extends TraceLayout {
  /** Compress blocks with deflate (default true). */
  compress?: boolean;
}

/** What `close()` reports about the written file. */
export interface TraceWritten {
  path: string;
  events: number;
  bytes: number;
}

/** Default records per block. */
export const DEFAULT_BLOCK_SIZE = 4096;

/**
 * Default blocks per keyframe. A seek folds at most this many blocks from a keyframe: with 8,
 * the first seek in a 6 GiB trace (its decoder not yet compiled) took 190 ms; with 4, half,
 * for keyframes that add under 1 % to the file.
 */
export const DEFAULT_KEYFRAME_EVERY = 4;

const TEXT = new TextEncoder();

/**
 * Streams records into a trace file.
 *
 * ```ts
 * const w = new TraceWriter('run.trace', header);
 * try { for (const e of events) w.write(e); w.close(); } catch (err) { w.abort(); throw err; }
 * ```
 */
export class TraceWriter {
  private readonly temp: string;
  private fd: number | undefined;
  private offset = 0;
  private readonly pending: TraceEvent[] = [];
  private readonly encoder = new BlockEncoder();
  private readonly builder: TraceIndexBuilder;
  private readonly compress: boolean;
  private lastT = 0;

  /**
   * Creates the temporary file and writes the header.
   *
   * @param path where the trace will be once `close()` succeeds.
   */
  constructor(
    readonly path: string,
    header: TraceHeader,
    options: TraceWriterOptions = {},
  ) {
    const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    const keyframeEvery = options.keyframeEvery ?? DEFAULT_KEYFRAME_EVERY;
    if (!(Number.isInteger(blockSize) && blockSize > 0)) throw new RangeError(`blockSize must be a whole number > 0, got ${blockSize}`);
    if (!(Number.isInteger(keyframeEvery) && keyframeEvery > 0)) throw new RangeError(`keyframeEvery must be a whole number > 0, got ${keyframeEvery}`);
    this.builder = new TraceIndexBuilder(blockSize, keyframeEvery);
    this.compress = options.compress ?? true;
    this.temp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    this.fd = openSync(this.temp, 'w');
    this.guard(() => {
      this.put(preamble());
      this.frame(FrameType.Header, TEXT.encode(JSON.stringify(header)));
    });
  }

  /** Records written so far. */
  get count(): number {
    return this.builder.state.events + this.pending.length;
  }

  /**
   * Appends a record. Records must come in time order.
   *
   * @throws TypeError for a malformed record or one that goes back in time (checked when its
   *   block is encoded). Any error abandons the trace: its temporary file is removed.
   */
  write(e: TraceEvent): void {
    if (this.fd === undefined) throw new Error(`trace ${this.path} is already closed`);
    if (!(e.t >= this.lastT)) {
      this.abort();
      throw new TypeError(`trace: ${e.kind} record at t=${e.t} goes back in time (previous ${this.lastT})`);
    }
    this.lastT = e.t;
    // The file keeps whole microseconds; the index and the keyframes must see the times the
    // reader will decode, or a block's first and last times would not match its index entry.
    // A record whose time is already that (a writer that rounds as it makes records) is kept
    // as it is.
    const t = toMicros(e.t) / 1_000_000;
    this.pending.push(t === e.t ? e : { ...e, t });
    if (this.pending.length >= this.builder.blockSize) this.guard(() => this.flush());
  }

  /** Writes the rest, the index and the trailer, then moves the file into place. */
  close(): TraceWritten {
    if (this.fd === undefined) throw new Error(`trace ${this.path} is already closed`);
    const fd = this.fd;
    this.guard(() => {
      if (this.pending.length > 0) this.flush();
      const index = this.builder.finish();
      const at = this.offset;
      this.frame(FrameType.Index, deflateRawSync(indexToBytes(index)));
      this.put(trailer(at));
      fsyncSync(fd);
      closeSync(fd);
      this.fd = undefined;
      renameSync(this.temp, this.path);
    });
    return { path: this.path, events: this.builder.state.events, bytes: this.offset };
  }

  /** Abandons the trace and removes its temporary file. Safe to call more than once. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Already unusable; removing the file is what matters.
      }
      this.fd = undefined;
    }
    try {
      unlinkSync(this.temp);
    } catch {
      // Nothing to remove.
    }
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (e) {
      // A write that fails (disk full, a malformed record) must not leave a partial file behind.
      this.abort();
      throw e;
    }
  }

  private flush(): void {
    const events = this.pending;
    if (this.builder.keyframeDue()) {
      const at = this.offset;
      const state = this.builder.addKeyframe(at);
      this.frame(FrameType.Keyframe, deflateRawSync(TEXT.encode(JSON.stringify(state))));
    }
    // Encoding first: a malformed record throws before anything of its block is written.
    const raw = this.encoder.encode(events);
    const body = this.compress ? deflateRawSync(raw) : raw;
    const payload = new Uint8Array(1 + body.length);
    payload[0] = this.compress ? BlockCodec.Deflate : BlockCodec.Stored;
    payload.set(body, 1);
    const at = this.offset;
    this.frame(FrameType.Block, payload);
    this.builder.addBlock(events, at);
    this.pending.length = 0;
  }

  private frame(type: FrameTypeByte, payload: Uint8Array): void {
    this.put(frameHead(type, payload));
    this.put(payload);
  }

  private put(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd as number, bytes, done, bytes.length - done);
    this.offset += bytes.length;
  }
}
