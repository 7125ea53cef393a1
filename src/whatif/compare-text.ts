/**
 * A comparison as text: the trade-off table, one column per variant, and the collateral
 * damage, in brief or (`--diff`) customer by customer. Plain text, no colour.
 *
 * @module
 */
import { formatClock, formatDuration } from '../engine/index.js';
import type { CauseGroup, Collateral } from './collateral.js';
import type { Comparison, VariantEstimate } from './compare.js';

const LABEL = 30;

function thousands(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** A count or a mean of counts: whole numbers as such, small fractions to one decimal. */
function num(x: number): string {
  if (Number.isInteger(x) || Math.abs(x) >= 100) return thousands(Math.round(x));
  return x.toFixed(1);
}

function cell(e: VariantEstimate): string {
  return e.halfWidth === null ? num(e.mean) : `${num(e.mean)} ±${num(e.halfWidth)}`;
}

function diffCell(e: VariantEstimate): string {
  const sign = e.mean > 0 ? '+' : e.mean < 0 ? '−' : '';
  const mean = `${sign}${num(Math.abs(e.mean))}`;
  if (e.halfWidth === null) return mean;
  if (e.halfWidth === 0 && e.mean === 0) return '0';
  // An interval clear of zero: the variant really differs (at the chosen confidence).
  const clear = e.lo !== null && e.hi !== null && (e.lo > 0 || e.hi < 0);
  return `${mean} ±${num(e.halfWidth)}${clear ? '*' : ' '}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function lpad(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

function plural(n: number, word: string): string {
  return `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
}

function seedsText(seeds: readonly string[]): string {
  if (seeds.length <= 4) return seeds.join(', ');
  return `${seeds[0]}…${seeds[seeds.length - 1]}`;
}

/** The trade-off table. */
export function formatComparisonTable(c: Comparison): string[] {
  const out: string[] = [];
  const n = c.seeds.length;
  const pct = Math.round(c.confidence * 100);
  out.push(c.scenario.title);
  out.push(`${c.variants.length} variants × ${plural(n, 'seed')} (${seedsText(c.seeds)}), ${formatDuration(c.simulatedSeconds)} simulated each; late = delivered after ${formatDuration(c.lateAfter)}`);
  out.push(
    n > 1
      ? `Each figure: mean ±${pct}% confidence half-width over seeds (Student t). Δ: paired difference from ${c.baseline}; * when its interval excludes 0.`
      : `One seed: no intervals (use --seeds 5 or more for error bars). Δ: difference from ${c.baseline}.`,
  );
  out.push('');
  const width = c.variants.map((v, i) => {
    let w = Math.max(v.length, 8);
    for (const f of c.figures) {
      w = Math.max(w, cell(f.variants[i] as VariantEstimate).length);
      if (i > 0) w = Math.max(w, diffCell(f.differences[i - 1] as VariantEstimate).length);
    }
    return w + 3;
  });
  out.push(pad('', LABEL) + c.variants.map((v, i) => lpad(v, width[i] as number)).join(''));
  for (const f of c.figures) {
    out.push(pad(f.label, LABEL) + f.variants.map((e, i) => lpad(cell(e), width[i] as number)).join(''));
    const deltas = f.differences.map((e, i) => lpad(diffCell(e), width[i + 1] as number)).join('');
    out.push(pad(`  Δ vs ${c.baseline}`, LABEL) + lpad('', width[0] as number) + deltas);
  }
  const failed = c.runs.filter((r) => r.failedExpectations.length > 0);
  if (failed.length > 0) {
    out.push('', 'Expectations not met');
    for (const r of failed.slice(0, 8)) out.push(`  ${r.variant}, seed ${r.seed}: ${r.failedExpectations.join('; ')}`);
    if (failed.length > 8) out.push(`  … and ${failed.length - 8} more runs`);
  }
  return out;
}

function customers(g: CauseGroup): number {
  return g.clients.length;
}

function changesText(g: CauseGroup): string {
  return Object.entries(g.changes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${thousands(v)}`)
    .join(', ');
}

/** One line per variant: how many customers and messages fare worse, and the main causes. */
export function formatCollateralSummary(c: Comparison): string[] {
  const out: string[] = ['', `Collateral damage: legitimate mail that fares worse than under ${c.baseline} (or later by more than ${formatDuration(c.threshold)})`];
  for (const d of c.collateral) {
    const worse = d.worse.reduce((n, g) => n + g.messages, 0);
    const better = d.better.reduce((n, g) => n + g.messages, 0);
    const who = new Set(d.worse.flatMap((g) => g.clients.map((x) => `${x.group}/${x.client}`))).size;
    out.push(`  ${d.variant}: ${worse === 0 ? 'no message fares worse' : `${plural(worse, 'message')} of ${plural(who, 'customer')} fare worse`}; ${plural(better, 'message')} fare better`);
    for (const g of d.worse.slice(0, 3)) out.push(`    ${thousands(g.messages)} by ${g.cause}`);
    if (d.worse.length > 3) out.push(`    … and ${d.worse.length - 3} more causes`);
    if (d.unpaired > 0) out.push(`    (${plural(d.unpaired, 'message')} could not be paired: the variant changes who writes what)`);
  }
  if (c.collateral.some((d) => d.worse.length > 0)) out.push('  portsim compare --diff lists the customers; --json gives every message.');
  return out;
}

/** The most customers listed per cause in the text; the JSON has them all. */
const CLIENTS_SHOWN = 12;
const EXAMPLES_SHOWN = 2;

function causeBlock(g: CauseGroup, direction: 'worse' | 'better', seeds: number): string[] {
  const out: string[] = [];
  out.push(`  ${g.cause}${direction === 'better' ? ' (no longer)' : ''}: ${plural(g.messages, 'message')} of ${plural(customers(g), 'customer')} — ${changesText(g)}`);
  for (const who of g.clients.slice(0, CLIENTS_SHOWN)) {
    const mine = g.list.filter((m) => m.group === who.group && m.client === who.client).slice(0, EXAMPLES_SHOWN);
    const examples = mine.map((m) => `msg ${m.id}${seeds > 1 ? ` (seed ${m.seed})` : ''} written ${formatClock(m.createdAt)}: ${m.change}`).join('; ');
    out.push(`    ${pad(`${who.group}/${who.client}`, 22)} ${lpad(plural(who.messages, 'message'), 13)}  ${examples}${who.messages > mine.length ? '; …' : ''}`);
  }
  if (g.clients.length > CLIENTS_SHOWN) out.push(`    … and ${plural(g.clients.length - CLIENTS_SHOWN, 'more customer')}`);
  return out;
}

/** The collateral damage of each variant, customer by customer (`--diff`). */
export function formatCollateralDetail(c: Comparison): string[] {
  const out: string[] = [];
  for (const d of c.collateral) out.push('', ...collateralBlock(d, c.seeds.length));
  return out;
}

function collateralBlock(d: Collateral, seeds: number): string[] {
  const out: string[] = [`${d.variant} against ${d.baseline}: ${plural(d.compared, 'legitimate message')} compared over ${plural(seeds, 'seed')}`];
  if (d.worse.length === 0) out.push('  no message fares worse');
  else out.push('Fare worse, by the rule or reply that caused it:', ...d.worse.flatMap((g) => causeBlock(g, 'worse', seeds)));
  if (d.better.length > 0) out.push('Fare better, by what the variant took away:', ...d.better.flatMap((g) => causeBlock(g, 'better', seeds)));
  if (d.unpaired > 0) out.push(`  ${plural(d.unpaired, 'message')} could not be paired: the variant changes who writes what`);
  return out;
}

/** The whole comparison as text. */
export function formatComparison(c: Comparison, options: { diff?: boolean } = {}): string {
  const lines = [...formatComparisonTable(c), ...(options.diff === true ? formatCollateralDetail(c) : formatCollateralSummary(c))];
  return `${lines.join('\n')}\n`;
}
