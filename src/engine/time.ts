/**
 * Simulated time.
 *
 * Time in portsim is a float64 number of **seconds** since the start of the run. Durations
 * written by people (`250ms`, `5m`, `3d`) are resolved to the microsecond when parsed, so a
 * printed duration parses back to exactly the same number.
 *
 * @module
 */

/** Seconds of simulated time (float64). */
export type Seconds = number;

/** Duration units accepted in text, and how many microseconds each is worth. */
const UNIT_US: ReadonlyMap<string, number> = new Map([
  ['us', 1],
  ['µs', 1],
  ['ms', 1_000],
  ['s', 1_000_000],
  ['sec', 1_000_000],
  ['m', 60_000_000],
  ['min', 60_000_000],
  ['h', 3_600_000_000],
  ['d', 86_400_000_000],
  ['w', 604_800_000_000],
  ['msec', 1_000],
  ['second', 1_000_000],
  ['seconds', 1_000_000],
  ['secs', 1_000_000],
  ['minute', 60_000_000],
  ['minutes', 60_000_000],
  ['mins', 60_000_000],
  ['hour', 3_600_000_000],
  ['hours', 3_600_000_000],
  ['hr', 3_600_000_000],
  ['hrs', 3_600_000_000],
  ['day', 86_400_000_000],
  ['days', 86_400_000_000],
  ['week', 604_800_000_000],
  ['weeks', 604_800_000_000],
]);

const UNIT_LIST = 'us, ms, s, m, h, d, w';
const EXAMPLES = '"250ms", "5m", "1h30m" or "3d"';

/** A duration or rate that could not be read; the message says what was expected. */
export class DurationError extends Error {
  override name = 'DurationError';
}

const TERM = /\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zµ]*)/iy;

/**
 * Parses a duration such as `250ms`, `5m`, `2.5s`, `1h30m` or `3d` into seconds.
 * A bare `0` is accepted; any other number needs a unit.
 *
 * @throws DurationError naming the bad part and the units that are accepted.
 */
export function parseDuration(text: string): Seconds {
  const src = text.trim();
  if (src === '') throw new DurationError(`invalid duration "": expected a number with a unit, such as ${EXAMPLES}`);
  if (src === '0') return 0;
  if (src.startsWith('-')) throw new DurationError(`invalid duration "${text}": a duration cannot be negative`);
  let us = 0;
  TERM.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    TERM.lastIndex = pos;
    const m = TERM.exec(src);
    if (m === null) {
      throw new DurationError(`invalid duration "${text}": expected a number at "${src.slice(pos).trim()}", as in ${EXAMPLES}`);
    }
    const [, num, unitRaw] = m as unknown as [string, string, string];
    const unit = unitRaw.toLowerCase();
    if (unit === '') {
      throw new DurationError(`invalid duration "${text}": "${num}" has no unit; use one of ${UNIT_LIST} (e.g. ${EXAMPLES})`);
    }
    const factor = UNIT_US.get(unit);
    if (factor === undefined) {
      throw new DurationError(`invalid duration "${text}": unknown unit "${unitRaw}"; use one of ${UNIT_LIST} (e.g. ${EXAMPLES})`);
    }
    us += Math.round(Number(num) * factor);
    pos = TERM.lastIndex;
  }
  if (!Number.isSafeInteger(us)) throw new DurationError(`invalid duration "${text}": too long`);
  return us / 1_000_000;
}

/**
 * Prints a duration in seconds the way people write it: `250ms`, `1m30s`, `2d3h`, `1.5s`.
 * The value is rounded to the microsecond; `parseDuration(formatDuration(x))` gives back the
 * rounded value exactly.
 */
export function formatDuration(seconds: Seconds): string {
  if (!Number.isFinite(seconds)) return seconds > 0 ? '∞' : seconds < 0 ? '-∞' : 'NaN';
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  let us = Math.round(seconds * 1_000_000);
  if (us === 0) return '0s';
  if (us < 1_000) return `${us}us`;
  if (us < 1_000_000) return `${trimFraction(us / 1_000, 3)}ms`;
  let out = '';
  for (const [unit, size] of [['d', 86_400_000_000], ['h', 3_600_000_000], ['m', 60_000_000]] as const) {
    if (us >= size) {
      out += `${Math.floor(us / size)}${unit}`;
      us %= size;
    }
  }
  if (us > 0) out += `${trimFraction(us / 1_000_000, 6)}s`;
  return out;
}

function trimFraction(x: number, digits: number): string {
  return x.toFixed(digits).replace(/\.?0+$/, '');
}

/**
 * Prints a simulated instant as a clock reading relative to the start of the run, for logs:
 * `0.250s`, `13:04:05.250`, `d2 13:04:05.250` (day numbers start at 0).
 */
export function formatClock(seconds: Seconds): string {
  const ms = Math.round(seconds * 1_000);
  if (ms < 60_000) return `${(ms / 1_000).toFixed(3)}s`;
  const day = Math.floor(ms / 86_400_000);
  const rest = ms % 86_400_000;
  const hh = Math.floor(rest / 3_600_000);
  const mm = Math.floor((rest % 3_600_000) / 60_000);
  const ss = (rest % 60_000) / 1_000;
  const clock = `${pad2(hh)}:${pad2(mm)}:${ss.toFixed(3).padStart(6, '0')}`;
  return day > 0 ? `d${day} ${clock}` : clock;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
