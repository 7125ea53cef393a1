import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/index.js';
import { BurstSchedule } from '../../src/workload/index.js';

const H = 3600;
const D = 24 * H;

/** Active seconds of `s` in [a, b), summed window by window. */
function activeBetween(s: BurstSchedule, a: number, b: number): number {
  let sum = 0;
  for (let k = Math.floor((a - s.phase) / s.every) - 1; s.phase + k * s.every < b; k++) {
    const start = s.phase + k * s.every;
    sum += Math.max(0, Math.min(b, start + s.length) - Math.max(a, start));
  }
  return sum;
}

describe('a burst schedule', () => {
  it('is active for `length` from its phase in every period, wrapping over the period\'s end', () => {
    const s = new BurstSchedule(D, 2 * H, 3 * H);
    expect([2 * H, 3 * H - 1, 3 * H, 5 * H - 1, 5 * H, D + 3 * H, D + 4 * H, 2 * D + 6 * H].map((t) => s.active(t))).toEqual([
      false, false, true, true, false, true, true, false,
    ]);
    const late = new BurstSchedule(D, 2 * H, 23 * H); // 23:00 to 01:00
    expect([0, H - 1, H, 22 * H, 23 * H, D + 30 * 60].map((t) => late.active(t))).toEqual([true, true, false, false, true, true]);
  });

  it('counts a gap in active time only, and lands inside a window', () => {
    const s = new BurstSchedule(D, 2 * H, 3 * H);
    expect(s.after(0, 60)).toBe(3 * H + 60); // before the first window: from its start
    expect(s.after(4 * H, 60)).toBe(4 * H + 60); // inside: as without bursts
    expect(s.after(4 * H, 2 * H)).toBe(D + 4 * H); // one hour left today, one tomorrow
    expect(s.after(4 * H, H)).toBe(D + 3 * H); // ends exactly at the window's end: the next one's start
    expect(s.after(0, 9 * H)).toBe(4 * D + 4 * H); // whole windows skipped at once
  });

  it('maps any gap to the moment at which that much active time has passed', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 10 * D, noNaN: true }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        fc.double({ min: 0, max: 30 * D, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (every, part, phasePart, t, windows) => {
          const s = new BurstSchedule(every, every * part, every * phasePart);
          const gap = windows * s.length;
          const r = s.after(t, gap);
          expect(r).toBeGreaterThanOrEqual(t);
          expect(s.active(r)).toBe(true);
          // Window starts are recomputed from the phase, so the error is rounding at r's scale.
          expect(Math.abs(activeBetween(s, t, r) - gap)).toBeLessThan(1e-9 * (r + every));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is the identity when always active, to the last bit', () => {
    const s = new BurstSchedule(D, D, 5 * H);
    for (const [t, g] of [[0, 0.1], [12345.678, 98.7654321], [6 * D + 1, 7 * H]] as const) expect(s.after(t, g)).toBe(t + g);
  });

  it('turns a Poisson stream into one of the same rate inside the windows, silent outside', () => {
    const rng = new RandomStreams(7).get('bursts');
    const s = BurstSchedule.draw({ every: D, length: 2 * H }, rng);
    expect(s.phase).toBeGreaterThanOrEqual(0);
    expect(s.phase).toBeLessThan(D);
    const rate = 100 / H;
    const until = 30 * D;
    let n = 0;
    for (let t = s.after(0, rng.exponential(1 / rate)); t < until; t = s.after(t, rng.exponential(1 / rate))) {
      expect(s.active(t)).toBe(true);
      n++;
    }
    const expected = rate * 2 * H * 30; // 6000
    expect(Math.abs(n - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it('refuses impossible schedules', () => {
    expect(() => new BurstSchedule(D, 0, 0)).toThrow(RangeError);
    expect(() => new BurstSchedule(D, D + 1, 0)).toThrow(RangeError);
    expect(() => new BurstSchedule(D, H, D)).toThrow(RangeError);
    expect(() => new BurstSchedule(0, 0, 0)).toThrow(RangeError);
  });
});
