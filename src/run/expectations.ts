/**
 * Checks a scenario's expectations against a run: each metric is measured on the report (or,
 * for mail delays, on the run's tally of every delivered message), turned into the expectation's unit (a share of the
 * messages sent, or of the clients for `usersAffected`), and compared.
 *
 * @module
 */
import { formatDuration } from '../engine/index.js';
import { type ExpectationReport, quantile, type RunReport, Samples } from '../metrics/index.js';
import { BASE_VARIANT, type Expectation, meets, type Scenario } from '../scenario/index.js';
import type { World } from '../world/index.js';
import type { MailTally } from './mail-tally.js';

/** The expectations of `scenario` that apply to `variant`, checked against the run. */
export function checkExpectations(scenario: Scenario, variant: string | null, report: RunReport, world: World, tally: MailTally): ExpectationReport[] {
  const out: ExpectationReport[] = [];
  for (const x of scenario.expectations) {
    if (x.variants !== undefined && !x.variants.includes(variant ?? BASE_VARIANT)) continue;
    const actual = measure(x, report, world, tally);
    const passed = actual !== null && meets(actual, x);
    out.push({ text: x.text, passed, actual, actualText: actualText(actual, x), ...(x.note === undefined ? {} : { note: x.note }) });
  }
  return out;
}

function actualText(actual: number | null, x: Expectation): string {
  if (actual === null) return 'nothing to measure';
  if (x.value.unit === 'share') return `${(Math.round(actual * 1000) / 10).toString()}%`;
  if (x.value.unit === 'seconds') return formatDuration(actual);
  return String(actual);
}

/** The measured value in the expectation's unit, or null when there is nothing to measure. */
function measure(x: Expectation, report: RunReport, world: World, tally: MailTally): number | null {
  const s = x.subject;
  switch (s.kind) {
    case 'server': {
      const r = report.servers.find((v) => v.server === s.name);
      return r === undefined ? null : (r[x.metric as 'accepted' | 'deferred' | 'rejected' | 'queuePeak'] ?? null);
    }
    case 'rule': {
      const [isp, rule] = [s.name.slice(0, s.name.indexOf('/')), s.name.slice(s.name.indexOf('/') + 1)];
      return report.rules.find((r) => r.isp === isp && r.rule === rule)?.hits ?? null;
    }
    case 'isp': {
      if (x.metric === 'supportCalls') return report.supportCallsByIsp[s.name] ?? 0;
      const isp = world.isps.get(s.name)?.isp;
      return report.listings.filter((l) => l.listed && isp !== undefined && isp.owns(addressOf(l.ip))).length;
    }
    case 'run':
      if (x.metric === 'events') return report.events;
      if (x.metric === 'supportCalls') return report.supportCalls;
      return report.listings.filter((l) => l.listed).length;
    case 'mail':
      return mailMetric(x, report, tally);
  }
}

function addressOf(text: string): number {
  const [a, b, c, d] = text.split('/')[0]!.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function mailMetric(x: Expectation, report: RunReport, tally: MailTally): number | null {
  const s = x.subject as Extract<Expectation['subject'], { kind: 'mail' }>;
  const groups = report.groups.filter((g) => (s.class === 'all' || g.class === s.class) && (s.group === undefined || g.group === s.group));
  const sum = (f: (g: (typeof groups)[number]) => number): number => groups.reduce((a, g) => a + f(g), 0);
  const sent = sum((g) => g.sent);
  const clients = sum((g) => g.clients);
  const asShare = (count: number, of: number): number | null => (x.value.unit === 'share' ? (of === 0 ? null : count / of) : count);
  const m = x.metric;
  if (m === 'delayP50' || m === 'delayP95' || m === 'delayMax') {
    const delays = Samples.sortedUnion(tally.select(s.class, s.group).map((c) => c.delays));
    if (m === 'delayMax') return delays.length === 0 ? null : (delays[delays.length - 1] as number);
    return quantile(delays, m === 'delayP50' ? 0.5 : 0.95);
  }

  switch (m) {
    case 'sent':
      return sent;
    case 'clients':
      return clients;
    case 'delivered':
    case 'late':
    case 'bounced':
    case 'failed':
    case 'queued':
      return asShare(sum((g) => g[m]), sent);
    case 'usersAffected':
      return asShare(sum((g) => g.usersAffected), clients);
    default:
      if (m.startsWith('userErrors.')) {
        const kind = m.slice('userErrors.'.length) as keyof (typeof groups)[number]['userErrors'];
        return asShare(sum((g) => g.userErrors[kind] ?? 0), sent);
      }
      return null;
  }
}
