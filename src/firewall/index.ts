/**
 * The ISP firewall: ordered rules judged first-match at the edge of an ISP's subscriber
 * lines, with inspection, connection tracking, rate limits, per-rule counters, a record of
 * every verdict, and a static check of a rule list.
 *
 * ```ts
 * const policy = new Policy({ rules: [
 *   { name: 'smart host', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, destination: { hosts: ['smtp.isp.example'] }, action: 'accept' },
 *   { name: 'block 25', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, action: 'drop' },
 * ] });
 * const warnings = checkPolicy(policy, network);
 * isp.filter = new Firewall(policy);
 * ```
 *
 * @module
 */
export { APP_BITS, APP_PROTOCOLS, type AppProtocol, appBits, appNames } from './app-protocol.js';
export { checkPolicy, covers, mayOverlap, type RuleWarning, type TopologyView, type WarningKind } from './check.js';
export { compileEndpoint, EndpointMatcher, type EndpointSpec, type HostGroups } from './endpoint.js';
export { actionText, Firewall, type FirewallOptions, type RuleCounters, type VerdictRecord } from './firewall.js';
export { FlowEntry, flowKey, FlowTable } from './flow-table.js';
export { inspect, offersStarttls, stripStarttls } from './inspection.js';
export { Policy, type PolicySpec } from './policy.js';
export { parsePorts, PortSet, type PortSpec } from './port-set.js';
export { inRollout, rolloutPoint } from './rollout.js';
export { type Action, type ActionType, describeAction, type ProtocolSpec, type RejectWith, Rule, type RuleSpec } from './rule.js';
export { type BucketState, tokensAt } from './token-bucket.js';
export { type Decision, type FlowView, judge, ruleMatches, type VerdictContext, type VerdictKind } from './verdict.js';
