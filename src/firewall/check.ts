/**
 * A static check of a policy, run before the simulation: rules that can never match, exceptions
 * that never apply, redirects to hosts that do not listen, and actions that cannot work as
 * written. Everything it reports is certain: where it cannot prove a problem, it says nothing.
 *
 * @module
 */
import type { EndpointMatcher } from './endpoint.js';
import type { Policy } from './policy.js';
import type { PortSet } from './port-set.js';
import type { Rule } from './rule.js';

/** What the check found. */
export type WarningKind =
  | 'shadowed'
  | 'exception-never-applies'
  | 'unknown-host'
  | 'unknown-group'
  | 'redirect-not-listening'
  | 'tcp-reset-not-tcp';

/** One finding about one rule. */
export interface RuleWarning {
  readonly kind: WarningKind;
  /** The rule the finding is about. */
  readonly rule: string;
  /** The earlier rule responsible, for `shadowed`. */
  readonly by?: string;
  /** A sentence for the user. */
  readonly message: string;
}

/** What the check needs to know of the world: hosts by name, and whether they listen. */
export interface TopologyView {
  findHost(name: string): { tcp: { listening(port: number): boolean } } | undefined;
}

/** Checks `policy`; with `topology`, also checks the hosts its rules name. */
export function checkPolicy(policy: Policy, topology?: TopologyView): RuleWarning[] {
  const out: RuleWarning[] = [];
  const rules = policy.rules;
  const shadowed = new Set<number>();

  rules.forEach((rule, j) => {
    for (let i = 0; i < j; i++) {
      const earlier = rules[i] as Rule;
      if (earlier.terminal && covers(earlier, rule)) {
        shadowed.add(j);
        const what = rule.action.type === 'accept' ? 'exception' : 'rule';
        out.push({
          kind: 'shadowed',
          rule: rule.name,
          by: earlier.name,
          message: `${what} "${rule.name}" can never match: every packet it matches is first decided by "${earlier.name}" (${earlier.describeAction()})`,
        });
        break;
      }
    }
  });

  rules.forEach((rule, j) => {
    for (const [side, m] of [['source', rule.source], ['destination', rule.destination]] as const) {
      if (m === null) continue;
      for (const g of m.unknownGroups) {
        out.push({ kind: 'unknown-group', rule: rule.name, message: `rule "${rule.name}" names ${side} group "${g}", which the policy does not define` });
      }
      if (topology !== undefined) {
        for (const h of m.hosts) {
          if (topology.findHost(h) === undefined) {
            out.push({
              kind: m.negated ? 'exception-never-applies' : 'unknown-host',
              rule: rule.name,
              message: m.negated
                ? `the exception for "${h}" in rule "${rule.name}" never applies: there is no such host`
                : `rule "${rule.name}" names ${side} host "${h}", which does not exist`,
            });
          }
        }
      }
    }

    // An exception carved out of a blocking rule for a host that does not even listen on
    // the blocked ports exempts nothing.
    if (topology !== undefined && rule.destination !== null && rule.destination.negated && !isAccept(rule) && rule.tcpOnly && rule.destinationPorts !== null && rule.destinationPorts.size <= 64) {
      const ports = rule.destinationPorts.list();
      for (const h of rule.destination.hosts) {
        const host = topology.findHost(h);
        if (host !== undefined && !ports.some((p) => host.tcp.listening(p))) {
          out.push({
            kind: 'exception-never-applies',
            rule: rule.name,
            message: `the exception for "${h}" in rule "${rule.name}" never applies: ${h} does not listen on TCP ${rule.destinationPorts.toString()}`,
          });
        }
      }
    }

    if (isAccept(rule) && !shadowed.has(j) && policy.defaultAction === 'accept') {
      const blocks = rules.slice(j + 1).some((later) => !isAccept(later) && later.terminal && mayOverlap(rule, later));
      if (!blocks) {
        out.push({
          kind: 'exception-never-applies',
          rule: rule.name,
          message: `exception "${rule.name}" never applies: nothing after it would block what it lets through, and the default is accept`,
        });
      }
    }

    const a = rule.action;
    if (a.type === 'redirect' && topology !== undefined) {
      const host = topology.findHost(a.to);
      if (host === undefined) {
        out.push({ kind: 'redirect-not-listening', rule: rule.name, message: `rule "${rule.name}" redirects to "${a.to}", which does not exist` });
      } else {
        const ports = a.port !== undefined ? [a.port] : (rule.destinationPorts?.size ?? Infinity) <= 64 ? (rule.destinationPorts as PortSet).list() : [];
        const deaf = ports.filter((p) => !host.tcp.listening(p));
        if (deaf.length > 0) {
          out.push({
            kind: 'redirect-not-listening',
            rule: rule.name,
            message: `rule "${rule.name}" redirects to "${a.to}", which does not listen on TCP ${deaf.join(', ')}: redirected connections will be refused`,
          });
        }
      }
    }
    if (a.type === 'reject' && a.with === 'tcp-reset' && !rule.tcpOnly) {
      out.push({ kind: 'tcp-reset-not-tcp', rule: rule.name, message: `rule "${rule.name}" rejects with tcp-reset but does not match TCP only; other protocols are dropped (iptables refuses such a rule)` });
    }
  });
  return out;
}

