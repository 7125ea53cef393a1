/**
 * Values with units, as scenario authors write them: durations, rates, sizes, dates and shares.
 *
 * Every parser takes the text a person wrote and returns a plain number in portsim's base unit
 * (seconds, events per second, bytes, epoch seconds, a fraction between 0 and 1). A value that
 * cannot be read throws a {@link UnitError} whose message quotes the input, says what was
 * expected and gives an example, in the style of the kernel's `parseDuration`.
 *
 * Nothing here reads the wall clock: dates are computed with `Date.UTC` arithmetic only.
 *
 * @module
 */
import { DurationError, parseDuration, type Seconds } from '../engine/index.js';

/** A value with a unit that could not be read; the message says what was expected. */
export class UnitError extends Error {
  override name = 'UnitError';
}

/** Seconds since 1970-01-01T00:00:00Z, as a float64 (whole seconds for whole-second dates). */
export type EpochSeconds = number;

/** Events per simulated second. */
export type PerSecond = number;

/** A count of bytes (a whole number). */
export type Bytes = number;

/** A fraction between 0 and 1 inclusive. */
export type Share = number;

function quote(text: string): string {
  return JSON.stringify(text);
}

/**
 * Reads a duration (`250ms`, `5m`, `1h30m`, `3d`) into seconds. The kernel's parser does the
 * work; its errors come back as {@link UnitError}s so callers catch one type.
 */
export function parseDurationText(text: string): Seconds {
  try {
    return parseDuration(text);
  } catch (e) {
    if (e instanceof DurationError) throw new UnitError(e.message);
    throw e;
  }
}

const RATE_EXAMPLES = '"49/day", "20/hour", "5/min", "10/s" or "1.5/h"';
const RATE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*\/\s*(\S.*?)\s*$/;

/**
 * Reads a rate such as `49/day`, `20/hour`, `5/min`, `10/s` or `1.5/h` into events per second.
 * The part after the slash is any duration the kernel reads, with an implied 1 when it starts
 * with a unit (`/day` is `/1d`), so `10/15m` also works. `0` alone means never.
 */
export function parseRate(text: string): PerSecond {
  if (text.trim() === '0') return 0;
  const m = RATE.exec(text);
  if (m === null) {
    throw new UnitError(`invalid rate ${quote(text)}: expected a count per unit of time, such as ${RATE_EXAMPLES}`);
  }
  const [, count, per] = m as unknown as [string, string, string];
  let seconds: Seconds;
  try {
    seconds = parseDuration(/^[\d.]/.test(per) ? per : `1${per}`);
  } catch {
    throw new UnitError(`invalid rate ${quote(text)}: unknown time unit "${per}" after the slash; write it as ${RATE_EXAMPLES}`);
  }
  if (seconds === 0) throw new UnitError(`invalid rate ${quote(text)}: the time after the slash cannot be zero`);
  return Number(count) / seconds;
}

/**
 * Size units. `KB`, `MB`, `GB`, `TB` are decimal (SI: 1 KB = 1000 bytes), as disk and network
 * vendors use them; `KiB`, `MiB`, `GiB`, `TiB` are binary (1 KiB = 1024 bytes). Case is ignored.
 */
const SIZE_UNITS: ReadonlyMap<string, number> = new Map([
  ['b', 1],
  ['byte', 1],
  ['bytes', 1],
  ['kb', 1e3],
  ['mb', 1e6],
  ['gb', 1e9],
  ['tb', 1e12],
  ['kib', 2 ** 10],
  ['mib', 2 ** 20],
  ['gib', 2 ** 30],
  ['tib', 2 ** 40],
]);
const SIZE_EXAMPLES = '"512B", "64KB", "10MB" or "1.5GiB" (KB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024)';
const SIZE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i;

/**
 * Reads a size such as `512B`, `64KB`, `10MB` or `1.5GiB` into bytes. KB/MB/GB/TB are powers
 * of 1000 and KiB/MiB/GiB/TiB powers of 1024. `0` alone is accepted; otherwise a unit is
 * required, and the result must be a whole number of bytes.
 */
