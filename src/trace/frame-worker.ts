/**
 * The thread that compresses and writes a trace's frames while the run goes on (see
 * `TraceWriter`). It takes frames in the order they come, deflates them, writes them one after
 * another to the file it was given, and counts each one done in shared memory, so that the
 * writer can wait for it without an event loop.
 *
 * @module
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { deflateRawSync } from 'node:zlib';
import { blockPayload, frameHead, writeAll } from './frame.js';
import { type FrameReply, type FrameWorkerData, type FrameJob, SLOT_BUSY, SLOT_DONE, SLOT_FAILED, SLOT_STOP } from './frame-thread.js';

function main(data: FrameWorkerData, port: MessagePort): void {
  const counters = new Int32Array(data.shared);
  const offsets: number[] = [];
  let offset = data.offset;
  const put = (bytes: Uint8Array): void => {
    writeAll(data.fd, bytes);
    offset += bytes.length;
  };
  (parentPort as MessagePort).on('message', (job: FrameJob | 'end') => {
    if (job === 'end') {
      if (Atomics.load(counters, SLOT_FAILED) === 0) port.postMessage({ offsets, end: offset } satisfies FrameReply);
      port.close();
      Atomics.add(counters, SLOT_DONE, 1);
      Atomics.notify(counters, SLOT_DONE);
      return;
    }
    // Busy before looking at the stop flag: the writer stores the flag, then waits for not busy.
    Atomics.store(counters, SLOT_BUSY, 1);
    try {
      if (Atomics.load(counters, SLOT_STOP) === 0 && Atomics.load(counters, SLOT_FAILED) === 0) {
        const body = deflateRawSync(job.raw);
        const payload = job.lead >= 0 ? blockPayload(job.lead, body) : body;
        offsets.push(offset);
        put(frameHead(job.type, payload));
        put(payload);
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      Atomics.store(counters, SLOT_FAILED, 1);
      port.postMessage({ error: err.message, ...(err.code === undefined ? {} : { code: err.code }) } satisfies FrameReply);
    } finally {
      Atomics.store(counters, SLOT_BUSY, 0);
      Atomics.add(counters, SLOT_DONE, 1);
      Atomics.notify(counters, SLOT_DONE);
    }
  });
}

const data = workerData as FrameWorkerData;
main(data, data.port);
