import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Firewall } from '../../src/firewall/index.js';
import { type RunResult, runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { emptyState, foldEvents, type TraceEvent } from '../../src/trace/index.js';

// Flow fidelity lets packets nobody records take the network's express path (one event per
// packet instead of three), and the SMTP sessions of clients nobody records run as direct
// sessions, worked out from their path's delays. Neither may change an outcome: on every
// bundled scenario, in every variant, packet and flow fidelity give the same report and the
// same outcome for every message, with its delay and what decided it, to the last bit.
const dir = 'scenarios';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function outcomeTable(r: RunResult): { report: unknown; outcomes: unknown } {
  // The kernel's event count differs by design, and the scenario's hash covers its fidelity.
  const { events: _events, scenario: _scenario, ...report } = r.report;
  return { report, outcomes: r.outcomes() };
}

describe.each(files)('%s', (file) => {
  const loaded = loadScenario(join(dir, file));
  const runs = [undefined, ...loaded.variants.keys()];
  it.each(runs.map((v) => [v ?? 'base', v]))('gives the same outcomes at packet and flow fidelity (%s)', { timeout: 300_000 }, (_label, variant) => {
    const v = variant === undefined ? {} : { variant };
    const packets = runScenario(loaded, { ...v, fidelity: 'packets', keepMessages: true });
    // With a trace and the scenario's packet sample, so that sampled flows keep every packet.
    const records: TraceEvent[] = [];
    const flows = runScenario(loaded, { ...v, fidelity: 'flows', keepMessages: true, trace: { write: (e) => records.push(e) } });
    expect(outcomeTable(flows)).toEqual(outcomeTable(packets));
    // The shortcut was taken: the same run costs fewer kernel events.
    expect(flows.report.events).toBeLessThan(packets.report.events);
    expect(records.length).toBeGreaterThan(0);
    // The replay's rule table, folded from a trace that holds only a sample of the packets,
    // ends on the report's figures.
    const replayed = foldEvents(emptyState(), records).rules;
    for (const r of flows.report.rules) {
      const seen = replayed[`${r.isp}/${r.rule}`];
      expect({ rule: `${r.isp}/${r.rule}`, packets: seen?.packets ?? 0, flows: seen?.flows ?? 0 }).toEqual({ rule: `${r.isp}/${r.rule}`, packets: r.hits, flows: r.flows });
    }
  });
});

// `metrics` takes the same shortcuts as `flows` and records less: its outcomes must be the
// same too. Checked on the base runs of three scenarios with blocks, resets and an MTA queue.
describe.each(['lime-stlucia-port25.yaml', 'tmobile-uk-smtps-resets.yaml', 'bt-internet-throttle.yaml'])('%s at metrics fidelity', (file) => {
  it('gives the same outcomes as at packet fidelity', { timeout: 300_000 }, () => {
    const loaded = loadScenario(join(dir, file));
    const packets = runScenario(loaded, { fidelity: 'packets', keepMessages: true });
    const metrics = runScenario(loaded, { fidelity: 'metrics', keepMessages: true, trace: { write: () => undefined } });
    expect(outcomeTable(metrics)).toEqual(outcomeTable(packets));
    expect(metrics.report.events).toBeLessThan(packets.report.events);
  });
});

// A blocked connection's repeated SYNs, taken by its border as planned, cost no kernel event
// (`Network.planAgain`): the run must still poll the firewall's counters at the end of each
// minute in which one is sent, so that the trace holds every record it held when each SYN
// was an event of its own, at the same moment.
describe('repeated SYNs taken as planned', () => {
  it.each(['lime-stlucia-port25.yaml', 'teaching-drop-reset-redirect.yaml', 'teaching-smarthost-vs-587.yaml'])('change no record of the trace of %s', { timeout: 300_000 }, (file) => {
    const loaded = loadScenario(join(dir, file));
    const traced = (): { records: string[]; events: number } => {
      const records: string[] = [];
      const r = runScenario(loaded, { fidelity: 'flows', trace: { write: (e) => records.push(JSON.stringify(e)) } });
      return { records, events: r.report.events };
    };
    const planned = traced();
    const spy = vi.spyOn(Firewall.prototype, 'dropsRepeats').mockReturnValue(null);
    let oneByOne: { records: string[]; events: number };
    try {
      oneByOne = traced();
    } finally {
      spy.mockRestore();
    }
    expect(planned.records.length).toBe(oneByOne.records.length);
    expect(planned.records).toEqual(oneByOne.records);
    expect(planned.records.some((r) => r.includes('"kind":"rule"'))).toBe(true);
    expect(planned.events).toBeLessThan(oneByOne.events);
  });
});
