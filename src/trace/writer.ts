/**
 * Writes a trace file while the run goes, holding one block of records in memory at a time.
 *
 * The file is written under a temporary name beside its destination and renamed into place
 * by `close()`, so a run that fails leaves no half-written trace where a trace is expected:
 * `abort()` (or a failed write) removes the temporary file.
 *
 * Once a trace has more than a block, its blocks and keyframes are deflated and written by a
 * thread of their own (`frame-worker.ts`), while the run goes on: on a machine with a core to
 * spare, a traced run no longer waits for zlib. The file is the same, byte for byte, as when
 * everything is done in the caller's thread (`thread: false`, or where the compiled thread
 * cannot be found, as when the sources run under a test runner). The writer waits for the
 * thread without an event loop (`Atomics.wait`), so a run that never yields still works, and
 * it stops handing over blocks while the thread is more than a few behind.
 *
 * @module
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { deflateRawSync } from 'node:zlib';
import { BlockEncoder, toMicros } from './block-codec.js';
import type { AggregateState } from './aggregate.js';
import type { TraceEvent } from './event.js';
import { BlockCodec, blockPayload, FrameType, type FrameTypeByte, frameHead, preamble, trailer, writeAll } from './frame.js';
import { type FrameJob, type FrameReply, type FrameWorkerData, SHARED_BYTES, SLOT_BUSY, SLOT_DONE, SLOT_FAILED, SLOT_STOP } from './frame-thread.js';
import type { TraceHeader } from './header.js';
import { indexToBytes, TraceIndexBuilder } from './trace-index.js';

/** The compiled thread; absent when the sources run without a build. */
const WORKER_URL = new URL('./frame-worker.js', import.meta.url);

/** Frames handed to the thread and not yet written, past which the writer waits. */
const MAX_IN_FLIGHT = 16;

/** The thread that deflates and writes frames, and what the writer knows of it. */
interface FrameThread {
  readonly worker: Worker;
  readonly counters: Int32Array;
  readonly port: MessagePort;
  /** Jobs handed over. */
  sent: number;
  /** The index entries of the frames handed over, in file order, whose offsets come at the end. */
  readonly placed: { offset: number }[];
}

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
  /**
   * Deflate and write blocks on a thread of their own (default true, when compressing and
   * the compiled thread is there). The file is the same either way.
   */
  thread?: boolean;
}

/** What `close()` reports about the written file. */
export interface TraceWritten {
  path: string;
  events: number;
  bytes: number;
}

/**
 * Where a trace for `path` is written until it is closed: beside it, hidden, named after this
 * process. Whoever must clean up after a run that died without `abort()` finds it here.
 */
