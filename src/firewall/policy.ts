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
  }

  /** The rule called `name`, or undefined. */
  rule(name: string): Rule | undefined {
    return this.rules.find((r) => r.name === name);
  }
}
