/**
 * IPv4 addresses as unsigned 32-bit numbers.
 *
 * An address is a plain `number` in [0, 2^32): comparisons, hashing and prefix tests are
 * integer operations, and a packet carries two numbers rather than two objects. The
 * dotted-quad text form exists only at the edges (scenarios, traces, errors).
 *
 * @module
 */

/** An IPv4 address: an unsigned 32-bit integer (10.0.0.1 is 0x0a000001). */
export type Address = number;

/** Thrown for text that is not an IPv4 address or prefix. */
export class AddressError extends Error {
  override name = 'AddressError';
}

/**
 * Reads a dotted quad ("192.0.2.1") into an `Address`. Each of the four parts must be a
 * decimal number from 0 to 255 without a sign or leading zeros (a leading zero is octal to
 * some parsers, so it is refused rather than guessed).
 */
export function parseAddress(text: string): Address {
  const parts = text.split('.');
  if (parts.length !== 4) throw new AddressError(`"${text}" is not an IPv4 address (expected four parts, like 192.0.2.1)`);
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) {
      throw new AddressError(`"${text}" is not an IPv4 address: "${part}" is not a number from 0 to 255`);
    }
    value = value * 256 + Number(part);
  }
  return value;
}

/** Writes an `Address` as a dotted quad. */
export function formatAddress(address: Address): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

/** True for an integer in [0, 2^32), i.e. a valid `Address`. */
export function isAddress(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}
