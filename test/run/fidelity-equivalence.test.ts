import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
