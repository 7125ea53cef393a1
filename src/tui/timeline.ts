/**
 * The timeline: the whole run across the width, the played part drawn heavier than the rest,
 * a cursor, and a letter for each marker.
 *
 * @module
 */
import type { Seconds } from '../engine/index.js';
import type { Marker, MarkerKind } from '../trace/index.js';
import { duration } from './format.js';
import { type Line, seg } from './line.js';

/** The letter that marks each kind of marker on the timeline, and its legend. */
export const MARKER_GLYPH: Readonly<Record<MarkerKind, [string, string]>> = {
  expectation: ['X', 'failed expectation'],
  'first-reset': ['R', 'first reset'],
  'first-timeout': ['T', 'first timeout'],
  'first-bounce': ['B', 'first bounce'],
  change: ['!', 'timed change'],
  question: ['?', 'question'],
  caption: ['c', 'caption'],
};

/** Which marker shows when two share a cell: earlier in this list wins. */
const PRIORITY: readonly MarkerKind[] = ['expectation', 'first-reset', 'first-timeout', 'first-bounce', 'change', 'question', 'caption'];

function cellOf(t: Seconds, end: Seconds, width: number): number {
  if (end <= 0) return 0;
  return Math.max(0, Math.min(width - 1, Math.round((t / end) * (width - 1))));
}

/** The two timeline rows: the bar with markers and cursor, then the time scale. */
export function timelineLines(markers: readonly Marker[], t: Seconds, end: Seconds, width: number): [Line, Line] {
  const w = Math.max(2, width);
  const cursor = cellOf(t, end, w);
  const cells: (MarkerKind | undefined)[] = new Array<MarkerKind | undefined>(w).fill(undefined);
  for (const m of markers) {
    const c = cellOf(m.t, end, w);
    const here = cells[c];
    if (here === undefined || PRIORITY.indexOf(m.kind) < PRIORITY.indexOf(here)) cells[c] = m.kind;
  }
  const bar: Line = [];
  let run = '';
  let runTone: 'accent' | 'muted' = 'accent';
  const flush = (): void => {
    if (run !== '') bar.push(seg(run, runTone));
    run = '';
  };
  for (let i = 0; i < w; i++) {
    if (i === cursor) {
      flush();
      bar.push(seg('█', 'cursor'));
      continue;
    }
    const kind = cells[i];
    if (kind !== undefined) {
      flush();
      bar.push(seg(MARKER_GLYPH[kind][0], kind === 'caption' || kind === 'question' || kind === 'change' ? 'accent' : 'bad'));
      continue;
    }
    const tone = i < cursor ? 'accent' : 'muted';
    if (tone !== runTone) flush();
    runTone = tone;
    run += i < cursor ? '━' : '─';
  }
  flush();

  const left = '0s';
  const right = duration(end);
  const label = `▲ ${duration(t)}`;
  const at = Math.max(0, Math.min(w - label.length, cursor));
  const scale = new Array<string>(w).fill(' ');
  const put = (text: string, from: number): void => {
    for (let i = 0; i < text.length && from + i < w; i++) scale[from + i] = text[i] as string;
  };
  if (at > left.length) put(left, 0);
  if (at + label.length < w - right.length - 1) put(right, w - right.length);
  put(label, at);
  return [bar, [seg(scale.join(''), 'muted')]];
}
