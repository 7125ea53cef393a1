/**
 * Opens a trace file for reading, checking that it is whole before trusting any of it.
 *
 * On open: the signature and version, the header's checksum, the trailer (a file without it
 * was cut short) and the index's checksum. Each block and keyframe is checked against its
 * checksum when it is read; `verify: true` checks every frame up front, so that a damaged
 * block is reported before a replay starts rather than in the middle of it. Every problem is
 * a `TraceError` naming the file and what is wrong.
 *
 * @module
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import type { AggregateState } from './aggregate.js';
import { decodeBlock } from './block-codec.js';
import type { TraceEvent } from './event.js';
import {
  BlockCodec,
  checksumOk,
  END_MAGIC,
  FORMAT_VERSION,
  FRAME_HEAD_SIZE,
  FrameType,
  frameName,
  MAGIC,
  PREAMBLE_SIZE,
  readFrameHead,
  TRAILER_SIZE,
} from './frame.js';
import { headerProblems, type TraceHeader } from './header.js';
import { Trace, type BlockStore } from './trace.js';
import { type BlockMeta, indexFromBytes, type TraceIndex } from './trace-index.js';
import { TraceError } from './trace-error.js';

/** Options of `openTrace`. */
export interface OpenTraceOptions {
  /** Check every frame's checksum now (reads the whole file once). */
  verify?: boolean;
}

const TEXT = new TextDecoder('utf-8', { fatal: true });

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

class FileStore implements BlockStore {
  constructor(
    private readonly path: string,
    private fd: number | undefined,
    private readonly size: number,
    private index?: TraceIndex,
  ) {}

  setIndex(index: TraceIndex): void {
    this.index = index;
  }

  fail(problem: string): never {
    throw new TraceError(this.path, problem);
  }

