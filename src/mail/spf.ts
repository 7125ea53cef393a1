/**
 * Sender Policy Framework, reduced to what the models need: a domain publishes which
 * addresses may send its mail, and a receiver checks the connecting IP against the envelope
 * sender's domain. A forwarder re-sending with the original MAIL FROM fails the check
 * (RFC 7208 §10.3; REFERENCE.md §2).
 *
 * @module
 */

/** The outcome of a check (RFC 7208 §2.6, without the DNS error results). */
export type SpfResult = 'pass' | 'fail' | 'softfail' | 'none';

/** A domain's published policy. */
export interface SpfRecord {
  /** Whether `ip` is one of the domain's authorised senders. */
  readonly authorises: (ip: number) => boolean;
  /** What the record says of everyone else: `-all` (fail) or `~all` (softfail). */
  readonly otherwise: 'fail' | 'softfail';
}

/** The published SPF records, by domain. */
export class SpfRegistry {
  private readonly records = new Map<string, SpfRecord>();

  /** Publishes (or replaces) a domain's record. */
  publish(domain: string, record: SpfRecord): void {
    this.records.set(domain.toLowerCase(), record);
  }

  /** Checks mail from `ip` whose envelope sender is `mailFrom` (an address or a bare domain). */
  check(mailFrom: string, ip: number): SpfResult {
    const at = mailFrom.lastIndexOf('@');
    const domain = (at >= 0 ? mailFrom.slice(at + 1) : mailFrom).toLowerCase();
    const r = this.records.get(domain);
    if (r === undefined) return 'none';
    return r.authorises(ip) ? 'pass' : r.otherwise;
  }
}
