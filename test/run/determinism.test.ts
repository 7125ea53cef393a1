import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/metrics/index.js';
import { runScenario, traceHeader } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { openTrace, type TraceEvent, TraceWriter } from '../../src/trace/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-determinism-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function runTo(file: string, seed?: string): { report: string; trace: Buffer; parsed: RunReport } {
  const loaded = loadScenario('scenarios/lime-stlucia-port25.yaml');
  const opts = { until: 3 * 86400, ...(seed === undefined ? {} : { seed }) };
  const w = new TraceWriter(join(tmp, file), traceHeader(loaded, opts));
  const { report } = runScenario(loaded, { ...opts, trace: w });
  w.close();
  return { report: JSON.stringify(report), trace: readFileSync(join(tmp, file)), parsed: report };
}

describe('the polled records', () => {
  it('fall at the end of a simulated minute (or of a progress step), so that how many kernel events a run takes cannot move them', () => {
    const loaded = loadScenario('scenarios/bt-internet-throttle.yaml');
    const end = 86400;
    const polled: TraceEvent[] = [];
    runScenario(loaded, { until: end, trace: { write: (e) => void (e.kind === 'queue' || e.kind === 'rule' || e.kind === 'listing' ? polled.push(e) : undefined) } });
    expect(polled.filter((e) => e.kind === 'queue').length).toBeGreaterThan(5);
    const off = polled.filter((e) => e.t % 60 !== 0 && !Number.isInteger(Math.round((e.t * 200) / end * 1e6) / 1e6));
    expect(off).toEqual([]);
  });
});

describe('the same scenario and seed', () => {
  it('give the same report and the same trace, byte for byte', () => {
    const a = runTo('a.trace');
    const b = runTo('b.trace');
    expect(b.report).toBe(a.report);
    expect(b.trace.equals(a.trace)).toBe(true);
    expect(a.trace.length).toBeGreaterThan(1000);
  });

  it('give a trace that reads back whole, every block checked, and whose final state agrees with the report', () => {
    const { parsed } = runTo('e.trace');
    const t = openTrace(join(tmp, 'e.trace'), { verify: true });
    expect(t.header.title).toContain('LIME St. Lucia');
    expect(t.length).toBeGreaterThan(1000);
    const last = t.at(t.length - 1);
    expect(last.t).toBeLessThanOrEqual(3 * 86400);
    expect(t.markers.length).toBeGreaterThan(0); // the block's start, the first timeouts, captions
    const end = t.stateAt(t.length);
    for (const g of parsed.groups) {
      const tally = end.groups[g.group]?.[g.class];
      expect({ group: g.group, cls: g.class, sent: tally?.created, delivered: tally?.delivered, failed: tally?.failed, bounced: tally?.bounced }).toEqual({
        group: g.group,
        cls: g.class,
        sent: g.sent,
        delivered: g.delivered,
        failed: g.failed,
        bounced: g.bounced,
      });
    }
    t.close();
  });

  it('while another seed gives another run', () => {
    const a = runTo('c.trace');
    const c = runTo('d.trace', '7');
    expect(c.report).not.toBe(a.report);
  });
});
