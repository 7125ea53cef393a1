/**
 * What a worker thread posts back to the pool, and how an error crosses the thread boundary
 * as plain data and comes back as an error the command line can report.
 *
 * @module
 */
import { ScenarioError, type ScenarioProblem } from '../scenario/index.js';
import { AssignmentError } from './grid.js';
import type { JobResult } from './job.js';

/** An error as plain data. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** A scenario error's problems. */
  problems?: ScenarioProblem[];
  /** A world-building error's place in the scenario. */
  path?: (string | number)[];
}

/** A message from a worker. */
export type FromWorker =
  | { kind: 'progress'; index: number; fraction: number }
  | { kind: 'result'; result: JobResult }
  | { kind: 'error'; index: number; error: SerializedError };

/** An error in a worker's run, rebuilt on the pool's side with what the worker said. */
export class JobError extends Error {
  override name = 'JobError';
  constructor(
    message: string,
    /** The original error's class name (`WorldError`, `TypeError`, …). */
    readonly kind: string,
    /** A world-building error's place in the scenario. */
    readonly path: (string | number)[] | undefined,
    /** The stack in the worker, for errors that are bugs. */
    readonly workerStack: string | undefined,
  ) {
    super(message);
  }
}

/** An error as plain data, keeping what a report of it needs. */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof ScenarioError) return { name: e.name, message: e.message, problems: [...e.problems] };
  if (e instanceof Error) {
    const path = (e as { path?: unknown }).path;
    return {
      name: e.name,
      message: e.message,
      ...(e.stack === undefined ? {} : { stack: e.stack }),
      ...(Array.isArray(path) ? { path: path as (string | number)[] } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}

/** Rebuilds an error from a worker: scenario and `--set` errors as themselves, others as {@link JobError}. */
export function deserializeError(s: SerializedError): Error {
  if (s.problems !== undefined) return new ScenarioError(s.problems);
  if (s.name === 'AssignmentError') return new AssignmentError(s.message);
  return new JobError(s.message, s.name, s.path, s.stack);
}
