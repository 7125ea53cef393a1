/**
 * The `clientGroups` section: groups of subscribers that behave alike — their ISP and line,
 * operating system, mail program set-up, how much mail they send to whom and when, and the
 * share of their machines that are spam-sending zombies.
 *
 * @module
 */
import { z } from 'zod';
import { formatDuration } from '../engine/index.js';
import { doc, duration, name, rate, share, size, strictObject, text } from './fields.js';
import type { NameSite } from './names.js';
import { namedItems, type WorldSection } from './world.js';

/** Named hour-of-day profiles: office hours, evenings at home, flat. */
export const DIURNAL_PROFILES = ['flat', 'office', 'evening'] as const;

const OS_NAMES = ['linux', 'linux-classic', 'windows', 'macos'] as const;

/** Where a group's mail goes: destination domains with shares. */
const destinationsSchema = z.record(z.string(), share);

/** A mail program's set-up. */
export const mailClientSchema = strictObject({
  server: doc(name, 'The outgoing server.'),
  port: doc(z.int().min(1).max(65535).default(25), '25, 587, 465 or an alternate port.'),
  tls: doc(z.enum(['none', 'starttls', 'implicit']).default('none'), '`starttls` upgrades and insists; `implicit` is TLS from the start (465).'),
  auth: doc(z.enum(['none', 'valid', 'wrong-password']).default('none'), 'Whether it authenticates, and with what.'),
});

/** A mail program's set-up as validated. */
export type MailClientSpec = z.output<typeof mailClientSchema>;

const VPN_PROTOCOL_NAMES = ['ipsec', 'l2tp-ipsec', 'pptp', 'openvpn', 'wireguard', 'ssl-vpn'] as const;

/** A VPN client's set-up. */
export const vpnClientSchema = strictObject({
  protocol: doc(z.enum(VPN_PROTOCOL_NAMES), 'The VPN protocol.'),
  server: doc(name, 'The VPN gateway (a server with a matching `vpn` service).'),
  transport: doc(z.enum(['udp', 'tcp']).optional(), 'OpenVPN only: UDP (default) or TCP.'),
  port: doc(z.int().min(1).max(65535).optional(), 'OpenVPN, WireGuard or SSL VPN: the port, if not the default.'),
  nat: doc(z.boolean().optional(), 'IPsec: the client is behind NAT, so IKE and ESP ride in UDP 4500 (default true).'),
});

/** One place a roaming client goes to. */
const stopSchema = strictObject({
  at: doc(duration, 'When in each period the client arrives here ("9h" for nine in the morning when the period is a day).'),
  location: doc(name, 'The place, as the report names it ("office", "home", "cafe").'),
  isp: doc(name, 'The ISP of the network there.'),
  line: doc(name, 'The line class of the network there.'),
});

/** When zombies send: `length` in every `every`. */
const burstsSchema = strictObject({
  every: doc(duration, 'The period of the campaigns: "1d".'),
  length: doc(duration, 'How long each campaign lasts, more than 0 and at most `every`: "2h".'),
}).superRefine((b, ctx) => {
  if (!(b.every > 0)) ctx.addIssue({ code: 'custom', path: ['every'], message: 'the period of the bursts must be longer than 0' });
  if (!(b.length > 0)) ctx.addIssue({ code: 'custom', path: ['length'], message: 'a burst must last longer than 0' });
  else if (b.every > 0 && b.length > b.every) {
    ctx.addIssue({ code: 'custom', path: ['length'], message: `a burst of ${formatDuration(b.length)} cannot last longer than its period (every: ${formatDuration(b.every)})` });
  }
});

/** What users do when sending keeps failing. */
export const behaviourSchema = strictObject({
  reconfigure: doc(
    strictObject({
      after: doc(z.int().min(1).default(3), 'Failed sends in a row before the user looks for a fix.'),
      share: doc(share.prefault(1), 'The share of users who find one.'),
      delay: doc(duration.prefault('1d'), 'How long it takes them, on average (exponentially distributed).'),
      to: doc(
        strictObject({
          server: name.optional(),
          port: z.int().min(1).max(65535).optional(),
          tls: z.enum(['none', 'starttls', 'implicit']).optional(),
          auth: z.enum(['none', 'valid', 'wrong-password']).optional(),
        }),
        'The new mail settings ("port: 587, tls: starttls").',
      ),
    }).optional(),
    'Users who change their mail settings after failures.',
  ),
  support: doc(
    strictObject({
      after: doc(z.int().min(1).default(2), 'Failed sends in a row before the user calls.'),
      share: doc(share.prefault(0.3), 'The share of users who call their ISP\'s support.'),
    }).optional(),
    'Users who call support.',
  ),
  giveUp: doc(
    strictObject({
      after: doc(z.int().min(1).default(5), 'Failed sends in a row before the user stops sending.'),
      share: doc(share.prefault(0.1), 'The share of users who give up.'),
    }).optional(),
    'Users who give up sending mail.',
  ),
});

