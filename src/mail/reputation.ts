/**
 * What a receiving MX thinks of a sending IP: a score per IP and per prefix raised by spam
 * and SPF failures, a static policy list of consumer ranges (like Spamhaus PBL, REFERENCE.md
 * §4) and a dynamic list that adds an IP after N spam reports and drops it after a while.
 *
 * IPs are IPv4 addresses as unsigned 32-bit numbers; static lists are predicates supplied by
 * the world, which owns prefixes.
 *
 * @module
 */

/** A static policy list: a name and which addresses it covers. */
export interface StaticList {
  readonly name: string;
  readonly covers: (ip: number) => boolean;
}

/** The dynamic blocklist's rules. */
export interface DynamicListConfig {
  readonly name: string;
  /** Spam reports against one IP, within `window`, that get it listed. */
  readonly threshold: number;
  readonly window: number;
  /** How long a listing lasts. */
  readonly duration: number;
  /**
   * Listed IPs in one prefix (of `prefixBits`) that get the whole prefix listed, as lists do
   * to an ISP range full of zombies; 0 or absent: never.
   */
  readonly prefixThreshold?: number;
  readonly prefixBits?: number;
}

/** A listing or delisting, for the report and the replay. */
export interface ListingEvent {
  readonly time: number;
  readonly list: string;
  /** The address, or the prefix's first address when `bits` < 32. */
  readonly ip: number;
  readonly bits: number;
  readonly listed: boolean;
}

/** Score half-life: one day, so a burst of spam weighs on a sender for a few days. */
const HALF_LIFE = 86400;

interface Score {
  value: number;
  at: number;
}

/** Reputation as one receiving MX keeps it. */
export class Reputation {
  private readonly statics: readonly StaticList[];
  private readonly dynamic: DynamicListConfig | undefined;
  private readonly scores = new Map<number, Score>();
  private readonly prefixScores = new Map<number, Score>();
  private readonly reports = new Map<number, number[]>();
  private readonly listedUntil = new Map<number, number>();
  private readonly prefixListedUntil = new Map<number, number>();
  private readonly listedInPrefix = new Map<number, Set<number>>();
  /** Listings and delistings in order. Delistings are recorded when first noticed. */
  readonly events: ListingEvent[] = [];

  constructor(statics: readonly StaticList[] = [], dynamic?: DynamicListConfig) {
    this.statics = statics;
    this.dynamic = dynamic;
  }

  /** Records a spam report against `ip`; may list it, and its prefix. */
  reportSpam(ip: number, now: number): void {
    this.bump(ip, now, 1);
    const d = this.dynamic;
    if (d === undefined) return;
    const times = this.reports.get(ip) ?? [];
    times.push(now);
    while (times.length > 0 && (times[0] as number) <= now - d.window) times.shift();
    this.reports.set(ip, times);
    if (times.length >= d.threshold && !this.isDynamicallyListed(ip, now)) {
      this.listedUntil.set(ip, now + d.duration);
      this.events.push({ time: now, list: d.name, ip, bits: 32, listed: true });
      this.noteInPrefix(ip, now);
    }
  }

  /** Records an SPF failure of mail from `ip` (forwarded mail fails SPF; REFERENCE.md §2). */
  reportSpfFail(ip: number, now: number): void {
    this.bump(ip, now, 0.5);
  }

  /** The decayed score of `ip` (higher is worse). */
  score(ip: number, now: number): number {
    return decayed(this.scores.get(ip), now);
  }

  /** The decayed score of the prefix holding `ip`. */
  prefixScore(ip: number, now: number): number {
    return decayed(this.prefixScores.get(prefixOf(ip, this.dynamic?.prefixBits ?? 24)), now);
  }

  /** The name of a list that holds `ip` at `now`, or null. Static lists are checked first. */
  listedOn(ip: number, now: number): string | null {
    for (const s of this.statics) if (s.covers(ip)) return s.name;
    const d = this.dynamic;
    if (d === undefined) return null;
    if (this.isDynamicallyListed(ip, now)) return d.name;
    const bits = d.prefixBits ?? 24;
    const p = prefixOf(ip, bits);
    const until = this.prefixListedUntil.get(p);
    if (until !== undefined) {
      if (now < until) return d.name;
      this.prefixListedUntil.delete(p);
      this.events.push({ time: until, list: d.name, ip: p, bits, listed: false });
    }
    return null;
  }

  private isDynamicallyListed(ip: number, now: number): boolean {
    const until = this.listedUntil.get(ip);
    if (until === undefined) return false;
    if (now < until) return true;
    this.listedUntil.delete(ip);
    this.events.push({ time: until, list: (this.dynamic as DynamicListConfig).name, ip, bits: 32, listed: false });
    return false;
  }

  private noteInPrefix(ip: number, now: number): void {
    const d = this.dynamic as DynamicListConfig;
    const need = d.prefixThreshold ?? 0;
    if (need <= 0) return;
    const bits = d.prefixBits ?? 24;
    const p = prefixOf(ip, bits);
    const set = this.listedInPrefix.get(p) ?? new Set<number>();
    set.add(ip);
    this.listedInPrefix.set(p, set);
    const current = [...set].filter((x) => this.isDynamicallyListed(x, now));
    if (current.length >= need && !((this.prefixListedUntil.get(p) ?? -1) > now)) {
      this.prefixListedUntil.set(p, now + d.duration);
      this.events.push({ time: now, list: d.name, ip: p, bits, listed: true });
    }
  }

  private bump(ip: number, now: number, by: number): void {
    add(this.scores, ip, now, by);
    add(this.prefixScores, prefixOf(ip, this.dynamic?.prefixBits ?? 24), now, by);
  }
}

function prefixOf(ip: number, bits: number): number {
  return bits === 0 ? 0 : (ip & (~0 << (32 - bits))) >>> 0;
}

function decayed(s: Score | undefined, now: number): number {
  return s === undefined ? 0 : s.value * Math.pow(0.5, (now - s.at) / HALF_LIFE);
}

function add(m: Map<number, Score>, key: number, now: number, by: number): void {
  m.set(key, { value: decayed(m.get(key), now) + by, at: now });
}
