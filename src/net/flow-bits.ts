/**
 * A set of flow ids, one bit each. The network hands out flow ids in order from 1
 * (`Network.nextFlowId`), so the flows of a whole run fit in a bitmap an eighth of a byte per
 * flow, where a `Set` of them would cost tens of bytes each.
 *
 * @module
 */

/** Flow ids seen, one bit each. */
export class FlowBits {
  private words = new Uint32Array(1024);

  /** Whether `flow` is in the set. */
  has(flow: number): boolean {
    const w = flow >>> 5;
    return w < this.words.length && ((this.words[w] as number) & (1 << (flow & 31))) !== 0;
  }

  /** Puts `flow` (a whole number >= 0) in the set. */
  add(flow: number): void {
    const w = flow >>> 5;
    if (w >= this.words.length) {
      let size = this.words.length * 2;
      while (size <= w) size *= 2;
      const grown = new Uint32Array(size);
      grown.set(this.words);
      this.words = grown;
    }
    this.words[w] = (this.words[w] as number) | (1 << (flow & 31));
  }
}
