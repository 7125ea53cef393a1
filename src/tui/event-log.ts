/**
 * The event log at the cursor: only the rows that fit are ever looked up, whatever the
 * trace's length. The newest record at or before the cursor is at the bottom; a selection
 * above it scrolls the window so that it stays in view.
 *
 * @module
 */
import type { Located, Trace } from '../trace/index.js';
import { logLine } from './format.js';
import { fit, type Line, seg } from './line.js';
import { newestVisible, type ReplayState, SEARCH_LIMIT } from './replay-state.js';

/** The records the log shows, oldest first, and which of them is selected. */
export interface LogWindow {
  rows: Located[];
  /** Position of the selected record, or of the newest one when none is selected. */
  selected?: number;
}

/** The records in a log of `height` rows for state `s`. */
export function logWindow(trace: Trace, s: Pick<ReplayState, 'cursor' | 'selected' | 'filter'>, height: number): LogWindow {
  if (height <= 0) return { rows: [] };
  const newest = newestVisible(s, trace);
  if (newest === undefined) return { rows: [] };
  const match = s.filter?.match ?? (() => true);
  const hint = { kinds: s.filter?.kinds };
  // Keep the selection in view: the window ends half a page below it, or at the newest.
  let bottom = newest;
  if (s.selected !== undefined) {
    let b = s.selected;
    for (let k = 0; k < Math.floor(height / 2); k++) {
      const next = trace.find(match, b + 1, 1, hint, SEARCH_LIMIT);
      if (next === undefined || next.index > newest) break;
      b = next.index;
    }
    bottom = b;
  }
  const rows: Located[] = [];
  let i = bottom;
  while (rows.length < height) {
    const found = trace.find(match, i, -1, hint, SEARCH_LIMIT);
    if (found === undefined) break;
    rows.push(found);
    i = found.index - 1;
  }
  rows.reverse();
  return { rows, selected: s.selected ?? newest };
}

/** The log's lines, `width` wide, with a `›` and the selected tone on the selected row. */
export function logLines(win: LogWindow, width: number, focused: boolean): Line[] {
  return win.rows.map(({ index, event }) => {
    const sel = index === win.selected;
    const line = fit([seg(sel ? (focused ? '›' : '·') : ' ', 'cursor'), ...logLine(event)], width);
    return sel && focused ? line.map((x) => ({ ...x, tone: 'selected' as const })) : line;
  });
}
