/**
 * The mail counts of a run, kept as messages are written and as their lives end, so that a
 * message's life (its attempts, causes, envelope) can be let go as soon as it ends: what the
 * report, the questions and the expectations read of a message is its group, class, fate and,
 * when delivered, its delay.
 *
 * Memory: a few counters per client group and class, and eight bytes per delivered message.
 *
 * @module
 */
import type { Fate, TrafficClass } from '../mail/index.js';
import { Samples } from '../metrics/index.js';

/** The counts of one client group's messages of one class. */
export interface ClassCounts {
  /** Messages written. */
  sent: number;
  delivered: number;
  /** Delivered later than the run's `lateAfter`. */
  late: number;
  bounced: number;
  failed: number;
  dropped: number;
  /** Seconds from writing to delivery, one per delivered message. */
  readonly delays: Samples;
}

/** Counts by client group and class. */
export class MailTally {
  private readonly byGroup = new Map<string, Record<TrafficClass, ClassCounts>>();

  constructor(private readonly lateAfter: number) {}

  /** A message of `group` and `cls` was written. */
  written(group: string, cls: TrafficClass): void {
    this.entry(group, cls).sent++;
  }

  /** A message's life ended: `delay` is its time from writing to the end. */
  ended(group: string, cls: TrafficClass, fate: Exclude<Fate, 'queued'>, delay: number): void {
    const c = this.entry(group, cls);
    switch (fate) {
      case 'delivered':
        c.delivered++;
        c.delays.push(delay);
        if (delay > this.lateAfter) c.late++;
        break;
      case 'bounced':
        c.bounced++;
        break;
      case 'failed':
        c.failed++;
        break;
      case 'dropped':
        c.dropped++;
        break;
    }
  }

  /** The counts of `group`'s messages of `cls` (all zero when it wrote none). */
  counts(group: string, cls: TrafficClass): ClassCounts {
    return this.byGroup.get(group)?.[cls] ?? emptyCounts();
  }

  /** The counts of one class (or both) of one group (or every group). */
  select(cls: TrafficClass | 'all', group: string | undefined): ClassCounts[] {
    const out: ClassCounts[] = [];
    for (const [name, g] of this.byGroup) {
      if (group !== undefined && name !== group) continue;
      if (cls !== 'spam') out.push(g.legit);
      if (cls !== 'legit') out.push(g.spam);
    }
    return out;
  }

  private entry(group: string, cls: TrafficClass): ClassCounts {
    let g = this.byGroup.get(group);
    if (g === undefined) this.byGroup.set(group, (g = { legit: emptyCounts(), spam: emptyCounts() }));
    return g[cls];
  }
}

/** Messages still on their way: written, not yet at their fate. */
export function queuedOf(c: ClassCounts): number {
  return c.sent - c.delivered - c.bounced - c.failed - c.dropped;
}

function emptyCounts(): ClassCounts {
  return { sent: 0, delivered: 0, late: 0, bounced: 0, failed: 0, dropped: 0, delays: new Samples() };
}
