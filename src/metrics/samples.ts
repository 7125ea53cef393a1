/**
 * A growing list of numbers kept whole, eight bytes each, for exact nearest-rank quantiles:
 * the report's delay percentiles must not depend on how the values were stored, and an array
 * of boxed numbers costs several times as much per value.
 *
 * @module
 */

/** Numbers appended one at a time, read back sorted. */
export class Samples {
  private values = new Float64Array(16);
  private n = 0;

  /** How many values. */
  get length(): number {
    return this.n;
  }

  /** Appends a value. */
  push(v: number): void {
    if (this.n === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.n++] = v;
  }

  /** The values so far, unsorted: a view that the next `push` may leave behind. */
  view(): Float64Array {
    return this.values.subarray(0, this.n);
  }

  /** A sorted copy of the values, ascending. */
  sorted(): Float64Array {
    return this.view().slice().sort();
  }

  /** The values of several lists, sorted together, ascending. */
  static sortedUnion(lists: Iterable<Samples>): Float64Array {
    let total = 0;
    const all = [...lists];
    for (const s of all) total += s.length;
    const out = new Float64Array(total);
    let at = 0;
    for (const s of all) {
      out.set(s.view(), at);
      at += s.length;
    }
    return out.sort();
  }
}
