/**
 * IPv4 prefixes (CIDR blocks) on uint32 arithmetic.
 *
 * @module
 */
import { type Address, AddressError, formatAddress, parseAddress } from './address.js';

/** A CIDR block such as 10.20.0.0/16: every address whose first `length` bits equal `base`'s. */
export class Prefix {
  /** The first address of the block (host bits are zero). */
  readonly base: Address;
  /** Number of fixed leading bits, 0 to 32. */
  readonly length: number;
  /** The netmask as an unsigned number (/24 is 0xffffff00). */
  readonly mask: number;

  /** Builds a prefix; host bits set in `base` are an error, so "10.0.0.1/8" is not silently widened. */
  constructor(base: Address, length: number) {
    if (!Number.isInteger(length) || length < 0 || length > 32) {
      throw new AddressError(`prefix length must be a whole number from 0 to 32, got ${length}`);
    }
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    if ((base & ~mask) >>> 0 !== 0) {
      throw new AddressError(
        `${formatAddress(base)}/${length} has host bits set; did you mean ${formatAddress((base & mask) >>> 0)}/${length}?`,
      );
    }
    this.base = base >>> 0;
    this.length = length;
    this.mask = mask;
  }

  /** Number of addresses in the block (2^(32 - length)). */
  get size(): number {
    return 2 ** (32 - this.length);
  }

  /** The last address of the block. */
  get last(): Address {
    return (this.base + this.size - 1) >>> 0;
  }

  /** True if `address` lies in this block. */
  contains(address: Address): boolean {
    return ((address & this.mask) >>> 0) === this.base;
  }

  /** True if every address of `other` lies in this block. */
  covers(other: Prefix): boolean {
    return other.length >= this.length && this.contains(other.base);
  }

  /** True if the two blocks share at least one address (CIDR blocks either nest or are disjoint). */
  overlaps(other: Prefix): boolean {
    return this.covers(other) || other.covers(this);
  }

  /** The `index`-th address of the block (0 is `base`). */
  at(index: number): Address {
    if (!(index >= 0 && index < this.size) || !Number.isInteger(index)) {
      throw new RangeError(`${this.toString()} has no address number ${index}`);
    }
    return (this.base + index) >>> 0;
  }

  /** CIDR text, e.g. "10.20.0.0/16". */
  toString(): string {
    return `${formatAddress(this.base)}/${this.length}`;
  }
}

/** Reads "10.20.0.0/16"; a bare address reads as a /32. */
export function parsePrefix(text: string): Prefix {
  const slash = text.indexOf('/');
  if (slash < 0) return new Prefix(parseAddress(text), 32);
  const lengthText = text.slice(slash + 1);
  if (!/^[0-9]{1,2}$/.test(lengthText)) throw new AddressError(`"${text}" is not a CIDR prefix: "/${lengthText}" is not a length from 0 to 32`);
  return new Prefix(parseAddress(text.slice(0, slash)), Number(lengthText));
}
