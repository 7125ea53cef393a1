/**
 * The addresses an ISP hands to its lines: taken in order from its prefixes, returned ones
 * reused first-in first-out, so a run's address plan depends only on the order of events.
 *
 * @module
 */
import { type Address, formatAddress } from './address.js';
import { Deque } from '../engine/index.js';
import type { Prefix } from './prefix.js';

/** A pool of assignable addresses over a list of prefixes. */
export class AddressPool {
  private prefixIndex = 0;
  private offset = 0;
  private readonly returned = new Deque<Address>();
  private readonly taken = new Set<Address>();

  /** `reserved` addresses (the ISP's router, say) are never handed out. */
  constructor(private readonly prefixes: readonly Prefix[], reserved: readonly Address[] = []) {
    for (const a of reserved) this.taken.add(a);
  }

  /** Addresses currently assigned (reserved ones included). */
  get inUse(): number {
    return this.taken.size;
  }

  /** Takes the next free address; throws when every block is full. */
  take(): Address {
    for (;;) {
      const back = this.returned.shift();
      if (back === undefined) break;
      if (!this.taken.has(back)) {
        this.taken.add(back);
        return back;
      }
    }
    while (this.prefixIndex < this.prefixes.length) {
      const p = this.prefixes[this.prefixIndex] as Prefix;
      // Leave out the network and broadcast addresses of blocks big enough to have them.
      const first = p.length >= 31 ? 0 : 1;
      const end = p.length >= 31 ? p.size : p.size - 1;
      if (this.offset < first) this.offset = first;
      if (this.offset >= end) {
        this.prefixIndex++;
        this.offset = 0;
        continue;
      }
      const a = p.at(this.offset++);
      if (this.taken.has(a)) continue;
      this.taken.add(a);
      return a;
    }
    throw new RangeError(`address pool exhausted (${this.prefixes.map(String).join(', ')})`);
  }

  /** Claims a specific address (a static assignment); throws if it is taken or outside the pool. */
  claim(address: Address): Address {
    if (!this.prefixes.some((p) => p.contains(address))) throw new RangeError(`${formatAddress(address)} is not in ${this.prefixes.map(String).join(', ')}`);
    if (this.taken.has(address)) throw new RangeError(`${formatAddress(address)} is already assigned`);
    this.taken.add(address);
    return address;
  }

  /** Gives an address back for reuse. */
  release(address: Address): void {
    if (this.taken.delete(address)) this.returned.push(address);
  }
}
