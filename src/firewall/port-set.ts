/**
 * Sets of ports as sorted, merged ranges: 25, "1024-65535", [465, 587] (two ports),
 * [[8000, 8080]] (a range in a list).
 *
 * @module
 */

/**
 * A port, a range "lo-hi", or a list of ports and ranges. A list of numbers is always a list
 * of ports: [465, 587] means those two ports, never the ports between them.
 */
export type PortSpec = number | string | readonly (number | string | readonly [number, number])[];

/** An immutable set of ports. */
export class PortSet {
  /** Disjoint, non-adjacent inclusive ranges in ascending order. */
  readonly ranges: readonly (readonly [number, number])[];

  constructor(ranges: readonly (readonly [number, number])[]) {
    const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [lo, hi] of sorted) {
      const last = merged[merged.length - 1];
      if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
      else merged.push([lo, hi]);
    }
    this.ranges = merged;
  }

  /** True if `port` is in the set. */
  has(port: number): boolean {
    for (const [lo, hi] of this.ranges) {
      if (port < lo) return false;
      if (port <= hi) return true;
    }
    return false;
  }

  /** True if every port of `other` is in this set. */
  covers(other: PortSet): boolean {
    return other.ranges.every(([lo, hi]) => this.ranges.some(([a, b]) => a <= lo && hi <= b));
  }

  /** True if the two sets share a port. */
  overlaps(other: PortSet): boolean {
    return this.ranges.some(([a, b]) => other.ranges.some(([lo, hi]) => lo <= b && a <= hi));
  }

  /** Number of ports in the set. */
  get size(): number {
    let n = 0;
    for (const [lo, hi] of this.ranges) n += hi - lo + 1;
    return n;
  }

  /** The ports themselves, for small sets (at most `limit`). */
  list(limit = 64): number[] {
    const out: number[] = [];
    for (const [lo, hi] of this.ranges) for (let p = lo; p <= hi && out.length < limit; p++) out.push(p);
    return out;
  }

  /** "25", "465,587", "1024-65535". */
  toString(): string {
    return this.ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',');
  }
}

/** Reads a `PortSpec`; throws on anything that is not a port from 0 to 65535 or a valid range. */
export function parsePorts(spec: PortSpec): PortSet {
  const out: [number, number][] = [];
  const add = (item: number | string | readonly [number, number]): void => {
    let lo: number;
    let hi: number;
    if (typeof item === 'number') lo = hi = item;
    else if (typeof item === 'string') {
      const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(item);
      if (m === null) throw new RangeError(`"${item}" is not a port or a range like "1024-65535"`);
      lo = Number(m[1]);
      hi = m[2] === undefined ? lo : Number(m[2]);
    } else [lo, hi] = item;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > 65535 || lo > hi) {
      throw new RangeError(`invalid port range ${lo}-${hi}: ports are 0 to 65535, low end first`);
    }
    out.push([lo, hi]);
  };
  if (typeof spec === 'number' || typeof spec === 'string') add(spec);
  else for (const item of spec) add(item);
  return new PortSet(out);
}
