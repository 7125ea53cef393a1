import { describe, expect, it } from 'vitest';
import { tracePackets } from '../../src/export/index.js';
import { runScenario, traceHeader } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { memoryTrace, type TraceEvent } from '../../src/trace/index.js';
import { describe as describeRecord } from '../../src/tui/format.js';
import { buildLadder } from '../../src/tui/ladder.js';
import { plain } from '../../src/tui/line.js';

// A subscriber's SYN that the ISP drops is the subscriber's own packet, judged on its way: the
// log, the ladder and a pcap must not present it as one the ISP forged.
function dropTrace(fidelity: 'packets' | 'flows') {
  const loaded = loadScenario('scenarios/teaching-drop-reset-redirect.yaml');
  const records: TraceEvent[] = [];
  runScenario(loaded, { until: 3600, fidelity, trace: { write: (e) => records.push(e) } });
  return memoryTrace(traceHeader(loaded, {}), records);
}

describe('a packet a firewall judged', () => {
  for (const fidelity of ['packets', 'flows'] as const) {
    it(`is the sender's, in the log and the ladder (${fidelity})`, () => {
      const trace = dropTrace(fidelity);
      const all = trace.slice(0, trace.length);
      const at = all.findIndex((e) => e.kind === 'packet' && e.verdict?.action === 'drop');
      const judged = all[at] as Extract<TraceEvent, { kind: 'packet' }>;
      expect(judged.from).toBe('client');
      expect(plain(describeRecord(judged))).toMatch(/ S .*drop access\/block-25/);
      expect(plain(describeRecord(judged))).not.toContain('forged');
      const rows = buildLadder(trace, at, 120).rows.map(plain);
      const syns = rows.filter((r) => /─ S /.test(r));
      // Each SYN once, stopped at the firewall; none drawn through to the server, none forged.
      expect(syns.length).toBeGreaterThan(0);
      for (const r of syns) expect(r).toMatch(/✗ drop block-25/);
      expect(rows.join('\n')).not.toContain('forged');
      expect(syns.slice(1).every((r) => r.includes('(again)'))).toBe(true);
      expect(syns[0]).not.toContain('(again)');
    });
  }

  it('goes into a pcap once', async () => {
    const trace = dropTrace('packets');
    const sent = trace.slice(0, trace.length).filter((e) => e.kind === 'packet' && e.verdict === undefined).length;
    const judged = trace.slice(0, trace.length).filter((e) => e.kind === 'packet' && e.verdict !== undefined && e.from !== 'isp').length;
    expect(judged).toBeGreaterThan(0);
    const summary = await tracePackets(trace, () => undefined);
    expect(summary.duplicates).toBe(judged);
    expect(summary.packets).toBe(sent + trace.slice(0, trace.length).filter((e) => e.kind === 'packet' && e.from === 'isp').length);
  });
});
