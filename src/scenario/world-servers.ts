/**
 * The `servers` section: mail servers (smart hosts, submission services, receiving MXs,
 * forwarders) with their ports, TLS, AUTH, relay rules and anti-spam policies, and how they
 * send mail on.
 *
 * @module
 */
import { z } from 'zod';
import { doc, duration, name, rate, share, strictObject, text } from './fields.js';
import type { NameSite } from './names.js';
import { namedItems, type WorldSection } from './world.js';

const listenerSchema = strictObject({
  port: doc(z.int().min(1).max(65535), 'The TCP port.'),
  tls: doc(z.enum(['none', 'starttls', 'implicit']).default('none'), '`starttls` offers STARTTLS; `implicit` is TLS from the first byte (465).'),
  auth: doc(z.enum(['optional', 'required']).default('optional'), '`required`: a submission port that refuses MAIL before AUTH (RFC 6409).'),
});

const dynamicListSchema = strictObject({
  name: doc(name, 'The list\'s name, as replies and the report show it.'),
  threshold: doc(z.int().min(1), 'Spam reports against one IP, within `window`, that get it listed.'),
  window: doc(duration.prefault('1d'), 'How long reports count.'),
  duration: doc(duration.prefault('2d'), 'How long a listing lasts.'),
  prefixThreshold: doc(z.int().min(1).optional(), 'Listed IPs in one /24 that get the whole /24 listed.'),
});

const staticListSchema = strictObject({
  name: doc(name, 'The list\'s name ("pbl").'),
  isps: doc(z.array(name).default([]), 'ISPs whose subscriber lines the list covers (their own servers are not covered).'),
  lineClasses: doc(z.array(name).optional(), 'Only these line classes of those ISPs.'),
  prefixes: doc(z.array(text).default([]), 'Further CIDR blocks covered.'),
});

const PROFILES = ['postfix', 'sendmail', 'exim', 'exchange'] as const;

/** How a server (or forwarder) sends mail on. */
export const mtaSchema = strictObject({
  profile: doc(z.enum(PROFILES).default('postfix'), 'Retry schedule, lifetime and defaults of a real MTA (REFERENCE.md §3).'),
  tls: doc(z.enum(['none', 'opportunistic', 'starttls']).default('opportunistic'), 'STARTTLS policy: `starttls` insists.'),
  requireTlsFor: doc(z.array(text).default([]), 'Destination domains for which TLS is required (MTA-STS-like).'),
  tlsFallback: doc(
    z.enum(['profile', 'defer', 'plaintext-after-backoff', 'plaintext-now']).default('profile'),
    'After a failed TLS handshake: `defer` (try TLS again later), plaintext after the minimal backoff (Postfix `may`), or at once (Exim).',
  ),
  concurrency: doc(z.int().min(1).default(20), 'Simultaneous deliveries per destination.'),
  relayHost: doc(
    strictObject({ server: name, port: z.int().min(1).max(65535).default(25), auth: z.boolean().default(false) }).optional(),
    'Send everything through this server instead of looking up MX records.',
  ),
}).prefault({});

