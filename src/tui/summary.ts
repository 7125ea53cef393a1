/**
 * The replay without a terminal: a plain-text summary of a trace's timeline, for pipes, CI
 * and bug reports. No escape codes, no colour.
 *
 * @module
 */
import type { Trace } from '../trace/index.js';
import { clock, count, duration, KIND_LABEL } from './format.js';
import { plain } from './line.js';
import { outcomeLines } from './outcome-table.js';
import { MARKER_GLYPH } from './timeline.js';
import { worldLines } from './world.js';

function about(trace: Trace): string[] {
  const h = trace.header;
  const kinds = new Map<string, number>();
  // Counting by kind needs every record; for a long trace the index's blocks say which kinds
  // occur, and the final state says the rest.
  if (trace.length <= 200_000) for (let b = 0; b < trace.index.blocks.length; b++) for (const e of trace.block(b)) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  const byKind = [...kinds].map(([k, n]) => `${KIND_LABEL[k as keyof typeof KIND_LABEL]} ${count(n)}`).join(', ');
  return [
    `${h.title} — variant ${h.variant}`,
    `  trace ${trace.name}: ${count(trace.length)} events over ${duration(trace.end)}, from ${h.start}`,
    `  seed ${h.seed}, scenario ${h.scenarioHash}, portsim ${h.engineVersion}`,
    ...(byKind !== '' ? [`  events: ${byKind}`] : []),
  ];
}

/** A plain-text summary of one trace: what it is, its markers in time order, and where it ended. */
export function summarizeTrace(trace: Trace): string {
  const out = about(trace);
  out.push('', 'Timeline');
  if (trace.markers.length === 0) out.push('  (no markers)');
  for (const m of trace.markers) out.push(`  ${clock(m.t).padStart(13)}  ${MARKER_GLYPH[m.kind][0]} ${m.label}`);
  out.push('', `At the end (${duration(trace.end)})`);
  for (const line of worldLines(trace.header, trace.index.final)) out.push(`  ${plain(line).trimEnd()}`);
  out.push('', ...outcomeLines([trace.header.variant], [trace.index.final]).map((l) => `  ${plain(l).trimEnd()}`));
  return out.join('\n') + '\n';
}

/** A plain-text comparison of two traces: each one's summary line, markers, and the outcome table side by side. */
export function summarizeComparison(a: Trace, b: Trace): string {
  const out = [...about(a), '', ...about(b), '', 'Timeline'];
  const marks = [...a.markers.map((m) => ({ m, who: a.header.variant })), ...b.markers.map((m) => ({ m, who: b.header.variant }))].sort((x, y) => x.m.t - y.m.t);
  if (marks.length === 0) out.push('  (no markers)');
  for (const { m, who } of marks) out.push(`  ${clock(m.t).padStart(13)}  ${MARKER_GLYPH[m.kind][0]} [${who}] ${m.label}`);
  out.push('', 'Outcomes at the end');
  out.push(...outcomeLines([a.header.variant, b.header.variant], [a.index.final, b.index.final]).map((l) => `  ${plain(l).trimEnd()}`));
  return out.join('\n') + '\n';
}
