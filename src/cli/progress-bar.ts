/**
 * A progress bar with an ETA on a terminal's stderr, shown only once the work lasts over two
 * seconds, and never when stderr is not a terminal (so pipes and logs stay clean).
 *
 * @module
 */
import { hrtime } from 'node:process';
import { formatDuration } from '../engine/index.js';

/** A progress bar: `update` with the fraction done (0 to 1), `done` to clear it. */
export interface ProgressBar {
  update(fraction: number, note?: string): void;
  done(): void;
}

/** Wall-clock seconds. */
function wallSeconds(): number {
  return Number(hrtime.bigint()) / 1e9;
}

/** A progress bar writing through `write`; inert unless `enabled`. `clock` is for tests. */
export function progressBar(write: (s: string) => void, enabled: boolean, clock: () => number = wallSeconds): ProgressBar {
  if (!enabled) return { update: () => undefined, done: () => undefined };
  const t0 = clock();
  let shown = false;
  return {
    update(f, note) {
      const elapsed = clock() - t0;
      if (elapsed < 2 || f <= 0) return;
      shown = true;
      const width = 30;
      const full = Math.round(Math.min(1, f) * width);
      const eta = (elapsed / f) * (1 - f);
      write(`\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(percentDone(f)).padStart(3)}%  ETA ${formatDuration(Math.round(eta))}${note === undefined ? '' : `  ${note}`}   `);
    },
    done() {
      if (shown) write('\r\u001b[K');
    },
  };
}

/** Whole percent of `fraction` done, rounded down (0.29 is 29 %, not the 28 of 100 × 0.29 in floating point). */
export function percentDone(fraction: number): number {
  return Math.floor(fraction * 100 + 1e-9);
}
