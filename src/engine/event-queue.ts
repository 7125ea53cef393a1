/**
 * The pending event set: a binary min-heap of (time, key) pairs ordered by time, then key,
 * stored in one interleaved Float64Array, 16 bytes an entry (a 4-ary layout measured slower
 * here, even at a million entries).
 *
 * | operation | cost |
 * | --- | --- |
 * | push | O(log n) |
 * | peek (time, key) | O(1) |
 * | pop | O(log n) |
 * | replaceTop (pop, then push) | O(log n) |
 * | retain(keep) (drop entries, rebuild) | O(n) |
 * | rekey(f) (renumber every key, same order) | O(n log n) |
 *
 * Keys are distinct numbers, so the order is total and does not depend on how the heap breaks
 * ties: equal times come out in increasing key. The simulation packs its schedule counter and
 * its slot number into the key (see `simulation.ts`), which makes equal times FIFO.
 * The queue owns only numbers; what a key means is the caller's business.
 *
 * @module
 */

/** Minimum entries a queue makes room for. */
const MIN_CAPACITY = 64;

/** A binary heap of (time, key) on a typed array. */
export class EventQueue {
  private h: Float64Array;
  private n = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.h = new Float64Array(2 * Math.max(MIN_CAPACITY, Math.ceil(capacity)));
  }

  /** Number of entries. */
  get size(): number {
    return this.n;
  }

  /** Entries it holds without growing. */
  get capacity(): number {
    return this.h.length >> 1;
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? (this.h[0] as number) : Infinity;
  }

  /** Key of the earliest entry (only meaningful when not empty). */
  peekKey(): number {
    return this.h[1] as number;
  }

  /** Adds an entry. */
  push(t: number, key: number): void {
    let h = this.h;
    let i = this.n;
    if (2 * i === h.length) h = this.grow();
    this.n = i + 1;
    while (i > 0) {
      const q = (i - 1) >> 1;
      const qt = h[2 * q] as number;
      if (t > qt) break;
      const qk = h[2 * q + 1] as number;
      if (t === qt && key > qk) break;
      h[2 * i] = qt;
      h[2 * i + 1] = qk;
      i = q;
    }
    h[2 * i] = t;
    h[2 * i + 1] = key;
  }

  /** Removes the earliest entry. Read it with the peek methods first. */
  pop(): void {
    const n = --this.n;
    if (n > 0) this.sink(0, this.h[2 * n] as number, this.h[2 * n + 1] as number, n);
  }

  /**
   * Replaces the earliest entry by (t, key): a pop and a push in one sift-down. Only for a
   * non-empty queue.
   */
  replaceTop(t: number, key: number): void {
    this.sink(0, t, key, this.n);
  }

  /** Puts (t, k) at or below position i of a heap of n entries, moving smaller children up. */
  private sink(i: number, t: number, k: number, n: number): void {
    const h = this.h;
    let c = 2 * i + 1;
    while (c < n) {
      let ct = h[2 * c] as number;
      let ck = h[2 * c + 1] as number;
      if (c + 1 < n) {
        const rt = h[2 * c + 2] as number;
        if (rt < ct || (rt === ct && (h[2 * c + 3] as number) < ck)) {
          c++;
          ct = rt;
          ck = h[2 * c + 1] as number;
        }
      }
      if (ct > t || (ct === t && ck > k)) break;
      h[2 * i] = ct;
      h[2 * i + 1] = ck;
      i = c;
      c = 2 * c + 1;
    }
    h[2 * i] = t;
    h[2 * i + 1] = k;
  }

  /**
   * Keeps only the entries whose key passes `keep`, calling `dropped` for each one removed,
   * then restores heap order bottom-up in O(n).
   */
  retain(keep: (key: number) => boolean, dropped: (key: number) => void): void {
    const h = this.h;
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      const key = h[2 * r + 1] as number;
      if (keep(key)) {
        if (w !== r) {
          h[2 * w] = h[2 * r] as number;
          h[2 * w + 1] = key;
        }
        w++;
      } else dropped(key);
    }
    this.n = w;
    for (let i = (w >> 1) - 1; i >= 0; i--) this.sink(i, h[2 * i] as number, h[2 * i + 1] as number, w);
  }

  /**
   * Replaces every key k by `f(k, rank)`, where rank is k's position (0, 1, ...) among the
   * keys in increasing order. If `f` is increasing in rank, the order of the entries and so
   * the heap are unchanged.
   */
  rekey(f: (key: number, rank: number) => number): void {
    const h = this.h;
    const n = this.n;
    const sorted = new Float64Array(n);
    for (let i = 0; i < n; i++) sorted[i] = h[2 * i + 1] as number;
    sorted.sort();
    for (let i = 0; i < n; i++) {
      const k = h[2 * i + 1] as number;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((sorted[mid] as number) < k) lo = mid + 1;
        else hi = mid;
      }
      h[2 * i + 1] = f(k, lo);
    }
  }

  /** Makes room for `capacity` entries in all, so that pushes up to that size never copy. */
  reserve(capacity: number): void {
    if (2 * capacity > this.h.length) this.resize(2 * Math.ceil(capacity));
  }

  /** Removes every entry. */
  clear(): void {
    this.n = 0;
  }

  // Grows by half rather than doubling: at a million entries a doubling would leave up to
  // 16 MB unused and hold old and new arrays (48 MB) at once while copying.
  private grow(): Float64Array {
    return this.resize(2 * Math.ceil((this.h.length >> 1) * 1.5));
  }

  private resize(length: number): Float64Array {
    const bigger = new Float64Array(length);
    bigger.set(this.h.subarray(0, 2 * this.n));
    this.h = bigger;
    return bigger;
  }
}
