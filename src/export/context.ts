/**
 * The context of a run that every export carries with its rows: which scenario (by hash),
 * which seed, which variant, and when the simulated clock started.
 *
 * @module
 */
import type { TraceHeader } from '../trace/index.js';

/** What identifies the run a trace records. */
export interface RunContext {
  title: string;
  /** SHA-256 of the resolved scenario the run used. */
  scenarioHash: string;
  seed: string;
  variant: string;
  engineVersion: string;
  /** The simulated start, ISO 8601: time 0 of the trace. */
  start: string;
  /** The same instant in microseconds since the Unix epoch (for timestamps). */
  startMicros: number;
}

/** The context of the run behind a trace header. */
export function runContext(header: TraceHeader): RunContext {
  const ms = Date.parse(header.start);
  return {
    title: header.title,
    scenarioHash: header.scenarioHash,
    seed: header.seed,
    variant: header.variant,
    engineVersion: header.engineVersion,
    start: header.start,
    startMicros: Number.isFinite(ms) ? ms * 1000 : 0,
  };
}

/** The wall-clock instant of simulated time `t` (seconds), ISO 8601 to the microsecond. */
export function isoAt(context: RunContext, t: number): string {
  const us = context.startMicros + Math.round(t * 1e6);
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // e.g. 2009-08-24T00:00:12.409Z
  return `${iso.slice(0, 23)}${String(us - ms * 1000).padStart(3, '0')}Z`;
}
