/**
 * The `isps` section: access ISPs with their address blocks, the line classes (and
 * contracts) they sell, and the firewall rules at their border.
 *
 * Rules are written as the firewall reads them (`src/firewall/rule.ts`), with rates in units
 * and hosts named as in the scenario. A rule is named within its ISP; elsewhere it is
 * `isp/rule` ("lime/block-25").
 *
 * @module
 */
import { z } from 'zod';
import { doc, duration, name, rate, share, size, strictObject, text } from './fields.js';
import type { NameSite } from './names.js';
import { latencySchema } from './world-internet.js';
import { namedItems, type WorldSection } from './world.js';

/** Contract terms of a line class. */
export const contractSchema = strictObject({
  vpnAllowed: doc(z.boolean().default(true), 'Whether the contract allows VPNs.'),
  port25Open: doc(z.boolean().default(true), 'Whether the contract says port 25 is open (informational; rules decide).'),
  staticAddress: doc(z.boolean().default(false), 'Whether the line keeps one address.'),
  fairUse: doc(size.optional(), 'Fair-use volume per subscriber.'),
}).prefault({});

const lineSchema = strictObject({
  name: doc(name, 'The line class, as rules and client groups name it ("adsl", "mobile-prepaid").'),
  contract: doc(contractSchema, 'The contract terms.'),
  latency: doc(latencySchema.prefault('10ms'), 'One-way delay of the access line (default 10ms).'),
});

const endpointSchema = strictObject({
  prefixes: doc(z.array(text).optional(), 'CIDR blocks or addresses.'),
  hosts: doc(z.array(name).optional(), 'Server names.'),
  groups: doc(z.array(name).optional(), 'Host groups of this ISP\'s firewall.'),
  clientGroups: doc(z.array(name).optional(), 'Every subscriber of these client groups (an exception for one customer\'s line).'),
  not: doc(z.boolean().optional(), 'Match everything except these.'),
});

const portSpec = z.union([z.int().min(0).max(65535), text, z.array(z.union([z.int().min(0).max(65535), text]))]);

const REJECT_WITH = [
  'tcp-reset',
  'icmp-net-unreachable',
  'icmp-host-unreachable',
  'icmp-proto-unreachable',
  'icmp-port-unreachable',
  'icmp-net-prohibited',
  'icmp-host-prohibited',
  'icmp-admin-prohibited',
] as const;

const actionSchema = z.union([
  z.enum(['accept', 'drop', 'reject', 'reset-after-inspection', 'strip-starttls', 'log']),
  strictObject({ type: z.literal('reject'), with: doc(z.enum(REJECT_WITH), 'What goes back to the sender.') }),
  strictObject({ type: z.literal('redirect'), to: doc(name, 'The server that gets the flows (the ISP\'s smart host).'), port: z.int().min(1).max(65535).optional() }),
  strictObject({
    type: z.literal('rate-limit'),
    rate: doc(rate, 'Tokens per time: "10/min".'),
    burst: doc(z.int().min(1), 'Bucket size.'),
    per: z.enum(['subscriber', 'rule']).optional(),
    unit: z.enum(['packet', 'connection']).optional(),
    over: z.enum(['drop', 'reset']).optional(),
  }),
]);

/** One firewall rule. */
export const ruleSchema = strictObject({
  name: doc(name, 'Unique within the ISP.'),
  enabled: doc(z.boolean().default(true), 'Whether the rule is on at the start; changes switch it later.'),
  direction: z.enum(['outbound', 'inbound', 'any']).optional(),
  protocol: z.union([z.enum(['tcp', 'udp', 'icmp', 'esp', 'gre']), z.array(z.enum(['tcp', 'udp', 'icmp', 'esp', 'gre']))]).optional(),
  source: endpointSchema.optional(),
  destination: endpointSchema.optional(),
  sourcePorts: portSpec.optional(),
  destinationPorts: portSpec.optional(),
  lineClasses: doc(z.array(name).optional(), 'Line classes of this ISP the rule applies to.'),
  contract: doc(strictObject({ vpnAllowed: z.boolean().optional(), port25Open: z.boolean().optional(), staticAddress: z.boolean().optional() }).optional(), 'Contract terms the line must have.'),
  app: z
    .union([
      z.enum(['smtp', 'smtp-starttls', 'tls-client-hello', 'ike', 'openvpn', 'wireguard', 'pptp', 'http']),
      z.array(z.enum(['smtp', 'smtp-starttls', 'tls-client-hello', 'ike', 'openvpn', 'wireguard', 'pptp', 'http'])),
    ])
    .optional(),
  share: doc(share.optional(), 'Staged rollout: the share of subscribers the rule applies to.'),
  action: doc(actionSchema, 'What the rule does.'),
  note: doc(text.optional(), 'Why the rule is there.'),
});