export function parseSize(text: string): Bytes {
  if (text.trim() === '0') return 0;
  const m = SIZE.exec(text);
  if (m === null) throw new UnitError(`invalid size ${quote(text)}: expected a number and a unit, such as ${SIZE_EXAMPLES}`);
  const [, num, unitRaw] = m as unknown as [string, string, string];
  if (unitRaw === '') throw new UnitError(`invalid size ${quote(text)}: "${num}" has no unit; write it as ${SIZE_EXAMPLES}`);
  const factor = SIZE_UNITS.get(unitRaw.toLowerCase());
  if (factor === undefined) throw new UnitError(`invalid size ${quote(text)}: unknown unit "${unitRaw}"; write it as ${SIZE_EXAMPLES}`);
  // Scale in integer-friendly steps: 1.5 * 2**30 is exact, 1.1 * 1e3 is not, so round tiny error away.
  const bytes = Number(num) * factor;
  const whole = Math.round(bytes);
  if (Math.abs(bytes - whole) > 1e-6 * Math.max(1, factor)) {
    throw new UnitError(`invalid size ${quote(text)}: that is not a whole number of bytes`);
  }
  if (!Number.isSafeInteger(whole)) throw new UnitError(`invalid size ${quote(text)}: too large`);
  return whole;
}

const DATE_EXAMPLES = '"2009-06-01", "2009-06-01T08:00" or "2009-06-01 08:00:00+01:00"';
const DATE_TIME =
  /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$/i;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Reads a date or date-time into epoch seconds: `2009-06-01` (midnight),
 * `2009-06-01T08:00`, `2009-06-01 08:00:00`, `2009-06-01T08:00:00.5`. The time is UTC unless
 * an offset is given (`Z`, `+01:00`, `-0500`, `+02`).
 */
export function parseDateTime(text: string): EpochSeconds {
  const m = DATE_TIME.exec(text);
  if (m === null) throw new UnitError(`invalid date ${quote(text)}: expected a date or date and time, such as ${DATE_EXAMPLES}`);
  const [, y, mo, d, hh, mm, ss, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = hh === undefined ? 0 : Number(hh);
  const minute = mm === undefined ? 0 : Number(mm);
  const second = ss === undefined ? 0 : Number(ss);
  if (month < 1 || month > 12) throw new UnitError(`invalid date ${quote(text)}: month ${mo} does not exist (01 to 12)`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new UnitError(`invalid date ${quote(text)}: day ${d} does not exist in ${y}-${mo}`);
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw new UnitError(`invalid date ${quote(text)}: the time of day must be between 00:00:00 and 23:59:59`);
  }
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 14 || om > 59) throw new UnitError(`invalid date ${quote(text)}: offset ${zone} is out of range (-14:00 to +14:00)`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return ms / 1000 + (frac === undefined ? 0 : Number(frac)) - offsetMinutes * 60;
}

/** Prints epoch seconds as an ISO 8601 UTC date-time (`2009-06-01T08:00:00Z`), for messages. */
export function formatDateTime(epoch: EpochSeconds): string {
  const ms = Math.round(epoch * 1000);
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

const SHARE_EXAMPLES = '"10%", "2.5%" or a fraction such as 0.1';
const PERCENT = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/;
const FRACTION = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*$/;

/**
 * Reads a share of a population: a percentage (`10%`, `2.5%`) or a fraction between 0 and 1
 * (`0.1`, given as a number or as text).
 */
export function parseShare(value: string | number): Share {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new UnitError(`invalid share ${value}: expected ${SHARE_EXAMPLES}`);
    }
    if (value > 1) {
      throw new UnitError(`invalid share ${value}: a fraction is between 0 and 1; did you mean "${value}%"?`);
    }
    return value;
  }
  const pct = PERCENT.exec(value);
  if (pct !== null) {
    const share = Number(pct[1]) / 100;
    if (share > 1) throw new UnitError(`invalid share ${quote(value)}: a percentage is at most 100%`);
    return share;
  }
  if (FRACTION.test(value)) {
    if (Number(value) > 1) throw new UnitError(`invalid share ${quote(value)}: a fraction is between 0 and 1; did you mean "${value.trim()}%"?`);
    return Number(value);
  }
  throw new UnitError(`invalid share ${quote(value)}: expected ${SHARE_EXAMPLES}`);
}
