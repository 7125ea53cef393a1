/**
 * Running out of memory, noticed in time. When a run outgrows the heap node allows it, V8
 * ends the process with a fatal error and a stack of its own, after minutes of ever more
 * frequent collections. The watch reads the heap after each full collection, when what it
 * holds is what the run keeps alive, and calls for a stop once that is most of the limit:
 * the run then ends cleanly at its next step, with a message that says how to give it more.
 *
 * @module
 */
import { totalmem } from 'node:os';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

/** The heap after a full collection: what the run keeps, and the most node allows. */
export interface HeapReading {
  readonly used: number;
  readonly limit: number;
}

/**
 * Whether a heap that holds `reading` after a full collection is too close to its limit.
 * V8's limit counts the young generation's reserve (48 MiB on node 20) beside the old one,
 * which is where a run's lasting data lives and where it runs out.
 */
export function shortOfMemory(reading: HeapReading, share = SHORT_SHARE, youngReserve = YOUNG_RESERVE): boolean {
  return reading.used > share * (reading.limit - youngReserve);
}

/** The share of the old generation's room past which a run is stopped: V8 slows to a crawl above it. */
export const SHORT_SHARE = 0.85;

/** Node's own young generation (48 MiB on node 20), with room to spare. */
export const YOUNG_RESERVE = 64 * 2 ** 20;

/**
 * Calls `onShort` once, after the first full collection that leaves the heap short of
 * memory (`shortOfMemory`, with the young generation taking `youngReserve` of the limit).
 * Returns the function that stops watching.
 */
export function watchMemory(onShort: (reading: HeapReading) => void, youngReserve = YOUNG_RESERVE, read: () => HeapReading = readHeap): () => void {
  let told = false;
  const observer = new PerformanceObserver((list) => {
    if (told) return;
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } | null }).detail?.kind;
      if (kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const r = read();
      if (!shortOfMemory(r, SHORT_SHARE, youngReserve)) return;
      told = true;
      onShort(r);
      return;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

function readHeap(): HeapReading {
  const h = getHeapStatistics();
  return { used: h.used_heap_size, limit: h.heap_size_limit };
}

/** What to tell a user whose run ran short of memory, `at` being how far it got. */
export function shortOfMemoryText(command: string, reading: HeapReading, at: string, machine = totalmem()): string {
  const gib = (n: number): string => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${Math.round(n / 2 ** 20)} MiB`);
  const head = `portsim ${command}: out of memory at ${at}: the run holds ${gib(reading.used)}, and node allows it ${gib(reading.limit)}.\n`;
  // Three quarters of the machine, in whole GiB, leaves the rest to the system.
  const room = Math.floor((0.75 * machine) / 2 ** 30) * 1024;
  if (room * 2 ** 20 < 1.25 * reading.limit) return `${head}  This machine has ${gib(machine)} in all: try a shorter --until, or fewer subscribers.\n`;
  return `${head}  This machine has ${gib(machine)}; give node more of it, for example:\n  NODE_OPTIONS=--max-old-space-size=${room} portsim ${command} ...\n`;
}
