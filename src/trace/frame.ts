/**
 * The container of a trace file: a preamble, checksummed frames, and a trailer that points at
 * the index.
 *
 * ```
 * file     = preamble frame* trailer
 * preamble = magic(8) version(u16 LE) flags(u16 LE, 0)
 * frame    = type(u8) length(u32 LE) crc32(u32 LE, of payload) payload
 * trailer  = indexOffset(u32 LE low, u32 LE high) endMagic(8)
 * ```
 *
 * Frames, in file order: one header (`H`, JSON), then event blocks (`B`), with a keyframe
 * (`K`) before every `keyframeEvery`-th block, then the index (`X`). A file without its
 * trailer was cut short: the writer adds the trailer last, after everything else is on disk.
 *
 * @module
 */
import { writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/** The first 8 bytes of every trace: a high byte and CR LF catch text-mode mangling. */
export const MAGIC = Uint8Array.of(0x89, 0x50, 0x53, 0x54, 0x52, 0x0d, 0x0a, 0x1a); // \x89 P S T R \r \n \x1a

/** The last 8 bytes of a complete trace. */
export const END_MAGIC = Uint8Array.of(0x50, 0x53, 0x54, 0x52, 0x45, 0x4e, 0x44, 0x0a); // PSTREND\n

/**
 * The version of the layout this code writes; it reads every version up to this one.
 * 2: the index's block entries are binary columns, not JSON rows.
 */
export const FORMAT_VERSION = 2;

/** Bytes before the first frame. */
export const PREAMBLE_SIZE = 12;

/** Bytes of a frame before its payload. */
export const FRAME_HEAD_SIZE = 9;

/** Bytes of the trailer. */
export const TRAILER_SIZE = 16;

/** Frame types. */
export const FrameType = {
  Header: 0x48,
  Block: 0x42,
  Keyframe: 0x4b,
  Index: 0x58,
} as const;

/** A frame type's byte. */
export type FrameTypeByte = (typeof FrameType)[keyof typeof FrameType];

/** How a block's payload is stored. */
export const BlockCodec = { Stored: 0, Deflate: 1 } as const;

/** The preamble bytes. */
export function preamble(): Uint8Array {
  const b = new Uint8Array(PREAMBLE_SIZE);
  b.set(MAGIC, 0);
  new DataView(b.buffer).setUint16(8, FORMAT_VERSION, true);
  return b;
}

/** The 9 bytes that go before `payload` in a frame of type `type`. */
export function frameHead(type: FrameTypeByte, payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(FRAME_HEAD_SIZE);
  const v = new DataView(b.buffer);
  v.setUint8(0, type);
  v.setUint32(1, payload.length, true);
  v.setUint32(5, crc32(payload), true);
  return b;
}

/** A block frame's payload: its codec byte (`BlockCodec`), then the block's (deflated) bytes. */
export function blockPayload(codec: number, body: Uint8Array): Uint8Array {
  const payload = new Uint8Array(1 + body.length);
  payload[0] = codec;
  payload.set(body, 1);
  return payload;
}

/** Writes all of `bytes` at the current position of the file `fd`. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** The trailer pointing at the index frame. */
export function trailer(indexOffset: number): Uint8Array {
  const b = new Uint8Array(TRAILER_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, indexOffset % 2 ** 32, true);
  v.setUint32(4, Math.floor(indexOffset / 2 ** 32), true);
  b.set(END_MAGIC, 8);
  return b;
}

/** A frame head, read back. */
export interface FrameHead {
  type: number;
  length: number;
  crc: number;
}

/** Reads a frame head from 9 bytes. */
export function readFrameHead(b: Uint8Array): FrameHead {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { type: v.getUint8(0), length: v.getUint32(1, true), crc: v.getUint32(5, true) };
}

/** True when `payload` matches the checksum in its frame head. */
export function checksumOk(head: FrameHead, payload: Uint8Array): boolean {
  return crc32(payload) === head.crc;
}

/** A frame type's name, for error messages. */
export function frameName(type: number): string {
  switch (type) {
    case FrameType.Header:
      return 'header';
    case FrameType.Block:
      return 'event block';
    case FrameType.Keyframe:
      return 'keyframe';
    case FrameType.Index:
      return 'index';
    default:
      return `unknown frame (type 0x${type.toString(16).padStart(2, '0')})`;
  }
}
