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
    const m = markerFor(e);
    if (m === undefined) return;
    const [kind, label] = m;
    if (kind.startsWith('first-')) {
      if (this.seen.has(kind)) return;
      this.seen.add(kind);
    }
    this.markers.push({ kind, t: e.t, index, label });
  }
}

function markerFor(e: TraceEvent): [MarkerKind, string] | undefined {
  switch (e.kind) {
    case 'change':
      return ['change', e.text];
    case 'caption':
      return ['caption', e.text];
    case 'question':
      return ['question', e.prompt];
    case 'packet':
      return e.flags.startsWith('R') ? ['first-reset', `first RST: ${e.src}:${e.sport} → ${e.dst}${e.from === 'isp' ? ', forged by the ISP' : ''}`] : undefined;
    case 'connect':
      if (e.outcome === 'reset') return ['first-reset', `first reset: ${e.client} → ${e.server}:${e.port}`];
      if (e.outcome === 'timed-out') return ['first-timeout', `first timeout: ${e.client} → ${e.server}:${e.port}`];
      return undefined;
    case 'message':
      return e.stage === 'bounced' ? ['first-bounce', `first bounce: message ${e.msg} from ${e.client}`] : undefined;
    case 'expectation':
      return e.ok ? undefined : ['expectation', `expectation failed: ${e.name}`];
    default:
      return undefined;
  }
}
