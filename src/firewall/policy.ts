/**
 * A policy: an ISP's ordered rule list, its host groups and its default action.
 *
 * @module
 */
import type { HostGroups } from './endpoint.js';
import { Rule, type RuleSpec } from './rule.js';

/** A policy as a scenario writes it. */
export interface PolicySpec {
  /** Evaluated in order; the first terminal match decides. */
  rules: readonly RuleSpec[];
  /** What happens when no rule matches (default accept, as on most access networks). */
  defaultAction?: 'accept' | 'drop';
  /** Named sets of hosts and prefixes for rules to refer to. */
  groups?: HostGroups;
}

/** A compiled policy. Immutable. */
export class Policy {
  readonly rules: readonly Rule[];
  readonly defaultAction: 'accept' | 'drop';
  readonly groups: HostGroups;

  constructor(spec: PolicySpec) {
    const seen = new Set<string>();
    for (const r of spec.rules) {
      if (seen.has(r.name)) throw new Error(`two rules are called "${r.name}"; rule names must be unique`);
      seen.add(r.name);
    }
    this.groups = spec.groups ?? {};
    this.rules = spec.rules.map((r, i) => new Rule(r, i, this.groups));
    this.defaultAction = spec.defaultAction ?? 'accept';
    const edges = new Set<number>();
    for (const r of this.rules) for (const t of [r.from, r.until]) if (Number.isFinite(t)) edges.add(t);
    this.edges = Float64Array.from([...edges].sort((a, b) => a - b));
  }

  /** Every moment a rule starts or stops, ascending. */
  private readonly edges: Float64Array;

  /**
   * The stretch of time around `t` in which no rule starts or stops, as [from, until): a
   * verdict that depends on time only through rule windows is the same throughout it.
   */
  steadyAround(t: number): [number, number] {
    const e = this.edges;
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((e[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return [lo === 0 ? -Infinity : (e[lo - 1] as number), lo === e.length ? Infinity : (e[lo] as number)];
  }

  /** The rule called `name`, or undefined. */
  rule(name: string): Rule | undefined {
    return this.rules.find((r) => r.name === name);
  }
}