export function partialPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
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
  private readonly encoder = new BlockEncoder();
  /** The state before the block being made, when a keyframe goes before it. */
  private keyframe: AggregateState | null = null;
  private readonly builder: TraceIndexBuilder;
  private readonly compress: boolean;
  private readonly threaded: boolean;
  private thread: FrameThread | null = null;
  private handedOver = 0;
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
    this.threaded = this.compress && (options.thread ?? true) && existsSync(fileURLToPath(WORKER_URL));
    this.temp = partialPath(path);
    this.fd = openSync(this.temp, 'w');
    this.guard(() => {
      this.put(preamble());
      this.frame(FrameType.Header, TEXT.encode(JSON.stringify(header)));
    });
  }

  /** Frames (blocks and keyframes) that went to the writing thread so far. */
  get framesOnThread(): number {
    return this.handedOver;
  }

  /** Records written so far. */
  get count(): number {
    return this.builder.state.events;
  }

  /**
   * Appends a record. Records must come in time order.
   *
   * The record is encoded and folded into the index at once; the writer keeps nothing of it.
   *
   * @throws TypeError for a malformed record or one that goes back in time. Any error
   *   abandons the trace: its temporary file is removed.
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
    const r = t === e.t ? e : { ...e, t };
    try {
      // Encoding first: a malformed record throws before the index has seen it.
      if (this.encoder.count === 0 && this.builder.keyframeDue()) this.keyframe = this.builder.addKeyframe(-1);
      this.encoder.add(r);
      this.builder.add(r);
      if (this.encoder.count >= this.builder.blockSize) this.flush();
    } catch (err) {
      // A write that fails (disk full, a malformed record) must not leave a partial file behind.
      this.abort();
      throw err;
    }
  }

  /** Writes the rest, the index and the trailer, then moves the file into place. */
  close(): TraceWritten {
    if (this.fd === undefined) throw new Error(`trace ${this.path} is already closed`);
    const fd = this.fd;
    this.guard(() => {
      if (this.encoder.count > 0) this.flush();
      if (this.thread !== null) this.joinThread(this.thread);
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
    const thread = this.thread;
    if (thread !== null) {
      // The file must not be closed under a write: stop the thread, and wait until it is not
      // in the middle of one (it looks at the flag only after saying it is busy).
      const c = thread.counters;
      Atomics.store(c, SLOT_STOP, 1);
      while (Atomics.load(c, SLOT_BUSY) === 1) Atomics.wait(c, SLOT_DONE, Atomics.load(c, SLOT_DONE), 20);
      this.endThread(thread);
    }
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
    // The first block, and a trace's last short one, are written here: a trace of a block or
    // two is not worth a thread.
    const full = this.encoder.count === this.builder.blockSize;
    const raw = this.encoder.finish();
    const keyframe = this.keyframe;
    this.keyframe = null;
    if (this.thread !== null || (this.threaded && full && this.builder.blockCount > 0)) {
      const thread = this.thread ?? this.startThread();
      if (keyframe !== null) {
        thread.placed.push(this.builder.lastKeyframe());
        this.handOver(thread, { type: FrameType.Keyframe, raw: TEXT.encode(JSON.stringify(keyframe)), lead: -1 });
      }
      thread.placed.push(this.builder.endBlock(-1));
      this.handOver(thread, { type: FrameType.Block, raw, lead: BlockCodec.Deflate });
      return;
    }
    if (keyframe !== null) {
      this.builder.lastKeyframe().offset = this.offset;
      this.frame(FrameType.Keyframe, deflateRawSync(TEXT.encode(JSON.stringify(keyframe))));
    }
    const payload = this.compress ? blockPayload(BlockCodec.Deflate, deflateRawSync(raw)) : blockPayload(BlockCodec.Stored, raw);
    const at = this.offset;
    this.frame(FrameType.Block, payload);
    this.builder.endBlock(at);
  }

  private startThread(): FrameThread {
    const counters = new Int32Array(new SharedArrayBuffer(SHARED_BYTES));
    const { port1, port2 } = new MessageChannel();
    const data: FrameWorkerData = { fd: this.fd as number, offset: this.offset, shared: counters.buffer as SharedArrayBuffer, port: port1 };
    const worker = new Worker(WORKER_URL, { workerData: data, transferList: [port1] });
    // A run that ends without close() or abort() must not be kept alive by the thread.
    worker.unref();
    port2.unref();
    this.thread = { worker, counters, port: port2, sent: 0, placed: [] };
    return this.thread;
  }

  private handOver(thread: FrameThread, job: FrameJob): void {
    const c = thread.counters;
    for (;;) {
      this.checkThread(thread);
      const done = Atomics.load(c, SLOT_DONE);
      if (thread.sent - done < MAX_IN_FLIGHT) break;
      Atomics.wait(c, SLOT_DONE, done);
    }
    thread.worker.postMessage(job, [job.raw.buffer as ArrayBuffer]);
    thread.sent++;
    this.handedOver++;
  }

  /** Throws what made the thread fail, if it has. */
  private checkThread(thread: FrameThread): void {
    if (Atomics.load(thread.counters, SLOT_FAILED) === 0) return;
    const reply = receiveMessageOnPort(thread.port)?.message as FrameReply | undefined;
    const failure = reply !== undefined && 'error' in reply ? reply : { error: 'the trace thread failed' };
    throw Object.assign(new Error(failure.error), failure.code === undefined ? {} : { code: failure.code });
  }

  /** Waits until the thread has written everything, then places the index entries. */
  private joinThread(thread: FrameThread): void {
    const c = thread.counters;
    thread.worker.postMessage('end');
    thread.sent++;
    for (;;) {
      const done = Atomics.load(c, SLOT_DONE);
      if (done >= thread.sent) break;
      Atomics.wait(c, SLOT_DONE, done);
    }
    this.checkThread(thread);
    const reply = receiveMessageOnPort(thread.port)?.message as FrameReply | undefined;
    if (reply === undefined || !('offsets' in reply) || reply.offsets.length !== thread.placed.length) throw new Error('the trace thread did not say where its frames are');
    reply.offsets.forEach((at, i) => ((thread.placed[i] as { offset: number }).offset = at));
    this.offset = reply.end;
    this.endThread(thread);
  }

  private endThread(thread: FrameThread): void {
    this.thread = null;
    thread.port.close();
    void thread.worker.terminate().catch(() => undefined);
  }

  private frame(type: FrameTypeByte, payload: Uint8Array): void {
    this.put(frameHead(type, payload));
    this.put(payload);
  }

  private put(bytes: Uint8Array): void {
    writeAll(this.fd as number, bytes);
    this.offset += bytes.length;
  }
}
