/**
 * Sparklines of the run's totals over time, drawn up to the cursor. The scale is the whole
 * run's, so bars do not change height while the replay plays.
 *
 * @module
 */
import type { Seconds } from '../engine/index.js';
import type { Series, SeriesName } from '../trace/index.js';

const BARS = '▁▂▃▄▅▆▇█';

/** The value of series `name` at time `t` (0 before the first sample). */
function valueAt(series: Series, name: SeriesName, t: Seconds): number {
  const values = series.values[name];
  const i = Math.floor(t / series.bucket) - 1;
  if (i < 0) return 0;
  return values[Math.min(values.length - 1, i)] ?? 0;
}

/**
 * The bars of one series across `width` cells spanning the run; cells after time `t` are
 * blank. Cumulative series (delivered, deferred, bounced) show what happened in each cell;
 * `queued` shows its level at the end of each cell.
 */
export function sparkline(series: Series, name: SeriesName, end: Seconds, t: Seconds, width: number): string {
  if (width <= 0) return '';
  const cells: number[] = [];
  const step = end > 0 ? end / width : 0;
  for (let c = 0; c < width; c++) {
    const a = valueAt(series, name, c * step);
    const b = valueAt(series, name, (c + 1) * step);
    cells.push(name === 'queued' ? b : Math.max(0, b - a));
  }
  const max = Math.max(1, ...cells);
  let out = '';
  for (let c = 0; c < width; c++) {
    if (end > 0 && c * step >= t && t < end) {
      out += ' ';
      continue;
    }
    // The cell the cursor is in shows only what happened before the cursor.
    const a = valueAt(series, name, c * step);
    const b = valueAt(series, name, Math.min((c + 1) * step, t));
    const v = name === 'queued' ? b : Math.max(0, b - a);
    out += v === 0 ? '▁' : (BARS[Math.min(BARS.length - 1, 1 + Math.floor((v / max) * (BARS.length - 2)))] as string);
  }
  return out;
}
