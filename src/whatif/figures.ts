/**
 * The trade-off figures of a run: what a policy stops and what it costs, read from its report.
 * `portsim compare` shows one row per figure, `portsim sweep` one column.
 *
 * @module
 */
import type { RunReport } from '../metrics/index.js';

/** A figure's key, as in JSON and CSV. */
export type FigureKey =
  | 'spamSent'
  | 'spamDelivered'
  | 'legitSent'
  | 'legitDelivered'
  | 'legitLate'
  | 'legitBounced'
  | 'legitFailed'
  | 'legitQueued'
  | 'usersAffected'
  | 'supportCalls'
  | 'smartHostLoad'
  | 'listings';

/** One figure: how to read it from a report, and which way is better. */
export interface Figure {
  key: FigureKey;
  /** For tables. */
  label: string;
  /** `lower` when less is better for the ISP's customers and the Internet; `none` for context. */
  better: 'lower' | 'higher' | 'none';
  of(report: RunReport): number;
}

function sum(report: RunReport, cls: 'legit' | 'spam', field: 'sent' | 'delivered' | 'late' | 'bounced' | 'failed' | 'queued' | 'usersAffected'): number {
  let n = 0;
  for (const g of report.groups) if (g.class === cls) n += g[field];
  return n;
}

/** Every figure, in table order. */
export const FIGURES: readonly Figure[] = [
  { key: 'spamSent', label: 'spam written', better: 'none', of: (r) => sum(r, 'spam', 'sent') },
  { key: 'spamDelivered', label: 'spam that reached the Internet', better: 'lower', of: (r) => sum(r, 'spam', 'delivered') },
  { key: 'legitSent', label: 'legitimate mail written', better: 'none', of: (r) => sum(r, 'legit', 'sent') },
  { key: 'legitDelivered', label: 'legit delivered', better: 'higher', of: (r) => sum(r, 'legit', 'delivered') },
  { key: 'legitLate', label: 'legit delayed (late)', better: 'lower', of: (r) => sum(r, 'legit', 'late') },
  { key: 'legitBounced', label: 'legit bounced', better: 'lower', of: (r) => sum(r, 'legit', 'bounced') },
  { key: 'legitFailed', label: 'legit lost (never sent)', better: 'lower', of: (r) => sum(r, 'legit', 'failed') },
  { key: 'legitQueued', label: 'legit still queued at end', better: 'lower', of: (r) => sum(r, 'legit', 'queued') },
  { key: 'usersAffected', label: 'users affected', better: 'lower', of: (r) => sum(r, 'legit', 'usersAffected') },
  { key: 'supportCalls', label: 'support calls', better: 'lower', of: (r) => r.supportCalls },
  {
    key: 'smartHostLoad',
    label: 'smart-host load (accepted)',
    better: 'none',
    of: (r) => r.servers.filter((s) => s.role === 'smart-host').reduce((n, s) => n + s.accepted, 0),
  },
  { key: 'listings', label: 'reputation listings', better: 'lower', of: (r) => r.listings.filter((l) => l.listed).length },
];

/** Every figure's value for one run. */
export type Figures = Record<FigureKey, number>;

/** Reads every figure from a report. */
export function figuresOf(report: RunReport): Figures {
  return Object.fromEntries(FIGURES.map((f) => [f.key, f.of(report)])) as Figures;
}

/** Spam stopped: written but not delivered (blocked, refused, filtered or still stuck). */
export function spamStopped(f: Figures): number {
  return f.spamSent - f.spamDelivered;
}

/** Legitimate mail harmed: not delivered on time (late, bounced, lost or still queued). */
export function legitHarmed(f: Figures): number {
  return f.legitSent - (f.legitDelivered - f.legitLate);
}
