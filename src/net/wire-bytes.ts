/**
 * Big-endian (network order) writes into packet headers, for the builders of binary headers.
 *
 * @module
 */

/** Writes `v` as a 16-bit big-endian number at `at`. */
export function putU16(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 8) & 255;
  out[at + 1] = v & 255;
}

/** Writes `v` as a 32-bit big-endian number at `at`. */
export function putU32(out: Uint8Array, at: number, v: number): void {
  putU16(out, at, v >>> 16);
  putU16(out, at + 2, v & 0xffff);
}
