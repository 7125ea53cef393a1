/**
 * The outcome table: what a run's mail, connections and people came to, as rows of numbers;
 * one column per run when comparing variants, with the change between them.
 *
 * @module
 */
import type { AggregateState } from '../trace/index.js';
import { count } from './format.js';
import { type Line, padLeft, padRight, seg, type Tone } from './line.js';
import { lost } from './world.js';

/** One measure of a run, and whether more of it is good. */
interface Measure {
  label: string;
  value: (s: AggregateState) => number;
  better: 'more' | 'less' | 'neither';
}

function sum(s: AggregateState, f: (g: AggregateState['groups'][string]) => number): number {
  return Object.values(s.groups).reduce((a, g) => a + f(g), 0);
}

/** The measures of the outcome table, in order. */
export const MEASURES: readonly Measure[] = [
  { label: 'legit mail sent', value: (s) => sum(s, (g) => g.legit.created), better: 'neither' },
  { label: '  ✓ delivered', value: (s) => sum(s, (g) => g.legit.delivered), better: 'more' },
  { label: '  ⋯ still queued', value: (s) => sum(s, (g) => g.legit.queued), better: 'less' },
  { label: '  ↻ deferrals', value: (s) => sum(s, (g) => g.legit.deferred), better: 'less' },
  { label: '  ↩ bounced', value: (s) => sum(s, (g) => g.legit.bounced), better: 'less' },
  { label: '  ✗ lost', value: (s) => sum(s, (g) => lost(g.legit)), better: 'less' },
  { label: 'spam sent', value: (s) => sum(s, (g) => g.spam.created), better: 'neither' },
  { label: '  ✓ delivered', value: (s) => sum(s, (g) => g.spam.delivered), better: 'less' },
  { label: '  ✗ stopped', value: (s) => sum(s, (g) => lost(g.spam) + g.spam.bounced), better: 'more' },
  { label: 'connections failed', value: (s) => sum(s, (g) => g.connects.refused + g.connects.unreachable + g.connects['timed-out'] + g.connects.reset), better: 'less' },
  { label: 'errors people saw', value: (s) => sum(s, (g) => g.users.error), better: 'less' },
  { label: 'calls to support', value: (s) => sum(s, (g) => g.users['support-call']), better: 'less' },
  { label: 'failed expectations', value: (s) => s.failedExpectations, better: 'less' },
];

/** The outcome table for one or more runs: a header line, then a line per measure. */
export function outcomeLines(names: readonly string[], states: readonly AggregateState[]): Line[] {
  const col = Math.max(9, ...names.map((n) => n.length + 1));
  const lines: Line[] = [[seg(padRight('outcome', 22), 'title'), ...names.map((n) => seg(padLeft(n, col), 'title')), ...(states.length === 2 ? [seg(padLeft('change', 10), 'title')] : [])]];
  for (const m of MEASURES) {
    const values = states.map((s) => m.value(s));
    const line: Line = [seg(padRight(m.label, 22)), ...values.map((v) => seg(padLeft(count(v), col)))];
    if (values.length === 2) {
      const d = (values[1] as number) - (values[0] as number);
      const good = m.better === 'neither' || d === 0 ? undefined : (d > 0) === (m.better === 'more');
      const tone: Tone = good === undefined ? 'muted' : good ? 'ok' : 'bad';
      const mark = good === undefined ? '' : good ? ' ✓' : ' ✗';
      line.push(seg(padLeft(d === 0 ? '=' : `${d > 0 ? '+' : '-'}${count(Math.abs(d))}${mark}`, 10), tone));
    }
    lines.push(line);
  }
  return lines;
}
