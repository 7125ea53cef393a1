import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiurnalProfile, mix64, RandomStreams, type RandomSource, SplitMix64, WeightedChoice } from '../../src/engine/index.js';

describe('splitmix64', () => {
  it('gives the reference test vectors for seed 42 (WORKLOADS.md)', () => {
    const rng = new SplitMix64(42);
    const raw = [0, 1, 2, 3, 4].map(() => rng.nextBigInt().toString(16).padStart(16, '0'));
    expect(raw).toEqual(['bdd732262feb6e95', '28efe333b266f103', '47526757130f9f52', '581ce1ff0e4ae394', '09bc585a244823f2']);
    const exp = new SplitMix64(42);
    // V8's Math.log column of the table.
    expect([0, 1, 2, 3, 4].map(() => exp.exponential(1))).toEqual([
      0.29899262457387232, 1.8331416651510679, 1.2779741607346151, 1.0665593667374049, 3.2693755252809154,
    ]);
  });
});

describe('named streams', () => {
  it('are the same for the same seed and name, and differ across seeds and names', () => {
    const draw = (seed: number, name: string): number[] => {
      const r = new RandomStreams(seed).get(name);
      return [r.float(), r.float(), r.float()];
    };
    expect(draw(7, 'client/1')).toEqual(draw(7, 'client/1'));
    expect(draw(7, 'client/1')).not.toEqual(draw(8, 'client/1'));
    expect(draw(7, 'client/1')).not.toEqual(draw(7, 'client/2'));
    expect(draw(7, 'ab')).not.toEqual(draw(7, 'ba'));
  });

  it('do not depend on which other streams exist or in what order they were made and used', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 2, maxLength: 8 }),
        fc.nat(),
        (names, seed) => {
          const streams = new RandomStreams(seed);
          const alone = names.map((n) => {
            const r = streams.get(n);
            return [r.float(), r.float()];
          });
          // Make them all first, in reverse, and interleave their draws.
          const all = [...names].reverse().map((n) => streams.get(n)).reverse();
          const firsts = all.map((r) => r.float());
          const seconds = all.map((r) => r.float());
          expect(names.map((_, i) => [firsts[i], seconds[i]])).toEqual(alone);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('accept seeds beyond 2^53 as bigint or decimal text', () => {
    const a = new RandomStreams(18446744073709551615n).get('x').float();
    const b = new RandomStreams('18446744073709551615').get('x').float();
    expect(a).toBe(b);
    expect(() => new RandomStreams('twelve')).toThrow();
  });
});

function moments(n: number, draw: () => number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe('distributions', () => {
  const N = 200_000;
  const rng = (): RandomSource => new RandomStreams(1234).get('distributions');

  // Tolerances are several standard errors wide, so the tests cannot flake on a correct
  // generator but do catch a wrong formula (a rate passed as a mean, a missing square root).
  it.each([
    ['uniform(2, 5)', (r: RandomSource) => r.uniform(2, 5), 3.5, 0.75],
    ['exponential(mean 4)', (r: RandomSource) => r.exponential(4), 4, 16],
    ['normal(10, 3)', (r: RandomSource) => r.normal(10, 3), 10, 9],
    ['lognormal(0, 0.5)', (r: RandomSource) => r.lognormal(0, 0.5), Math.exp(0.125), (Math.exp(0.25) - 1) * Math.exp(0.25)],
    ['lognormalMeanCv(20, 1)', (r: RandomSource) => r.lognormalMeanCv(20, 1), 20, 400],
    ['pareto(3, 2)', (r: RandomSource) => r.pareto(3, 2), 3, 3],
    ['poisson(3.5)', (r: RandomSource) => r.poisson(3.5), 3.5, 3.5],
    ['poisson(250)', (r: RandomSource) => r.poisson(250), 250, 250],
  ] as const)('%s has the right mean and variance', (_name, draw, mean, variance) => {
    const r = rng();
    const m = moments(N, () => draw(r));
    expect(Math.abs(m.mean - mean)).toBeLessThan(6 * Math.sqrt(variance / N) + 1e-9);
    expect(Math.abs(m.variance - variance) / variance).toBeLessThan(0.08);
  });

  it('draws integers below n and uniform floats in [0, 1)', () => {
    const r = rng();
    for (let i = 0; i < 10_000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      const u = r.float();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it('picks by weight', () => {
    const r = rng();
    const wc = new WeightedChoice([1, 0, 3, 6]);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[wc.pick(r)]!++;
    expect(counts[1]).toBe(0);
    [0.1, 0, 0.3, 0.6].forEach((p, i) => expect(Math.abs((counts[i] as number) / N - p)).toBeLessThan(0.006));
    expect(() => new WeightedChoice([0, 0])).toThrow(/must not all be zero/);
    expect(() => new WeightedChoice([1, -1])).toThrow(/>= 0/);
  });

  it('spreads Poisson arrivals over the day by the hourly profile, keeping the daily total', () => {
    const r = rng();
    const hourly = [0, 0, 0, 0, 0, 0, 1, 2, 4, 4, 4, 3, 3, 4, 4, 4, 3, 2, 2, 1, 1, 1, 0, 0];
    const profile = new DiurnalProfile(hourly);
    const perHour = new Array<number>(24).fill(0);
    const ratePerSecond = 500 / 86400; // 500 a day
    let t = 0;
    let n = 0;
    const days = 40;
    for (;;) {
      t = profile.nextArrival(r, t, ratePerSecond);
      if (t >= days * 86400) break;
      perHour[Math.floor((t % 86400) / 3600)]!++;
      n++;
    }
    expect(Math.abs(n / days - 500)).toBeLessThan(6 * Math.sqrt(500 / days));
    const total = hourly.reduce((a, b) => a + b, 0);
    hourly.forEach((w, h) => {
      const expected = (n * w) / total;
      if (w === 0) expect(perHour[h]).toBe(0);
      else expect(Math.abs((perHour[h] as number) - expected)).toBeLessThan(6 * Math.sqrt(expected) + 1);
    });
  });

  it('offsets the profile by the time of day at which the run starts', () => {
    const night = new DiurnalProfile([1, ...new Array<number>(23).fill(0)], 23 * 3600); // run starts at 23:00
    const t = night.nextArrival(rng(), 0, 1);
    expect(t).toBeGreaterThanOrEqual(3600); // nothing until midnight
    expect(t).toBeLessThan(7200);
    expect(night.factorAt(3600 + 10)).toBe(24);
  });
});

describe('mix64', () => {
  it('equals the splitmix64 finaliser computed on 64-bit integers', () => {
    const mask = (1n << 64n) - 1n;
    const ref = (z0: bigint): bigint => {
      let z = z0;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
      return z ^ (z >> 31n);
    };
    const out = new Int32Array(2);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: mask }), (z) => {
        mix64(Number(z >> 32n) | 0, Number(z & 0xffffffffn) | 0, out);
        const got = (BigInt((out[0] as number) >>> 0) << 32n) | BigInt((out[1] as number) >>> 0);
        expect(got).toBe(ref(z));
      }),
      { numRuns: 2000 },
    );
  });
});
