import { describe, expect, it } from 'vitest';
import { formatDateTime, parseDateTime, parseDurationText, parseRate, parseShare, parseSize, UnitError } from '../../src/scenario/index.js';

describe('rates', () => {
  it.each([
    ['49/day', 49 / 86400],
    ['20/hour', 20 / 3600],
    ['5/min', 5 / 60],
    ['10/s', 10],
    ['1.5/h', 1.5 / 3600],
    ['3 / week', 3 / 604800],
    ['10/15m', 10 / 900],
    ['0', 0],
  ])('reads %s', (text, perSecond) => {
    expect(parseRate(text)).toBeCloseTo(perSecond, 15);
  });

  it.each([
    ['49', 'invalid rate "49": expected a count per unit of time, such as "49/day", "20/hour", "5/min", "10/s" or "1.5/h"'],
    ['49 per day', 'invalid rate "49 per day": expected a count per unit of time, such as "49/day", "20/hour", "5/min", "10/s" or "1.5/h"'],
    ['49/fortnight', 'invalid rate "49/fortnight": unknown time unit "fortnight" after the slash; write it as "49/day", "20/hour", "5/min", "10/s" or "1.5/h"'],
    ['5/0s', 'invalid rate "5/0s": the time after the slash cannot be zero'],
  ])('rejects %s', (text, message) => {
    expect(() => parseRate(text)).toThrow(new UnitError(message));
  });
});

describe('sizes', () => {
  it.each([
    ['512B', 512],
    ['64KB', 64_000],
    ['64kB', 64_000],
    ['10MB', 10_000_000],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['4 KiB', 4096],
    ['1.1KB', 1100],
    ['0', 0],
  ])('reads %s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each([
    ['64', 'invalid size "64": "64" has no unit; write it as "512B", "64KB", "10MB" or "1.5GiB" (KB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024)'],
    ['64 kilobytes', 'invalid size "64 kilobytes": unknown unit "kilobytes"; write it as "512B", "64KB", "10MB" or "1.5GiB" (KB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024)'],
    ['big', 'invalid size "big": expected a number and a unit, such as "512B", "64KB", "10MB" or "1.5GiB" (KB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024)'],
    ['3XB', 'invalid size "3XB": unknown unit "XB"; write it as "512B", "64KB", "10MB" or "1.5GiB" (KB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024)'],
    ['1.5B', 'invalid size "1.5B": that is not a whole number of bytes'],
  ])('rejects %s', (text, message) => {
    expect(() => parseSize(text)).toThrow(new UnitError(message));
  });
});

describe('dates', () => {
  it.each([
    ['2009-06-01', 1243814400],
    ['2009-06-01T08:00', 1243843200],
    ['2009-06-01 08:00:00', 1243843200],
    ['2009-06-01T08:00:00Z', 1243843200],
    ['2009-06-01T09:00+01:00', 1243843200],
    ['2009-06-01T03:00:00-0500', 1243843200],
    ['2009-06-01T08:00:00.25', 1243843200.25],
    ['2008-02-29', 1204243200],
    ['1970-01-01', 0],
  ])('reads %s as UTC unless an offset is given', (text, epoch) => {
    expect(parseDateTime(text)).toBe(epoch);
  });

  it.each([
    ['June 1st', 'invalid date "June 1st": expected a date or date and time, such as "2009-06-01", "2009-06-01T08:00" or "2009-06-01 08:00:00+01:00"'],
    ['2009-13-01', 'invalid date "2009-13-01": month 13 does not exist (01 to 12)'],
    ['2009-02-29', 'invalid date "2009-02-29": day 29 does not exist in 2009-02'],
    ['2009-06-01T24:00', 'invalid date "2009-06-01T24:00": the time of day must be between 00:00:00 and 23:59:59'],
    ['2009-06-01T08:00+15:00', 'invalid date "2009-06-01T08:00+15:00": offset +15:00 is out of range (-14:00 to +14:00)'],
  ])('rejects %s', (text, message) => {
    expect(() => parseDateTime(text)).toThrow(new UnitError(message));
  });

  it('prints epoch seconds back as ISO 8601 UTC', () => {
    expect(formatDateTime(1243843200)).toBe('2009-06-01T08:00:00Z');
    expect(formatDateTime(1243843200.25)).toBe('2009-06-01T08:00:00.250Z');
  });
});

describe('shares', () => {
  it.each([
    ['10%', 0.1],
    ['2.5%', 0.025],
    ['100%', 1],
    [0.1, 0.1],
    ['0.1', 0.1],
    [0, 0],
    [1, 1],
  ] as const)('reads %s', (value, share) => {
    expect(parseShare(value)).toBe(share);
  });

  it.each([
    [10, 'invalid share 10: a fraction is between 0 and 1; did you mean "10%"?'],
    ['10', 'invalid share "10": a fraction is between 0 and 1; did you mean "10%"?'],
    ['150%', 'invalid share "150%": a percentage is at most 100%'],
    [-0.5, 'invalid share -0.5: expected "10%", "2.5%" or a fraction such as 0.1'],
    ['half', 'invalid share "half": expected "10%", "2.5%" or a fraction such as 0.1'],
  ] as const)('rejects %s', (value, message) => {
    expect(() => parseShare(value)).toThrow(new UnitError(message));
  });
});

describe('durations', () => {
  it('are read by the kernel, with its errors as UnitErrors', () => {
    expect(parseDurationText('1h30m')).toBe(5400);
    expect(() => parseDurationText('30')).toThrow(UnitError);
    expect(() => parseDurationText('30')).toThrow('"30" has no unit');
  });
});
