import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, parseDuration } from '../../src/engine/index.js';

describe('durations', () => {
  it.each([
    ['250ms', 0.25],
    ['5m', 300],
    ['3d', 259200],
    ['2h', 7200],
    ['1h30m', 5400],
    ['1h 30m', 5400],
    ['2.5s', 2.5],
    ['1w', 604800],
    ['90s', 90],
    ['500us', 0.0005],
    ['0', 0],
    ['5 min', 300],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    [0.25, '250ms'],
    [300, '5m'],
    [259200, '3d'],
    [5400, '1h30m'],
    [90.25, '1m30.25s'],
    [0.0005, '500us'],
    [0.0015, '1.5ms'],
    [0, '0s'],
    [93784, '1d2h3m4s'],
  ])('prints %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('round-trips every whole number of microseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86400 * 1e6 }), (us) => {
        const x = us / 1e6;
        expect(parseDuration(formatDuration(x))).toBe(x);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['5 parsecs', 'invalid duration "5 parsecs": unknown unit "parsecs"; use one of us, ms, s, m, h, d, w (e.g. "250ms", "5m", "1h30m" or "3d")'],
    ['', 'invalid duration "": expected a number with a unit, such as "250ms", "5m", "1h30m" or "3d"'],
    ['5', 'invalid duration "5": "5" has no unit; use one of us, ms, s, m, h, d, w (e.g. "250ms", "5m", "1h30m" or "3d")'],
    ['-5s', 'invalid duration "-5s": a duration cannot be negative'],
    ['soon', 'invalid duration "soon": expected a number at "soon", as in "250ms", "5m", "1h30m" or "3d"'],
    ['5m and', 'invalid duration "5m and": expected a number at "and", as in "250ms", "5m", "1h30m" or "3d"'],
  ])('rejects %j with a clear message', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it('prints clock readings relative to the start of the run', () => {
    expect(formatClock(0.25)).toBe('0.250s');
    expect(formatClock(3600 + 4 * 60 + 5.25)).toBe('01:04:05.250');
    expect(formatClock(2 * 86400 + 13 * 3600)).toBe('d2 13:00:00.000');
  });
});
