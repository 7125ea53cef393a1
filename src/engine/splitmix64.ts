/**
 * splitmix64 (Steele, Lea and Flood, 2014) on two 32-bit halves.
 *
 * It is the generator of the reference benchmark workloads (shared/bench/WORKLOADS.md), and
 * the one that seeds and derives every other stream. State lives in an Int32Array so that V8
 * never boxes the halves as heap numbers on write.
 *
 * @module
 */
import { RandomSource } from './random-source.js';

const GOLDEN_HI = 0x9e3779b9;
const GOLDEN_LO = 0x7f4a7c15;

/** High 32 bits of the 64-bit product of two uint32 values. */
function mulhi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/**
 * The splitmix64 output function applied to the 64-bit value (hi, lo); the result is written
 * to out[0] (hi) and out[1] (lo). It is a bijection, so distinct inputs give distinct outputs.
 */
export function mix64(hi: number, lo: number, out: Int32Array): void {
  let h = hi | 0;
  let l = lo | 0;
  l ^= (l >>> 30) | (h << 2);
  h ^= h >>> 30;
  let nh = (mulhi32(l >>> 0, 0x1ce4e5b9) + Math.imul(l, 0xbf58476d | 0) + Math.imul(h, 0x1ce4e5b9)) | 0;
  l = Math.imul(l, 0x1ce4e5b9);
  h = nh;
  l ^= (l >>> 27) | (h << 5);
  h ^= h >>> 27;
  nh = (mulhi32(l >>> 0, 0x133111eb) + Math.imul(l, 0x94d049bb | 0) + Math.imul(h, 0x133111eb)) | 0;
  l = Math.imul(l, 0x133111eb);
  h = nh;
  out[1] = l ^ ((l >>> 31) | (h << 1));
  out[0] = h ^ (h >>> 31);
}

/** A seed: a safe integer, a bigint, or a decimal string; taken modulo 2^64. */
export type Seed = number | bigint | string;

/** Splits a seed into its 64-bit halves. */
export function seedHalves(seed: Seed): [hi: number, lo: number] {
  const b = BigInt.asUintN(64, BigInt(seed));
  return [Number(b >> 32n) | 0, Number(b & 0xffffffffn) | 0];
}

/** The splitmix64 generator: a 64-bit counter stepped by the golden gamma, then mixed. */
export class SplitMix64 extends RandomSource {
  /** [state hi, state lo, last output hi, last output lo] */
  private readonly s = new Int32Array(4);

  constructor(seed: Seed = 42) {
    super();
    const [hi, lo] = seedHalves(seed);
    this.s[0] = hi;
    this.s[1] = lo;
  }

  /** Sets the 64-bit state from its halves (cheaper than a bigint seed on hot paths). */
  setState(hi: number, lo: number): this {
    this.s[0] = hi;
    this.s[1] = lo;
    return this;
  }

  /** Advances the state and leaves the 64-bit output in `hi` and `lo`. */
  step(): void {
    const s = this.s;
    const lo0 = ((s[1] as number) >>> 0) + GOLDEN_LO;
    const h = ((s[0] as number) + GOLDEN_HI + (lo0 > 0xffffffff ? 1 : 0)) | 0;
    const l = lo0 | 0;
    s[0] = h;
    s[1] = l;
    const out = this.scratch;
    mix64(h, l, out);
    s[2] = out[0] as number;
    s[3] = out[1] as number;
  }
  private readonly scratch = new Int32Array(2);

  /** High 32 bits of the last output, as an unsigned number. */
  get hi(): number {
    return (this.s[2] as number) >>> 0;
  }

  /** Low 32 bits of the last output, as an unsigned number. */
  get lo(): number {
    return (this.s[3] as number) >>> 0;
  }

  /** The next 64-bit output as a bigint (for tests and test vectors; slow). */
  nextBigInt(): bigint {
    this.step();
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The next output shifted right by 11: the top 53 bits. */
  next53(): number {
    this.step();
    const s = this.s;
    return ((s[2] as number) >>> 0) * 2097152 + ((s[3] as number) >>> 11);
  }
}
