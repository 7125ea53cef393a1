/**
 * The over-time series the sparklines draw, kept in bounded memory however long the run.
 *
 * Samples are taken at the end of fixed buckets of simulated time. The run's length is not
 * known while it is written, so the bucket width starts small and doubles (merging pairs of
 * buckets) whenever the bucket count would pass the capacity: the series always holds between
 * capacity/2 and capacity buckets covering the whole run.
 *
 * @module
 */
import type { Seconds } from '../engine/index.js';
import type { AggregateState } from './aggregate.js';

/** The quantities sampled, cumulative except `queued`, which is a level. */
export const SERIES_NAMES = ['delivered', 'deferred', 'bounced', 'queued'] as const;

/** One of the sampled quantities. */
export type SeriesName = (typeof SERIES_NAMES)[number];

/**
 * Samples of the run's totals: `values[name][i]` is the value at the end of bucket `i`, that
 * is at time `(i + 1) * bucket`.
 */
export interface Series {
  bucket: Seconds;
  values: Record<SeriesName, number[]>;
}

/** Builds a `Series` from the states reached, fed in time order. */
export class SeriesBuilder {
  private bucket: Seconds;
  private readonly values: Record<SeriesName, number[]> = { delivered: [], deferred: [], bounced: [], queued: [] };
  private readonly last: Record<SeriesName, number> = { delivered: 0, deferred: 0, bounced: 0, queued: 0 };

  /**
   * @param capacity most buckets kept (even, ≥ 2).
   * @param initialBucket the first bucket width.
   */
  constructor(
    private readonly capacity = 512,
    initialBucket: Seconds = 1,
  ) {
    this.bucket = initialBucket;
  }

  /** Notes that time is about to reach `t`: buckets that end before `t` are closed. */
  advance(t: Seconds): void {
    let closed = Math.floor(t / this.bucket);
    while (closed > this.capacity) {
      this.widen();
      closed = Math.floor(t / this.bucket);
    }
    const len = this.values.delivered.length;
    for (let i = len; i < closed; i++) for (const name of SERIES_NAMES) this.values[name].push(this.last[name]);
  }

  /** Records the state after a record at the time last passed to `advance`. */
  record(s: AggregateState): void {
    // In place: it is called for every record, and `advance` copies the numbers out.
    const last = this.last;
    last.delivered = s.totals.delivered;
    last.deferred = s.totals.deferred;
    last.bounced = s.totals.bounced;
    last.queued = s.totals.queued;
  }

  private widen(): void {
    this.bucket *= 2;
    for (const name of SERIES_NAMES) {
      const old = this.values[name];
      // The value at the end of a double bucket is the value at the end of its second half.
      const merged: number[] = [];
      for (let i = 1; i < old.length; i += 2) merged.push(old[i] as number);
      this.values[name] = merged;
    }
  }

  /** The series up to time `end` (the last bucket closes at or after `end`). */
  finish(end: Seconds): Series {
    this.advance(end);
    const out: Series = { bucket: this.bucket, values: { delivered: [], deferred: [], bounced: [], queued: [] } };
    for (const name of SERIES_NAMES) out.values[name] = [...this.values[name], this.last[name]];
    return out;
  }
}