/** One client group. */
export const groupSchema = strictObject({
  name: doc(name, 'The group\'s name ("adsl-users").'),
  isp: doc(name, 'The ISP the group subscribes to.'),
  line: doc(name, 'The line class, one of the ISP\'s `lines`.'),
  count: doc(z.int().min(1).max(10_000_000), 'How many subscribers.'),
  os: doc(
    z.union([z.enum(OS_NAMES), z.partialRecord(z.enum(OS_NAMES), share)]).default('windows'),
    'Operating system, or a mix: `{ windows: 70%, macos: 30% }`. It decides connect timeouts and error texts.',
  ),
  domain: doc(text.optional(), 'The domain in the users\' addresses (default: the group name + ".example").'),
  send: doc(
    strictObject({
      rate: doc(rate, 'Legitimate messages per user: "5/day".'),
      spread: doc(z.number().min(0).max(5).default(0), 'Spread between users (coefficient of variation of a lognormal; 0 = everyone alike, 1 = heavy-tailed).'),
      diurnal: doc(z.union([z.enum(DIURNAL_PROFILES), z.array(z.number().min(0)).length(24)]).default('flat'), 'When in the day mail is sent: a named profile or 24 hourly weights.'),
      to: doc(destinationsSchema, 'Destination domains with their shares: `{ gmail.example: 60%, btinternet.example: 40% }`.'),
      size: doc(size.prefault('20KB'), 'Message size.'),
    }).optional(),
    'The legitimate mail the users send.',
  ),
  mailClient: doc(mailClientSchema.optional(), 'How their mail programs are set up.'),
  zombies: doc(
    strictObject({
      share: doc(share, 'The share of the group\'s machines that are zombies.'),
      rate: doc(rate, 'Spam per zombie while active: "200/hour".'),
      to: doc(destinationsSchema, 'Domains the spam goes to.'),
      via: doc(z.enum(['direct', 'smart-host']).default('direct'), '`direct`: straight to the recipients\' MX on port 25; `smart-host`: through the group\'s configured server.'),
      size: doc(size.prefault('5KB'), 'Spam size.'),
      bursts: doc(burstsSchema.optional(), 'Spam campaigns: each zombie sends at `rate` for `length` in every `every`, from a moment of the period drawn for it, and nothing in between. Without it, zombies send all the time.'),
      adapt: doc(
        strictObject({
          after: doc(z.int().min(1).default(10), 'Failed sends in a row before the zombie changes tactics.'),
          to: doc(mailClientSchema.optional(), 'Where it then sends: the ISP\'s smart host, or a submission port with stolen credentials.'),
          slowDown: doc(z.number().min(1).max(1000).optional(), 'When throttled (a 4xx reply), send this many times more slowly from then on.'),
        }).optional(),
        'Zombies that adapt to a block.',
      ),
    }).optional(),
    'Spam-sending zombies among the group\'s machines.',
  ),
  vpn: doc(vpnClientSchema.optional(), 'A VPN the clients bring up at the start and after every move; their mail then goes through it.'),
  roaming: doc(
    strictObject({
      every: doc(duration.prefault('1d'), 'The length of the schedule, repeated (default a day).'),
      stops: doc(z.array(stopSchema).min(1), 'Where the clients are, from each `at` on.'),
    }).optional(),
    'Laptops that move between networks on a schedule, keeping their settings.',
  ),
  behaviour: doc(behaviourSchema.optional(), 'What users do when sending keeps failing.'),
  note: doc(text.optional(), 'Who these users are, for the reader.'),
});

/** A client group as validated. */
export type GroupSpec = z.output<typeof groupSchema>;

function* defines(raw: unknown): Iterable<NameSite> {
  for (const { index, name: n } of namedItems(raw)) yield { kind: 'group', name: n, path: [index, 'name'] };
}

function* uses(raw: unknown): Iterable<NameSite> {
  for (const { index, item } of namedItems(raw)) {
    if (typeof item['isp'] === 'string') yield { kind: 'isp', name: item['isp'], path: [index, 'isp'] };
    const vpn = item['vpn'] as Record<string, unknown> | undefined;
    if (typeof vpn?.['server'] === 'string') yield { kind: 'server', name: vpn['server'], path: [index, 'vpn', 'server'] };
    const stops = (item['roaming'] as Record<string, unknown> | undefined)?.['stops'];
    if (Array.isArray(stops)) {
      for (const [i, st] of stops.entries()) {
        const isp = (st as Record<string, unknown> | null)?.['isp'];
        if (typeof isp === 'string') yield { kind: 'isp', name: isp, path: [index, 'roaming', 'stops', i, 'isp'] };
      }
    }
    const mc = item['mailClient'] as Record<string, unknown> | undefined;
    if (typeof mc?.['server'] === 'string') yield { kind: 'server', name: mc['server'], path: [index, 'mailClient', 'server'] };
  }
}

/** The `clientGroups` section's entry in the world table. */
export const groupsSection = {
  schema: z.array(groupSchema).default([]),
  description: 'Groups of subscribers: count, line, OS, mail client, sending rate, zombies.',
  definesKinds: ['group'],
  defines,
  uses,
} satisfies WorldSection;
