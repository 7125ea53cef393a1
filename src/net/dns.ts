/**
 * A small DNS: names to addresses, and MX records for mail domains, so scenarios can say
 * "smtp.lime.example" rather than numbers. Answers are immediate (no resolver traffic).
 *
 * @module
 */
import type { Address } from './address.js';
import type { Host } from './host.js';

/** One MX record. */
export interface MxRecord {
  /** The mail exchanger's host name. */
  readonly exchange: string;
  /** Lower is tried first (RFC 5321 §5.1). */
  readonly preference: number;
}

/** The zone of one simulated Internet. Names are case-insensitive. */
export class Dns {
  private readonly records = new Map<string, Address | Host>();
  private readonly mxRecords = new Map<string, MxRecord[]>();

  /**
   * Points `name` at an address, or at a host: a host-bound name follows the host when it
   * moves and takes a new address.
   */
  set(name: string, target: Address | Host): void {
    this.records.set(name.toLowerCase(), target);
  }

  /** The address of `name`, or null when the name does not exist or its host is offline. */
  resolve(name: string): Address | null {
    const t = this.records.get(name.toLowerCase());
    if (t === undefined) return null;
    if (typeof t === 'number') return t;
    return t.online ? t.address : null;
  }

  /** True if `name` has an address record. */
  has(name: string): boolean {
    return this.records.has(name.toLowerCase());
  }

  /** Adds an MX record for `domain`. */
  addMx(domain: string, exchange: string, preference = 10): void {
    const d = domain.toLowerCase();
    const list = this.mxRecords.get(d) ?? [];
    list.push({ exchange: exchange.toLowerCase(), preference });
    // Stable sort: equal preferences keep the order they were added in, for determinism;
    // a mail layer wanting RFC 5321's random order among equals shuffles with its own stream.
    list.sort((x, y) => x.preference - y.preference);
    this.mxRecords.set(d, list);
  }

  /**
   * The mail exchangers of `domain`, best first. A domain with no MX but an address record
   * has the implicit MX of itself (RFC 5321 §5.1); one with neither has none.
   */
  mx(domain: string): readonly MxRecord[] {
    const d = domain.toLowerCase();
    const list = this.mxRecords.get(d);
    if (list !== undefined) return list;
    return this.records.has(d) ? [{ exchange: d, preference: 0 }] : [];
  }
}
