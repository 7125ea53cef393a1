/**
 * The `internet` and `dns` sections of a scenario's world: delays across the core between
 * ISPs, and the mail domains' MX records and SPF policies.
 *
 * @module
 */
import { z } from 'zod';
import { doc, duration, name, strictObject, text } from './fields.js';
import type { NameSite } from './names.js';
import type { WorldSection } from './world.js';

/** A one-way delay: fixed, or lognormal around a median. */
export const latencySchema = z.union([
  duration,
  strictObject({
    median: doc(duration, 'The typical one-way delay.'),
    sigma: doc(z.number().min(0).max(3), 'Spread of the lognormal (0 = fixed; 0.3 is a moderately jittery path).'),
  }),
]);

/** A delay as validated. */
export type LatencySpec = z.output<typeof latencySchema>;

const pathSchema = strictObject({
  between: doc(z.tuple([name, name]), 'The two ISPs.'),
  latency: doc(latencySchema, 'One-way delay between them.'),
});

/** The `internet` section. */
export const internetSchema = strictObject({
  latency: doc(latencySchema.prefault('30ms'), 'One-way delay between any two ISPs unless a path says otherwise (default 30ms).'),
  paths: doc(z.array(pathSchema).default([]), 'Delays between particular ISPs.'),
}).prefault({});

/** The `dns` section: MX records and SPF policies by domain. */
export const dnsSchema = strictObject({
  mx: doc(z.record(z.string(), z.array(name).min(1)).default({}), 'Mail domains and their exchangers, best first: `gmail.example: [mx.gmail.example]`.'),
  spf: doc(
    z
      .record(
        z.string(),
        strictObject({
          allow: doc(z.array(text).default([]), 'Who may send the domain\'s mail: server names, CIDR blocks, or `isp:NAME` for an ISP\'s subscribers.'),
          otherwise: doc(z.enum(['fail', 'softfail']).default('fail'), 'What `-all` / `~all` says of everyone else.'),
        }),
      )
      .default({}),
    'SPF records of sending domains.',
  ),
}).prefault({});

function* mxUses(raw: unknown): Iterable<NameSite> {
  if (typeof raw !== 'object' || raw === null) return;
  const mx = (raw as Record<string, unknown>)['mx'];
  if (typeof mx !== 'object' || mx === null) return;
  for (const [domain, list] of Object.entries(mx as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    for (const [i, exchange] of list.entries()) if (typeof exchange === 'string') yield { kind: 'server', name: exchange, path: ['mx', domain, i] };
  }
}

function* pathUses(raw: unknown): Iterable<NameSite> {
  if (typeof raw !== 'object' || raw === null) return;
  const paths = (raw as Record<string, unknown>)['paths'];
  if (!Array.isArray(paths)) return;
  for (const [i, p] of paths.entries()) {
    const between = (p as Record<string, unknown> | null)?.['between'];
    if (!Array.isArray(between)) continue;
    for (const [j, n] of between.entries()) if (typeof n === 'string') yield { kind: 'isp', name: n, path: ['paths', i, 'between', j] };
  }
}

/** The `internet` section's entry in the world table. */
export const internetSection = {
  schema: internetSchema,
  description: 'The Internet core: one-way delays between ISPs.',
  uses: pathUses,
} satisfies WorldSection;

/** The `dns` section's entry in the world table. */
export const dnsSection = {
  schema: dnsSchema,
  description: 'DNS: MX records and SPF policies of mail domains (server names resolve by themselves).',
  uses: mxUses,
} satisfies WorldSection;

