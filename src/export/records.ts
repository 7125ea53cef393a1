/**
 * Walking a trace's records in order, block by block, optionally only some kinds: what every
 * export reads.
 *
 * The walk gives the event loop a turn between blocks, so that a signal (Ctrl-C, `kill`)
 * reaches its handler during a long export and `stop` can end it there: an export of a
 * million subscribers' trace runs for minutes.
 *
 * @module
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type BlockMeta, type EventKind, kindMask, type Trace, type TraceEvent } from '../trace/index.js';

/** Which records to export. */
export interface RecordFilter {
  /** Only these kinds (all when absent). */
  kinds?: ReadonlySet<EventKind>;
}

/** What can stop an export before its end. */
export interface ExportOptions {
  /** When aborted, the export stops at the next block, removes what it wrote and rejects with the signal's reason. */
  stop?: AbortSignal;
}

/** Calls `visit` with each record (and its index) in trace order. */
export async function forEachRecord(trace: Trace, filter: RecordFilter, visit: (e: TraceEvent, index: number) => void, options: ExportOptions = {}): Promise<void> {
  let index = 0;
  const stop = options.stop;
  // A block the index says holds none of the kinds asked for is not read at all.
  const wanted = filter.kinds === undefined ? -1 : kindMask(filter.kinds);
  const blocks = trace.index.blocks;
  for (let b = 0; b < blocks.length; b++) {
    const meta = blocks[b] as BlockMeta;
    if ((meta.kinds & wanted) === 0) {
      index += meta.count;
      continue;
    }
    if (b > 0) await nextTurn();
    stop?.throwIfAborted();
    for (const e of trace.block(b)) {
      if (filter.kinds === undefined || filter.kinds.has(e.kind)) visit(e, index);
      index++;
    }
  }
}
