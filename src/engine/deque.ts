/**
 * A FIFO double-ended queue on a growable ring buffer: O(1) push and shift at both ends,
 * where `Array.prototype.shift` can cost O(n) on long queues.
 *
 * @module
 */

/** A ring-buffer deque. */
export class Deque<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private n = 0;

  /**
   * `capacity`: room to make at once, rounded up to a power of two. Without it the buffer is
   * made on the first push: a million idle queues then cost no buffers.
   */
  constructor(capacity = 0) {
    let cap = capacity > 0 ? 4 : 0;
    while (cap < capacity) cap *= 2;
    this.buf = cap === 0 ? [] : new Array<T | undefined>(cap).fill(undefined);
  }

  /** Number of items. */
  get length(): number {
    return this.n;
  }

  /** Appends at the tail. */
  push(item: T): void {
    if (this.n === this.buf.length) this.grow();
    this.buf[(this.head + this.n) & (this.buf.length - 1)] = item;
    this.n++;
  }

  /** Removes and returns the head, or undefined when empty. */
  shift(): T | undefined {
    if (this.n === 0) return undefined;
    const item = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.n--;
    return item;
  }

  /** The head without removing it. */
  peek(): T | undefined {
    return this.n === 0 ? undefined : this.buf[this.head];
  }

  /** Removes the first occurrence of `item` (O(n)); returns whether it was there. */
  remove(item: T): boolean {
    const mask = this.buf.length - 1;
    for (let i = 0; i < this.n; i++) {
      if (this.buf[(this.head + i) & mask] === item) {
        for (let j = i; j < this.n - 1; j++) {
          this.buf[(this.head + j) & mask] = this.buf[(this.head + j + 1) & mask];
        }
        this.buf[(this.head + this.n - 1) & mask] = undefined;
        this.n--;
        return true;
      }
    }
    return false;
  }

  /** The items from head to tail. */
  *[Symbol.iterator](): IterableIterator<T> {
    const mask = this.buf.length - 1;
    for (let i = 0; i < this.n; i++) yield this.buf[(this.head + i) & mask] as T;
  }

  private grow(): void {
    const old = this.buf;
    const bigger = new Array<T | undefined>(Math.max(4, old.length * 2)).fill(undefined);
    for (let i = 0; i < this.n; i++) bigger[i] = old[(this.head + i) & (old.length - 1)];
    this.buf = bigger;
    this.head = 0;
  }
}
