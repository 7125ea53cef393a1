/**
 * Markers: the moments of a run worth jumping to. Timed changes, captions and questions are
 * marked where they happen; for resets, timeouts and bounces only the first is marked, since
 * the first is the news and the rest are the consequence.
 *
 * @module
 */
import type { Seconds } from '../engine/index.js';
import type { TraceEvent } from './event.js';

/** What a marker marks. */
export type MarkerKind = 'change' | 'caption' | 'question' | 'first-reset' | 'first-timeout' | 'first-bounce' | 'expectation';

/** A moment worth jumping to. */
export interface Marker {
  kind: MarkerKind;
  t: Seconds;
  /** Position of the marked record in the trace, from 0. */
  index: number;
  /** One line saying what happened. */
  label: string;
}

/** Collects markers from records fed in trace order. */
export class MarkerCollector {
  /** The markers so far, in trace order. */
  readonly markers: Marker[] = [];
  private seen = new Set<MarkerKind>();

  /** Looks at the record at position `index`. */
  observe(e: TraceEvent, index: number): void {
    const kind = markerKind(e);
    if (kind === undefined) return;
    if (kind.startsWith('first-')) {
      if (this.seen.has(kind)) return;
      this.seen.add(kind);
    }
    // The label is written only for a marker kept: a run's millionth timeout needs none.
    this.markers.push({ kind, t: e.t, index, label: markerLabel(e) });
  }
}

function markerKind(e: TraceEvent): MarkerKind | undefined {
  switch (e.kind) {
    case 'change':
    case 'caption':
    case 'question':
      return e.kind;
    case 'packet':
      return e.flags.startsWith('R') ? 'first-reset' : undefined;
    case 'connect':
      return e.outcome === 'reset' ? 'first-reset' : e.outcome === 'timed-out' ? 'first-timeout' : undefined;
    case 'message':
      return e.stage === 'bounced' ? 'first-bounce' : undefined;
    case 'expectation':
      return e.ok ? undefined : 'expectation';
    default:
      return undefined;
  }
}

/** What a marker of `e` says (`e` being one that `markerKind` marks). */
function markerLabel(e: TraceEvent): string {
  switch (e.kind) {
    case 'change':
    case 'caption':
      return e.text;
    case 'question':
      return e.prompt;
    case 'packet':
      return `first RST: ${e.src}:${e.sport} → ${e.dst}${e.from === 'isp' ? ', forged by the ISP' : ''}`;
    case 'connect':
      return `${e.outcome === 'reset' ? 'first reset' : 'first timeout'}: ${e.client} → ${e.server}:${e.port}`;
    case 'message':
      return `first bounce: message ${e.msg} from ${e.client}`;
    case 'expectation':
      return `expectation failed: ${e.name}`;
    default:
      return '';
  }
}