/** One ISP. */
export const ispSchema = strictObject({
  name: doc(name, 'The ISP\'s name.'),
  prefixes: doc(z.array(text).min(1), 'Address blocks it owns: subscribers and its own servers take addresses from them.'),
  lines: doc(z.array(lineSchema).default([]), 'The line classes it sells.'),
  hostingLatency: doc(duration.optional(), 'Delay to servers it hosts (default 1ms).'),
  fairUseWithdraws: doc(
    strictObject({ vpnAllowed: z.boolean().optional(), port25Open: z.boolean().optional() }).optional(),
    'Contract terms a subscriber loses once over the line\'s fair-use volume ("{ vpnAllowed: false }").',
  ),
  firewall: doc(
    strictObject({
      default: z.enum(['accept', 'drop']).default('accept'),
      groups: doc(z.record(z.string(), z.array(text)).default({}), 'Named host groups: server names and CIDR blocks.'),
      rules: doc(z.array(ruleSchema).default([]), 'Evaluated in order; the first match wins.'),
    }).optional(),
    'The border firewall applied to subscribers\' traffic.',
  ),
  support: doc(
    strictObject({ callCost: doc(z.number().min(0).optional(), 'Cost of one support call, for the report.') }).optional(),
    'The ISP\'s support desk.',
  ),
});

/** An ISP as validated. */
export type IspSpec = z.output<typeof ispSchema>;
/** A firewall rule as validated. */
export type RuleSpecInput = z.output<typeof ruleSchema>;

function* defines(raw: unknown): Iterable<NameSite> {
  for (const { index, name: isp, item } of namedItems(raw)) {
    yield { kind: 'isp', name: isp, path: [index, 'name'] };
    const fw = item['firewall'] as Record<string, unknown> | undefined;
    for (const r of namedItems(fw?.['rules'])) yield { kind: 'rule', name: `${isp}/${r.name}`, path: [index, 'firewall', 'rules', r.index, 'name'] };
  }
}

function* uses(raw: unknown): Iterable<NameSite> {
  for (const { index, item } of namedItems(raw)) {
    const fw = item['firewall'] as Record<string, unknown> | undefined;
    for (const r of namedItems(fw?.['rules'])) {
      const action = r.item['action'] as Record<string, unknown> | undefined;
      if (typeof action === 'object' && action !== null && typeof action['to'] === 'string') {
        yield { kind: 'server', name: action['to'], path: [index, 'firewall', 'rules', r.index, 'action', 'to'] };
      }
      for (const end of ['source', 'destination'] as const) {
        const hosts = (r.item[end] as Record<string, unknown> | undefined)?.['hosts'];
        if (Array.isArray(hosts)) {
          for (const [i, h] of hosts.entries()) if (typeof h === 'string') yield { kind: 'server', name: h, path: [index, 'firewall', 'rules', r.index, end, 'hosts', i] };
        }
        const groups = (r.item[end] as Record<string, unknown> | undefined)?.['clientGroups'];
        if (Array.isArray(groups)) {
          for (const [i, g] of groups.entries()) if (typeof g === 'string') yield { kind: 'group', name: g, path: [index, 'firewall', 'rules', r.index, end, 'clientGroups', i] };
        }
      }
    }
  }
}

/** The `isps` section's entry in the world table. */
export const ispsSection = {
  schema: z.array(ispSchema).default([]),
  description: 'Access ISPs: prefixes, line classes and contracts, firewall rules.',
  definesKinds: ['isp', 'rule'],
  defines,
  uses,
} satisfies WorldSection;
