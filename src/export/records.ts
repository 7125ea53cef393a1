/**
 * Walking a trace's records in order, block by block, optionally only some kinds: what every
 * export reads.
 *
 * @module
 */
import type { EventKind, Trace, TraceEvent } from '../trace/index.js';

/** Which records to export. */
export interface RecordFilter {
  /** Only these kinds (all when absent). */
  kinds?: ReadonlySet<EventKind>;
}

/** Calls `visit` with each record (and its index) in trace order. */
export function forEachRecord(trace: Trace, filter: RecordFilter, visit: (e: TraceEvent, index: number) => void): void {
  let index = 0;
  for (let b = 0; b < trace.index.blocks.length; b++) {
    for (const e of trace.block(b)) {
      if (filter.kinds === undefined || filter.kinds.has(e.kind)) visit(e, index);
      index++;
    }
  }
}
