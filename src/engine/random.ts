/**
 * Named random streams.
 *
 * A run has one seed. Every entity draws from its own stream, derived by hashing (seed, name),
 * so streams do not depend on the order they are created in, and adding an entity never
 * changes what another one draws. Two variants of a scenario run with the same seed therefore
 * see the same senders send the same messages at the same times (common random numbers).
 *
 * Streams are xoshiro128** (Blackman and Vigna, 2018): four 32-bit words of state, period
 * 2^128 - 1, and plain 32-bit arithmetic, which V8 runs without boxing.
 *
 * @module
 */
import { RandomSource } from './random-source.js';
import { mix64, seedHalves, type Seed, SplitMix64 } from './splitmix64.js';

/** xoshiro128**: the generator behind every named stream. */
export class Xoshiro128 extends RandomSource {
  private readonly s = new Int32Array(4);

  /** Seeds the four state words; an all-zero state (a fixed point) is replaced by a constant. */
  constructor(a: number, b: number, c: number, d: number) {
    super();
    this.s[0] = a;
    this.s[1] = b;
    this.s[2] = c;
    this.s[3] = d;
    if ((a | b | c | d) === 0) this.s[0] = 0x9e3779b9;
  }

  /** The next 32-bit output, as an unsigned number. */
  next32(): number {
    const s = this.s;
    const s0 = s[0] as number;
    const s1 = s[1] as number;
    const s2 = s[2] as number;
    const s3 = s[3] as number;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return r >>> 0;
  }

  next53(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return a * 67108864 + b;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Derives the stream called `name` under `seed`. The same pair always gives the same stream.
 */
export function deriveStream(seed: Seed, name: string): Xoshiro128 {
  const [hi, lo] = seedHalves(seed);
  const out = new Int32Array(2);
  // Absorb the name one UTF-16 unit at a time through the splitmix64 finaliser (a bijection),
  // so that any change to the name or the seed changes every word of the result.
  mix64(hi ^ 0x6a09e667, lo ^ name.length, out);
  for (let i = 0; i < name.length; i++) {
    mix64((out[0] as number) + 0x9e3779b9, (out[1] as number) ^ name.charCodeAt(i), out);
  }
  const sm = new SplitMix64(0).setState(out[0] as number, out[1] as number);
  sm.step();
  const a = sm.hi | 0;
  const b = sm.lo | 0;
  sm.step();
  return new Xoshiro128(a, b, sm.hi | 0, sm.lo | 0);
}

/** The random streams of one run: `streams.get('client/adsl-users/17')`. */
export class RandomStreams {
  /** The run's seed. */
  readonly seed: Seed;

  constructor(seed: Seed) {
    seedHalves(seed); // validates the seed now rather than at the first draw
    this.seed = seed;
  }

  /** A new stream named `name`; asking twice gives two generators in the same state. */
  get(name: string): Xoshiro128 {
    return deriveStream(this.seed, name);
  }
}