function isAccept(rule: Rule): boolean {
  return rule.action.type === 'accept';
}

/** True if every packet `b` matches is also matched by `a` (conditions only). */
export function covers(a: Rule, b: Rule): boolean {
  if (a.direction !== null && a.direction !== b.direction) return false;
  if (!coversSet(a.protocols, b.protocols)) return false;
  if (!coversPorts(a.sourcePorts, b.sourcePorts) || !coversPorts(a.destinationPorts, b.destinationPorts)) return false;
  if (!coversSet(a.lineClasses, b.lineClasses)) return false;
  for (const [k, v] of a.contract) if (!b.contract.some(([k2, v2]) => k2 === k && v2 === v)) return false;
  if (a.apps !== 0 && (b.apps === 0 || (b.apps & ~a.apps) !== 0)) return false;
  if (a.action.type === 'reset-after-inspection' && a.apps === 0) return false;
  if (a.from > b.from || a.until < b.until) return false;
  if (a.share < 1 && !(a.shareKey === b.shareKey && a.share >= b.share)) return false;
  return coversEndpoint(a.source, b.source) && coversEndpoint(a.destination, b.destination);
}

/** False only if no packet can match both rules. */
export function mayOverlap(a: Rule, b: Rule): boolean {
  if (a.direction !== null && b.direction !== null && a.direction !== b.direction) return false;
  if (a.protocols !== null && b.protocols !== null && ![...a.protocols].some((p) => b.protocols?.has(p))) return false;
  if (a.sourcePorts !== null && b.sourcePorts !== null && !a.sourcePorts.overlaps(b.sourcePorts)) return false;
  if (a.destinationPorts !== null && b.destinationPorts !== null && !a.destinationPorts.overlaps(b.destinationPorts)) return false;
  if (a.lineClasses !== null && b.lineClasses !== null && ![...a.lineClasses].some((c) => b.lineClasses?.has(c))) return false;
  for (const [k, v] of a.contract) if (b.contract.some(([k2, v2]) => k2 === k && v2 !== v)) return false;
  if (a.from >= b.until || b.from >= a.until) return false;
  return !disjointEndpoints(a.source, b.source) && !disjointEndpoints(a.destination, b.destination);
}

function coversSet<T>(a: ReadonlySet<T> | null, b: ReadonlySet<T> | null): boolean {
  if (a === null) return true;
  if (b === null) return false;
  for (const x of b) if (!a.has(x)) return false;
  return true;
}

function coversPorts(a: PortSet | null, b: PortSet | null): boolean {
  if (a === null) return true;
  if (b === null) return false;
  return a.covers(b);
}

/** Every item of `inner` lies within some item of `outer` (hosts only by name). */
function itemsWithin(inner: EndpointMatcher, outer: EndpointMatcher): boolean {
  for (const p of inner.prefixes) if (!outer.prefixes.some((q) => q.covers(p))) return false;
  for (const h of inner.hosts) if (!outer.hosts.has(h)) return false;
  return true;
}

function coversEndpoint(a: EndpointMatcher | null, b: EndpointMatcher | null): boolean {
  if (a === null) return true;
  if (b === null) return a.negated && a.prefixes.length === 0 && a.hosts.size === 0;
  if (!a.negated && !b.negated) return itemsWithin(b, a);
  // Everything but A ⊇ everything but B exactly when A ⊆ B.
  if (a.negated && b.negated) return itemsWithin(a, b);
  if (a.negated && !b.negated) {
    // B's items must avoid all of A's; a host name and a prefix may overlap, so give up on mixes.
    if (b.hosts.size > 0 && a.prefixes.length > 0) return false;
    if (a.hosts.size > 0 && b.prefixes.length > 0) return false;
    for (const h of b.hosts) if (a.hosts.has(h)) return false;
    return b.prefixes.every((p) => a.prefixes.every((q) => !p.overlaps(q)));
  }
  return false;
}

function disjointEndpoints(a: EndpointMatcher | null, b: EndpointMatcher | null): boolean {
  if (a === null || b === null || a.negated || b.negated) return false;
  if (a.hosts.size > 0 || b.hosts.size > 0) return false;
  return a.prefixes.every((p) => b.prefixes.every((q) => !p.overlaps(q)));
}
