import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/index.js';
import { estimate, pairedDifference, tCdf, tQuantile } from '../../src/whatif/index.js';

describe('Student t quantiles', () => {
  it('match published tables', () => {
    // Two-sided 95% (p = 0.975) and 99% (p = 0.995) critical values, e.g. NIST/SEMATECH
    // e-Handbook of Statistical Methods, table 1.3.6.7.2.
    const table: [number, number, number][] = [
      [0.975, 1, 12.7062047],
      [0.975, 2, 4.30265273],
      [0.975, 4, 2.77644511],
      [0.975, 9, 2.26215716],
      [0.975, 29, 2.04522964],
      [0.975, 100, 1.98397152],
      [0.995, 10, 3.16927267],
      [0.95, 5, 2.01504837],
    ];
    for (const [p, df, t] of table) expect(tQuantile(p, df)).toBeCloseTo(t, 6);
  });

  it('agree with the closed forms for 1 and 2 degrees of freedom', () => {
    for (const p of [0.55, 0.8, 0.9, 0.975, 0.999]) {
      expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 7);
      expect(tQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 7);
    }
  });

  it('tend to the normal quantile and are symmetric', () => {
    expect(tQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
    expect(tQuantile(0.025, 7)).toBeCloseTo(-tQuantile(0.975, 7), 12);
    expect(tCdf(tQuantile(0.9, 3), 3)).toBeCloseTo(0.9, 10);
  });

  it('refuse meaningless arguments', () => {
    expect(() => tQuantile(1, 3)).toThrow(RangeError);
    expect(() => tQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe('confidence intervals', () => {
  it('give the textbook interval for 1, 2, 3, 4, 5', () => {
    const e = estimate([1, 2, 3, 4, 5]);
    expect(e.mean).toBe(3);
    expect(e.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    // 2.776445 × √2.5 / √5 = 1.963243
    expect(e.halfWidth).toBeCloseTo(1.963243, 5);
    expect(e.lo).toBeCloseTo(3 - 1.963243, 5);
    expect(e.hi).toBeCloseTo(3 + 1.963243, 5);
  });

  it('have no interval with one sample, and none of width > 0 without spread', () => {
    expect(estimate([4])).toMatchObject({ n: 1, mean: 4, halfWidth: null, lo: null, hi: null });
    expect(estimate([4, 4, 4])).toMatchObject({ mean: 4, halfWidth: 0, lo: 4, hi: 4 });
  });

  it('cover the true mean 95% of the time on normal samples', () => {
    // 4,000 intervals of 5 samples from N(10, 2²): the share covering 10 is binomial with
    // p = 0.95 if the intervals are right (standard deviation 0.34 percentage points).
    const rng = new RandomStreams(2024n).get('coverage');
    let covered = 0;
    const trials = 4000;
    for (let k = 0; k < trials; k++) {
      const e = estimate(Array.from({ length: 5 }, () => rng.normal(10, 2)));
      if ((e.lo as number) <= 10 && 10 <= (e.hi as number)) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.94);
    expect(covered / trials).toBeLessThan(0.96);
  });

  it('pair samples seed by seed', () => {
    const base = [100, 250, 40, 900];
    expect(pairedDifference(base, base)).toMatchObject({ mean: 0, halfWidth: 0 });
    // A constant shift is known exactly, however much the seeds vary.
    expect(pairedDifference(base.map((x) => x + 7), base)).toMatchObject({ mean: 7, halfWidth: 0 });
    expect(() => pairedDifference([1, 2], [1])).toThrow(RangeError);
  });
});