  read(at: number, length: number): Uint8Array {
    if (this.fd === undefined) this.fail('the trace has been closed');
    if (at + length > this.size) this.fail(`truncated: a frame at byte ${at} runs past the end of the file (${this.size} bytes)`);
    const b = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, b, done, length - done, at + done);
      if (n === 0) this.fail(`truncated: the file ends at byte ${at + done}`);
      done += n;
    }
    return b;
  }

  /** The payload of the frame at `at`, which must be of type `type` and pass its checksum. */
  frame(at: number, type: number, what: string): Uint8Array {
    if (at + FRAME_HEAD_SIZE > this.size) this.fail(`truncated: ${what} at byte ${at} is past the end of the file`);
    const head = readFrameHead(this.read(at, FRAME_HEAD_SIZE));
    if (head.type !== type) this.fail(`corrupt: expected the ${what} at byte ${at}, found ${frameName(head.type)}`);
    const payload = this.read(at + FRAME_HEAD_SIZE, head.length);
    if (!checksumOk(head, payload)) this.fail(`corrupt: the ${what} at byte ${at} fails its checksum`);
    return payload;
  }

  inflate(payload: Uint8Array, what: string): Uint8Array {
    try {
      return inflateRawSync(payload);
    } catch (e) {
      return this.fail(`corrupt: the ${what} does not decompress (${(e as Error).message})`);
    }
  }

  readBlock(b: number): readonly TraceEvent[] {
    const meta = this.index?.blocks[b];
    if (meta === undefined) this.fail(`no block ${b}`);
    const what = `event block ${b}`;
    const payload = this.frame(meta.offset, FrameType.Block, what);
    const codec = payload[0];
    const body = payload.subarray(1);
    let raw: Uint8Array;
    if (codec === BlockCodec.Deflate) raw = this.inflate(body, what);
    else if (codec === BlockCodec.Stored) raw = body;
    else this.fail(`corrupt: ${what} uses unknown compression ${codec}`);
    let events: TraceEvent[];
    try {
      events = decodeBlock(raw);
    } catch (e) {
      this.fail(`corrupt: ${what} at byte ${meta.offset} cannot be decoded (${(e as Error).message})`);
    }
    const last = events[events.length - 1];
    if (events.length !== meta.count || events[0]?.t !== meta.t0 || last?.t !== meta.t1) {
      this.fail(`corrupt: ${what} at byte ${meta.offset} does not match the index (${events.length} records, index says ${meta.count})`);
    }
    return events;
  }

  readKeyframe(b: number): AggregateState {
    const ref = this.index?.keyframes.find((k) => k.block === b);
    if (ref === undefined) this.fail(`no keyframe before block ${b}`);
    const what = `keyframe before block ${b}`;
    const raw = this.inflate(this.frame(ref.offset, FrameType.Keyframe, what), what);
    try {
      return JSON.parse(TEXT.decode(raw)) as AggregateState;
    } catch (e) {
      return this.fail(`corrupt: the ${what} is not readable (${(e as Error).message})`);
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Opens the trace at `path`.
 *
 * @throws TraceError naming the file and the problem: missing, not a trace, a newer format,
 *   truncated, or corrupt (and where).
 */
export function openTrace(path: string, options: OpenTraceOptions = {}): Trace {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TraceError(path, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a trace' : `cannot be opened (${code ?? (e as Error).message})`);
  }
  const size = fstatSync(fd).size;
  const store = new FileStore(path, fd, size);
  try {
    const trace = load(store, path, size);
    if (options.verify === true) verify(store, trace.index, size);
    return trace;
  } catch (e) {
    store.close();
    throw e;
  }
}

function load(store: FileStore, path: string, size: number): Trace {
  if (size < PREAMBLE_SIZE) store.fail(size === 0 ? 'the file is empty' : `not a portsim trace: only ${size} bytes`);
  const pre = store.read(0, PREAMBLE_SIZE);
  if (!same(pre.subarray(0, 8), MAGIC)) {
    const gz = pre[0] === 0x1f && pre[1] === 0x8b ? ' (it is gzip-compressed: decompress it first)' : '';
    store.fail(`not a portsim trace: it does not start with the trace signature${gz}`);
  }
  const version = new DataView(pre.buffer).getUint16(8, true);
  if (version > FORMAT_VERSION) store.fail(`written by a newer portsim: trace format version ${version}, this portsim reads up to ${FORMAT_VERSION}`);
  if (version < 1) store.fail(`corrupt: trace format version ${version}`);

  let header: TraceHeader;
  try {
    header = JSON.parse(TEXT.decode(store.frame(PREAMBLE_SIZE, FrameType.Header, 'header'))) as TraceHeader;
  } catch (e) {
    if (e instanceof TraceError) throw e;
    store.fail(`corrupt: the header is not readable (${(e as Error).message})`);
  }
  const problems = headerProblems(header);
  if (problems.length > 0) store.fail(`corrupt: ${problems.join('; ')}`);

  if (size < PREAMBLE_SIZE + TRAILER_SIZE) store.fail(truncated(size));
  const tail = store.read(size - TRAILER_SIZE, TRAILER_SIZE);
  if (!same(tail.subarray(8), END_MAGIC)) store.fail(truncated(size));
  const tv = new DataView(tail.buffer);
  const indexAt = tv.getUint32(0, true) + tv.getUint32(4, true) * 2 ** 32;
  if (indexAt < PREAMBLE_SIZE || indexAt + FRAME_HEAD_SIZE > size - TRAILER_SIZE) store.fail(`corrupt: the trailer points at byte ${indexAt}, outside the file`);
  const indexRaw = store.inflate(store.frame(indexAt, FrameType.Index, 'index'), 'index');
  let index: TraceIndex;
  try {
    index = indexFromBytes(indexRaw, version);
  } catch (e) {
    store.fail(`corrupt: the index is not readable (${(e as Error).message})`);
  }
  let expect = 0;
  const blocks = index.blocks;
  for (let b = 0; b < blocks.length; b++) {
    const meta = blocks[b] as BlockMeta;
    if (meta.first !== expect || meta.offset < PREAMBLE_SIZE || meta.offset >= indexAt) store.fail(`corrupt: the index entry of block ${b} is inconsistent`);
    expect += meta.count;
  }
  if (expect !== index.events) store.fail(`corrupt: the index counts ${index.events} records but its blocks hold ${expect}`);
  store.setIndex(index);
  return new Trace(header, index, store, path);
}

function truncated(size: number): string {
  return `truncated: the file ends at byte ${size} without its end-of-trace index (the run that wrote it did not finish)`;
}

function verify(store: FileStore, index: TraceIndex, size: number): void {
  const end = size - TRAILER_SIZE;
  const blockAt = new Map(index.blocks.map((m: BlockMeta, b) => [m.offset, b]));
  const keyAt = new Set(index.keyframes.map((k) => k.offset));
  let at = PREAMBLE_SIZE;
  let blocks = 0;
  while (at < end) {
    const head = readFrameHead(store.read(at, FRAME_HEAD_SIZE));
    const b = blockAt.get(at);
    const what = b !== undefined ? `event block ${b}` : frameName(head.type);
    const payload = store.read(at + FRAME_HEAD_SIZE, head.length);
    if (!checksumOk(head, payload)) store.fail(`corrupt: the ${what} at byte ${at} fails its checksum`);
    if (head.type === FrameType.Block) {
      if (b === undefined) store.fail(`corrupt: an event block at byte ${at} is missing from the index`);
      blocks++;
    } else if (head.type === FrameType.Keyframe && !keyAt.has(at)) {
      store.fail(`corrupt: a keyframe at byte ${at} is missing from the index`);
    } else if (head.type === FrameType.Index) {
      break;
    }
    at += FRAME_HEAD_SIZE + head.length;
  }
  if (blocks !== index.blocks.length) store.fail(`corrupt: the index lists ${index.blocks.length} event blocks, the file holds ${blocks}`);
}
