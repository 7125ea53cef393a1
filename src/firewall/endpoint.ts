/**
 * One end of a flow as a rule names it: prefixes, named hosts and host groups, optionally
 * negated ("not our smart host").
 *
 * @module
 */
import { type Address, type Prefix, parsePrefix } from '../net/index.js';

/** How a rule names one end of a flow. An empty spec (no items) matches nothing, or everything when negated. */
export interface EndpointSpec {
  /** CIDR blocks ("10.0.0.0/8") or single addresses. */
  prefixes?: readonly string[];
  /** Host names, matched against the host that holds the address when the packet passes. */
  hosts?: readonly string[];
  /** Names of the policy's host groups. */
  groups?: readonly string[];
  /** Match every address except those listed. */
  not?: boolean;
}

/** Named groups of hosts and prefixes: each entry is a host name or CIDR text. */
export type HostGroups = Readonly<Record<string, readonly string[]>>;

/** A compiled endpoint condition. */
export class EndpointMatcher {
  constructor(
    /** Blocks, with the groups' blocks folded in. */
    readonly prefixes: readonly Prefix[],
    /** Host names, with the groups' hosts folded in. */
    readonly hosts: ReadonlySet<string>,
    readonly negated: boolean,
    /** Group names that the policy does not define (reported by the static check). */
    readonly unknownGroups: readonly string[],
  ) {}

  /** True if the end at `address` (held by the host called `hostName`, if any) matches. */
  matches(address: Address, hostName: string | undefined): boolean {
    return this.listed(address, hostName) !== this.negated;
  }

  /** True if the address or host is one of those listed, negation aside. */
  listed(address: Address, hostName: string | undefined): boolean {
    for (const p of this.prefixes) if (p.contains(address)) return true;
    return hostName !== undefined && this.hosts.has(hostName);
  }

  /** True if the condition names hosts (so matching needs to know who holds an address). */
  get namesHosts(): boolean {
    return this.hosts.size > 0;
  }
}

const CIDR = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/;

/** Compiles an endpoint spec against the policy's groups. */
export function compileEndpoint(spec: EndpointSpec, groups: HostGroups): EndpointMatcher {
  const prefixes = (spec.prefixes ?? []).map(parsePrefix);
  const hosts = new Set(spec.hosts ?? []);
  const unknown: string[] = [];
  for (const g of spec.groups ?? []) {
    const members = groups[g];
    if (members === undefined) {
      unknown.push(g);
      continue;
    }
    for (const m of members) {
      if (CIDR.test(m)) prefixes.push(parsePrefix(m));
      else hosts.add(m);
    }
  }
  return new EndpointMatcher(prefixes, hosts, spec.not === true, unknown);
}
