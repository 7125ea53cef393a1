/**
 * The frontier of a sweep: the grid points that no other point beats on both counts — more
 * spam stopped for no more legitimate mail harmed — drawn as a scatter chart for the terminal.
 *
 * @module
 */

/** A point of the sweep, averaged over its seeds. */
export interface TradeOff {
  /** A short description: the values set (`limit=10/day action=drop`). */
  label: string;
  /** Share of spam stopped, 0 to 1 (0 when there was no spam). */
  spamStopped: number;
  /** Share of legitimate mail harmed (not delivered on time), 0 to 1. */
  legitHarmed: number;
}

/**
 * The indices of the points on the frontier, by harm then spam stopped: those that no other
 * point dominates (stops at least as much spam for at most as much harm, and is better on one).
 */
export function frontier(points: readonly TradeOff[]): number[] {
  const on: number[] = [];
  points.forEach((p, i) => {
    const dominated = points.some(
      (q) => q.spamStopped >= p.spamStopped && q.legitHarmed <= p.legitHarmed && (q.spamStopped > p.spamStopped || q.legitHarmed < p.legitHarmed),
    );
    if (!dominated) on.push(i);
  });
  return on.sort((a, b) => (points[a] as TradeOff).legitHarmed - (points[b] as TradeOff).legitHarmed || (points[b] as TradeOff).spamStopped - (points[a] as TradeOff).spamStopped || a - b);
}

const MARKS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function pct(x: number): string {
  const p = x * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** The smallest of 1, 2, 5 × 10^k at or above x (an axis end that reads well). */
function niceCeil(x: number): number {
  if (x <= 0) return 0.01;
  const k = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 2, 5, 10]) if (m * k >= x - 1e-12) return m * k;
  return 10 * k;
}

/**
 * The frontier as lines of text: a chart (harm across, spam stopped up), frontier points as
 * letters and the others as dots, then a legend of the frontier points. Points with the same
 * trade-off share a letter.
 */
export function frontierChart(points: readonly TradeOff[], options: { width?: number; height?: number } = {}): string[] {
  const width = options.width ?? 56;
  const height = options.height ?? 11; // odd, so the middle row has a round label
  if (points.length === 0) return ['(no points)'];
  const on = frontier(points);
  // One letter per distinct trade-off on the frontier, in frontier order.
  const letters: { point: TradeOff; labels: string[] }[] = [];
  for (const i of on) {
    const p = points[i] as TradeOff;
    const same = letters.find((l) => l.point.spamStopped === p.spamStopped && l.point.legitHarmed === p.legitHarmed);
    if (same === undefined) letters.push({ point: p, labels: [p.label] });
    else same.labels.push(p.label);
  }
  const xMax = niceCeil(Math.max(...points.map((p) => p.legitHarmed)));
  const yMin = Math.min(...points.map((p) => p.spamStopped));
  const yLo = Math.max(0, Math.floor(yMin * 10) / 10 - (yMin > 0.05 ? 0.1 : 0));
  const yHi = 1;
  const grid: string[][] = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  const place = (p: TradeOff): [number, number] => [
    Math.min(width - 1, Math.round((p.legitHarmed / xMax) * (width - 1))),
    Math.min(height - 1, Math.max(0, Math.round(((p.spamStopped - yLo) / (yHi - yLo)) * (height - 1)))),
  ];
  const onSet = new Set(on);
  // Dominated points first, so that a frontier letter wins a shared cell.
  points.forEach((p, i) => {
    if (onSet.has(i)) return;
    const [x, y] = place(p);
    const row = grid[height - 1 - y] as string[];
    if (row[x] === ' ') row[x] = '·';
  });
  letters.forEach((l, k) => {
    const [x, y] = place(l.point);
    (grid[height - 1 - y] as string[])[x] = MARKS[k] ?? '*';
  });
  const mid = Math.floor((height - 1) / 2);
  const out: string[] = ['spam stopped'];
  grid.forEach((row, r) => {
    const label = r === 0 ? pct(yHi) : r === height - 1 ? pct(yLo) : r === mid ? pct(yHi - ((yHi - yLo) * mid) / (height - 1)) : '';
    out.push(`${label.padStart(6)} ┤${row.join('')}`);
  });
  out.push(`${' '.repeat(7)}└${'─'.repeat(width)}`);
  out.push(`${' '.repeat(8)}${pct(0)}${pct(xMax / 2).padStart(Math.floor(width / 2))}${pct(xMax).padStart(width - Math.floor(width / 2) - pct(0).length)}  legitimate mail harmed`);
  out.push('');
  letters.forEach((l, k) => {
    const lead = `  ${MARKS[k] ?? '*'}  stops ${pct(l.point.spamStopped).padStart(5)} of spam, harms ${pct(l.point.legitHarmed).padStart(5)} of legitimate mail:  `;
    out.push(`${lead}${l.labels[0] as string}`);
    for (const label of l.labels.slice(1)) out.push(`${' '.repeat(lead.length)}${label}`);
  });
  const others = points.length - on.length;
  if (others > 0) out.push(`  ·  ${others} other point${others === 1 ? '' : 's'}: another point stops at least as much spam for no more harm`);
  return out;
}
