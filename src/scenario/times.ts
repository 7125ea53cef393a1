/**
 * Resolving the moments of a scenario. A moment is written as a time from the start (`2d`) or
 * as a date-time (`2009-06-03T09:00`); once the whole scenario is read, every moment becomes
 * seconds from the start of the run, and each is checked to fall within the run.
 *
 * @module
 */
import { formatDuration } from '../engine/index.js';
import { TimeMark } from './fields.js';
import { formatDateTime } from './units.js';

/** A problem with one moment, at a path inside the scenario. */
export interface TimeProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * Replaces, in place, every {@link TimeMark} below `root` by seconds from `start`, checking
 * that it lies within `[0, duration]`. Returns the problems found.
 */
export function resolveTimes(root: unknown, start: number | undefined, duration: number): TimeProblem[] {
  const problems: TimeProblem[] = [];
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (typeof node !== 'object' || node === null) return;
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [k, v] of entries) {
      if (v instanceof TimeMark) {
        const at = [...path, k];
        let seconds: number;
        if (v.kind === 'date') {
          if (start === undefined) {
            problems.push({ path: at, message: `a date needs 'start' to be set; or give a time from the start, such as "2d"` });
            continue;
          }
          seconds = v.value - start;
          if (seconds < 0) {
            problems.push({ path: at, message: `${formatDateTime(v.value)} is before the start of the run (${formatDateTime(start)})` });
            continue;
          }
        } else seconds = v.value;
        if (seconds > duration) {
          problems.push({ path: at, message: `${formatDuration(seconds)} from the start is after the end of the run (duration ${formatDuration(duration)})` });
          continue;
        }
        (node as Record<string | number, unknown>)[k] = seconds;
      } else visit(v, [...path, k]);
    }
  };
  visit(root, []);
  return problems;
}
