/**
 * The distributions every portsim generator offers, written once over a source of 53-bit
 * integers. Subclasses supply `next53()`; everything else derives from it, so a model can
 * switch generators without changing what a draw means.
 *
 * @module
 */

const TWO_M53 = 1.1102230246251565e-16; // 2^-53

/** A uniform random source with the distributions the models use. */
export abstract class RandomSource {
  /** A uniformly distributed integer in [0, 2^53). */
  abstract next53(): number;

  /** Uniform in [0, 1). */
  float(): number {
    return this.next53() * TWO_M53;
  }

  /** Uniform in (0, 1]: safe to take the logarithm of. */
  positive(): number {
    return (this.next53() + 1) * TWO_M53;
  }

  /** Uniform in [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.float();
  }

  /** A uniform integer in [0, n), without modulo bias for any n up to 2^53. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** Exponential with the given mean (not rate): `-mean * ln(u)`, u in (0, 1]. */
  exponential(mean: number): number {
    return -mean * Math.log(this.positive());
  }

  /**
   * Normal with mean mu and standard deviation sigma, by the Box–Muller transform. Uses two
   * uniforms per draw and keeps no spare, so a stream's state is its generator's state alone.
   */
  normal(mu = 0, sigma = 1): number {
    const r = Math.sqrt(-2 * Math.log(this.positive()));
    return mu + sigma * r * Math.cos(2 * Math.PI * this.float());
  }

  /** Lognormal: exp of a normal with parameters mu and sigma (of the logarithm). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Lognormal given its own mean and coefficient of variation (sd / mean), as people quote it. */
  lognormalMeanCv(mean: number, cv: number): number {
    const s2 = Math.log(1 + cv * cv);
    return this.lognormal(Math.log(mean) - s2 / 2, Math.sqrt(s2));
  }

  /** Pareto (type I) with shape alpha and scale xm: heavy-tailed, never below xm. */
  pareto(alpha: number, xm: number): number {
    return xm / Math.pow(this.positive(), 1 / alpha);
  }

  /**
   * A Poisson-distributed count with mean lambda. Small means multiply uniforms (Knuth);
   * means of 30 and above use Hörmann's transformed rejection (PTRS), which is exact and
   * takes about one draw whatever the mean.
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0)) throw new RangeError(`poisson: mean must be >= 0, got ${lambda}`);
    if (lambda === 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.positive();
      while (p > limit) {
        k++;
        p *= this.positive();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.float() - 0.5;
      const v = this.float();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) {
        return k;
      }
    }
  }
}

const LOG_FACT_TABLE: number[] = [0];
function logFactorial(k: number): number {
  if (k < 256) {
    for (let i = LOG_FACT_TABLE.length; i <= k; i++) LOG_FACT_TABLE[i] = (LOG_FACT_TABLE[i - 1] as number) + Math.log(i);
    return LOG_FACT_TABLE[k] as number;
  }
  // Stirling's series; exact to double precision for k >= 256.
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}
