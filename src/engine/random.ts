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
  // Four 32-bit fields rather than an Int32Array: a typed array costs ~200 bytes of its own,
  // and a run of a million subscribers holds a stream for each.
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the four state words; an all-zero state (a fixed point) is replaced by a constant. */
  constructor(a: number, b: number, c: number, d: number) {
    super();
    this.s0 = (a | b | c | d) === 0 ? 0x9e3779b9 | 0 : a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
  }

  /** The next 32-bit output, as an unsigned number. */
  next32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    const n2 = this.s2 ^ s0;
    const n3 = this.s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = rotl(n3, 11);
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

// Working space of deriveStream, reused: building a world derives a stream per client.
const SCRATCH = new Int32Array(2);
const MIXER = new SplitMix64(0);

/**
 * Derives the stream called `name` under `seed`. The same pair always gives the same stream.
 */
export function deriveStream(seed: Seed, name: string): Xoshiro128 {
  const [hi, lo] = seedHalves(seed);
  const out = SCRATCH;
  // Absorb the name one UTF-16 unit at a time through the splitmix64 finaliser (a bijection),
  // so that any change to the name or the seed changes every word of the result.
  mix64(hi ^ 0x6a09e667, lo ^ name.length, out);
  for (let i = 0; i < name.length; i++) {
    mix64((out[0] as number) + 0x9e3779b9, (out[1] as number) ^ name.charCodeAt(i), out);
  }
  const sm = MIXER.setState(out[0] as number, out[1] as number);
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