/** One server. */
export const serverSchema = strictObject({
  name: doc(name, 'The server\'s DNS name ("smtp.lime.example").'),
  isp: doc(name, 'The ISP that hosts it (its own servers are not behind its subscriber firewall).'),
  line: doc(
    name.optional(),
    'A line class of its ISP: the server sits on a subscriber line of that class (an office server on ADSL), behind the ISP\'s border firewall, instead of in the ISP\'s data centre.',
  ),
  role: doc(z.enum(['smart-host', 'submission', 'mx', 'forwarder']).default('mx'), 'What the server is for (shown in reports).'),
  listen: doc(z.array(listenerSchema).min(1).prefault([{ port: 25 }]), 'Ports it listens on.'),
  tls: doc(
    strictObject({
      handshake: doc(z.enum(['ok', 'no-shared-cipher']).default('ok'), '`no-shared-cipher`: every handshake fails (a broken TLS set-up).'),
      certificate: doc(z.enum(['trusted', 'self-signed']).default('trusted'), 'Mail programs refuse a self-signed certificate; MTAs do not check.'),
    }).optional(),
    'TLS set-up, for ports with STARTTLS or implicit TLS.',
  ),
  auth: doc(z.boolean().default(false), 'Offers SMTP AUTH to the clients configured to use it.'),
  domains: doc(z.array(text).default([]), 'Mail domains whose mailboxes are here: mail for them is delivered.'),
  relayFor: doc(z.array(name).default([]), 'ISPs whose addresses may relay without AUTH ("authorised lines"; a VPN gateway\'s clients have addresses of its ISP).'),
  limits: doc(
    strictObject({
      perIp: doc(
        strictObject({
          limit: doc(rate, 'Messages accepted per sending IP: "49/day".'),
          reply: doc(z.enum(['too-many-messages', 'rate-limited', 'receiving-too-fast']).default('too-many-messages'), 'The reply past the limit (BT: 421 Too many messages).'),
          window: doc(z.enum(['fixed', 'sliding']).default('fixed'), 'Fixed calendar windows (reset at midnight for /day) or a sliding window.'),
        }).optional(),
        'A limit per sending IP.',
      ),
      perUser: doc(rate.optional(), 'Messages accepted per authenticated user: "100/hour".'),
    }).optional(),
    'Throttles.',
  ),
  spamFilter: doc(share.optional(), 'Outbound spam filter: the share of spam it catches and refuses.'),
  spf: doc(z.enum(['reject', 'score']).optional(), 'Check SPF: `reject` refuses failures, `score` counts them against the sender\'s IP.'),
  reputation: doc(
    strictObject({
      reportRate: doc(share.default(0.3), 'The share of delivered spam that its users report.'),
      lists: doc(z.array(z.union([staticListSchema, dynamicListSchema])).default([]), 'A static policy list (like a PBL) and/or a dynamic spam list.'),
    }).optional(),
    'Blocklists checked at RCPT, fed by spam reports.',
  ),
  greylist: doc(z.union([z.boolean(), duration]).optional(), 'Greylisting, with its delay (true = 5m).'),
  mta: doc(mtaSchema, 'How it sends accepted mail that is not for its own domains.'),
  forward: doc(z.record(z.string(), text).default({}), 'For forwarders: address or domain → where its mail goes ("shop.example: owner@btinternet.example").'),
  vpn: doc(
    z
      .array(
        strictObject({
          protocol: z.enum(['ipsec', 'l2tp-ipsec', 'pptp', 'openvpn', 'wireguard', 'ssl-vpn']),
          transport: z.enum(['udp', 'tcp']).optional(),
          port: z.int().min(1).max(65535).optional(),
        }),
      )
      .default([]),
    'VPN services this host offers as a gateway ("{ protocol: openvpn, transport: tcp, port: 443 }").',
  ),
  note: doc(text.optional(), 'What the server is, for the reader.'),
});

/** A server as validated. */
export type ServerSpec = z.output<typeof serverSchema>;

function* defines(raw: unknown): Iterable<NameSite> {
  for (const { index, name: n } of namedItems(raw)) yield { kind: 'server', name: n, path: [index, 'name'] };
}

function* uses(raw: unknown): Iterable<NameSite> {
  for (const { index, item } of namedItems(raw)) {
    if (typeof item['isp'] === 'string') yield { kind: 'isp', name: item['isp'], path: [index, 'isp'] };
    const relay = item['relayFor'];
    if (Array.isArray(relay)) for (const [i, n] of relay.entries()) if (typeof n === 'string') yield { kind: 'isp', name: n, path: [index, 'relayFor', i] };
    const mta = item['mta'] as Record<string, unknown> | undefined;
    const rh = mta?.['relayHost'] as Record<string, unknown> | undefined;
    if (typeof rh?.['server'] === 'string') yield { kind: 'server', name: rh['server'], path: [index, 'mta', 'relayHost', 'server'] };
  }
}

/** The `servers` section's entry in the world table. */
export const serversSection = {
  schema: z.array(serverSchema).default([]),
  description: 'Mail servers: smart hosts, submission services, receiving MXs and forwarders.',
  definesKinds: ['server'],
  defines,
  uses,
} satisfies WorldSection;
