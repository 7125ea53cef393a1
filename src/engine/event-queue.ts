/**
 * The pending event set: a binary min-heap ordered by (time, seq), stored in one interleaved
 * Float64Array of [time, seq, slot] triples, 24 bytes an entry.
 *
 * | operation | cost |
 * | --- | --- |
 * | push | O(log n) |
 * | peek (time, slot) | O(1) |
 * | pop | O(log n) |
 * | retain(keep) (drop entries, rebuild) | O(n) |
 *
 * `seq` is unique per entry, so the order is total and does not depend on how the heap breaks
 * ties: equal times come out in increasing seq, which is FIFO when seq counts schedules.
 * The queue owns only numbers; what a slot means is the caller's business.
 *
 * @module
 */

/** Minimum entries a queue makes room for. */
const MIN_CAPACITY = 64;

/** A binary heap of (time, seq, slot) on a typed array. */
export class EventQueue {
  private h: Float64Array;
  private n = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.h = new Float64Array(3 * Math.max(MIN_CAPACITY, capacity));
  }

  /** Number of entries. */
  get size(): number {
    return this.n;
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? (this.h[0] as number) : Infinity;
  }

  /** Seq of the earliest entry (only meaningful when not empty). */
  peekSeq(): number {
    return this.h[1] as number;
  }

  /** Slot of the earliest entry (only meaningful when not empty). */
  peekSlot(): number {
    return this.h[2] as number;
  }

  /** Adds an entry. */
  push(t: number, s: number, slot: number): void {
    let h = this.h;
    let i = this.n++;
    if (3 * this.n > h.length) h = this.grow();
    while (i > 0) {
      const q = (i - 1) >> 1;
      const qt = h[3 * q] as number;
      if (t < qt || (t === qt && s < (h[3 * q + 1] as number))) {
        h[3 * i] = qt;
        h[3 * i + 1] = h[3 * q + 1] as number;
        h[3 * i + 2] = h[3 * q + 2] as number;
        i = q;
      } else break;
    }
    h[3 * i] = t;
    h[3 * i + 1] = s;
    h[3 * i + 2] = slot;
  }

  /** Removes the earliest entry. Read it with the peek methods first. */
  pop(): void {
    const h = this.h;
    const n = --this.n;
    const lt = h[3 * n] as number;
    const ls = h[3 * n + 1] as number;
    const lp = h[3 * n + 2] as number;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = h[3 * c] as number;
      let cs = h[3 * c + 1] as number;
      const r = c + 1;
      if (r < n) {
        const rt = h[3 * r] as number;
        if (rt < ct || (rt === ct && (h[3 * r + 1] as number) < cs)) {
          c = r;
          ct = rt;
          cs = h[3 * r + 1] as number;
        }
      }
      if (ct < lt || (ct === lt && cs < ls)) {
        h[3 * i] = ct;
        h[3 * i + 1] = cs;
        h[3 * i + 2] = h[3 * c + 2] as number;
        i = c;
      } else break;
    }
    h[3 * i] = lt;
    h[3 * i + 1] = ls;
    h[3 * i + 2] = lp;
  }

  /**
   * Keeps only the entries whose slot passes `keep`, calling `dropped` for each one removed,
   * then restores heap order bottom-up in O(n).
   */
  retain(keep: (slot: number) => boolean, dropped: (slot: number) => void): void {
    const h = this.h;
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      const slot = h[3 * r + 2] as number;
      if (keep(slot)) {
        if (w !== r) {
          h[3 * w] = h[3 * r] as number;
          h[3 * w + 1] = h[3 * r + 1] as number;
          h[3 * w + 2] = slot;
        }
        w++;
      } else dropped(slot);
    }
    this.n = w;
    for (let i = (w >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** Removes every entry. */
  clear(): void {
    this.n = 0;
  }

  private siftDown(start: number): void {
    const h = this.h;
    const n = this.n;
    const t = h[3 * start] as number;
    const s = h[3 * start + 1] as number;
    const p = h[3 * start + 2] as number;
    let i = start;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && less(h, r, c)) c = r;
      const ct = h[3 * c] as number;
      const cs = h[3 * c + 1] as number;
      if (ct < t || (ct === t && cs < s)) {
        h[3 * i] = ct;
        h[3 * i + 1] = cs;
        h[3 * i + 2] = h[3 * c + 2] as number;
        i = c;
      } else break;
    }
    h[3 * i] = t;
    h[3 * i + 1] = s;
    h[3 * i + 2] = p;
  }

  private grow(): Float64Array {
    const bigger = new Float64Array(this.h.length * 2);
    bigger.set(this.h);
    this.h = bigger;
    return bigger;
  }
}

function less(h: Float64Array, a: number, b: number): boolean {
  const at = h[3 * a] as number;
  const bt = h[3 * b] as number;
  return at < bt || (at === bt && (h[3 * a + 1] as number) < (h[3 * b + 1] as number));
}
