/**
 * What a trace writer and the thread that writes its frames (`frame-worker.ts`) share: the
 * data the thread starts with, the jobs and replies they pass, and the counters they keep in
 * shared memory. Apart from the thread's own module, so that loading the writer never runs it.
 *
 * @module
 */
import type { MessagePort } from 'node:worker_threads';
import type { FrameTypeByte } from './frame.js';

/** What the writer gives the thread when it starts it. */
export interface FrameWorkerData {
  readonly fd: number;
  /** Where the next frame goes. */
  readonly offset: number;
  /** `SLOT_*` counters, shared. */
  readonly shared: SharedArrayBuffer;
  /** Where the thread sends the offsets of its frames at the end, or what went wrong. */
  readonly port: MessagePort;
}

/** A frame to write: its type, its bytes before deflate, and a codec byte to put first. */
export interface FrameJob {
  readonly type: FrameTypeByte;
  readonly raw: Uint8Array;
  /** The byte before the deflated bytes (a block's codec), or -1 for none. */
  readonly lead: number;
}

/** What the thread sends on its port. */
export type FrameReply = { readonly offsets: number[]; readonly end: number } | { readonly error: string; readonly code?: string };

/** Frames written (or skipped after a failure or a stop). */
export const SLOT_DONE = 0;
/** 1 once a write failed: the file is useless and the writer must abandon it. */
export const SLOT_FAILED = 1;
/** Set by the writer: write nothing more (it is about to close the file). */
export const SLOT_STOP = 2;
/** 1 while the thread may be writing: the writer waits for 0 before it closes the file. */
export const SLOT_BUSY = 3;
/** Bytes of the shared counters. */
export const SHARED_BYTES = 16;
