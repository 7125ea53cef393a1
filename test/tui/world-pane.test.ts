import { describe, expect, it } from 'vitest';
import { emptyState, foldEvents, type TraceEvent } from '../../src/trace/index.js';
import { logLine } from '../../src/tui/format.js';
import { plain } from '../../src/tui/line.js';
import { worldLines } from '../../src/tui/world.js';
import { storyHeader } from '../trace/story.js';

const blocked = (t: number, flow: number): TraceEvent[] => [
  { kind: 'packet', t, flow, from: 'client', src: '10.20.1.5', sport: 40000 + flow, dst: '203.0.113.25', dport: 25, proto: 'TCP', flags: 'S', seq: 0, ack: 0, len: 0, info: '', verdict: { isp: 'lime', rule: 'block-25', action: 'drop' } },
  { kind: 'connect', t: t + 21, flow, group: 'home', client: 'home/1', server: 'mx.mailhost.net', port: 25, outcome: 'timed-out', errno: 'ETIMEDOUT', elapsed: 21, rule: 'lime/block-25' },
];

function pane(events: TraceEvent[]): string[] {
  return worldLines(storyHeader(), foldEvents(emptyState(), events)).map(plain);
}

describe('the world pane', () => {
  it("counts a rule's packets and flows from the firewall's counters once the trace carries them", () => {
    // Only one SYN of each flow was sampled; the firewall saw 3 SYNs a flow.
    const events = [...blocked(1, 1), ...blocked(2, 2), { kind: 'rule', t: 60, rule: 'lime/block-25', packets: 6, flows: 2 } as const];
    const lines = pane(events);
    expect(lines.find((l) => l.startsWith('firewall rule'))).toMatch(/pkts\s+flows\s+tries\s+does/);
    expect(lines.find((l) => l.includes('lime/block-25'))).toMatch(/lime\/block-25\s+6\s+2\s/);
  });

  it('counts them from packets and connections in a trace without counters', () => {
    const row = pane([...blocked(1, 1), ...blocked(2, 2)]).find((l) => l.includes('lime/block-25'));
    expect(row).toMatch(/lime\/block-25\s+2\s+2\s/);
  });

  it('gives a relay that only made connections no row among the senders', () => {
    const relay: TraceEvent = { kind: 'connect', t: 5, flow: 9, group: 'smarthost.lime', client: 'smarthost.lime', server: 'mx.mailhost.net', port: 25, outcome: 'connected', elapsed: 0.1 };
    const lines = pane([...blocked(1, 1), relay]);
    const senders = lines.slice(1, lines.findIndex((l) => l.startsWith('firewall rule')));
    expect(senders.map((l) => l.split(/\s+/)[0])).toEqual(['home', 'office', 'mobile', 'zombies']);
  });

  it("keeps a sender's name apart from its ISP, whatever the name's length", () => {
    const header = storyHeader();
    const long = { ...header, entities: { ...header.entities, groups: header.entities.groups.map((g, i) => (i === 0 ? { ...g, name: 'shop-customers' } : i === 1 ? { ...g, name: 'smart-host-users' } : g)) } };
    const lines = worldLines(long, foldEvents(emptyState(), [])).map(plain);
    const isp = header.entities.groups[0]?.isp as string;
    expect(lines[1]).toMatch(new RegExp(`^shop-custome… ${isp}\\s`));
    expect(lines[2]).toMatch(new RegExp(`^smart-host-u… ${header.entities.groups[1]?.isp as string}\\s`));
  });

  it("logs a rule's counters as running totals", () => {
    expect(plain(logLine({ kind: 'rule', t: 60, rule: 'lime/block-25', packets: 47316, flows: 9426 }))).toMatch(/rule\s+lime\/block-25 47,316 packets, 9,426 flows so far$/);
  });
});
