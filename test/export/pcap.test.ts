import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { runScenario, traceHeader } from '../../src/run/index.js';
import { memoryTrace, openTrace, type PacketEvent, TraceWriter } from '../../src/trace/index.js';
import { exportPcap } from '../../src/export/index.js';
import { loadPoint, type Setting } from '../../src/whatif/index.js';

const LIME = 'scenarios/lime-stlucia-port25.yaml';
const dir = mkdtempSync(join(tmpdir(), 'portsim-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MISSING =
  "tshark is missing: these tests read the exported capture back with Wireshark's tshark. Install it (Debian: apt-get install -y tshark; .ci/run does this).";

/** Runs tshark on a capture and returns its output lines; fails the test if tshark fails or is missing. */
function tshark(file: string, ...args: string[]): string[] {
  const r = spawnSync('tshark', ['-n', '-r', file, ...args], { encoding: 'utf8' });
  if (r.error !== undefined) throw new Error(`${MISSING} (${r.error.message})`);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/**
 * A short run of the LIME St. Lucia scenario, every packet recorded, the block switched on
 * after an hour (instead of two days) so that the run can be short; `action` replaces the
 * block's silent drop.
 */
function limeTrace(name: string, action?: unknown): string {
  const settings: Setting[] = [
    { path: 'fidelity', value: 'packets', text: 'packets' },
    { path: 'changes[block].at', value: '1h', text: '1h' },
    ...(action === undefined ? [] : [{ path: 'world.isps[lime].firewall.rules[block-25].action', value: action, text: JSON.stringify(action) }]),
  ];
  const loaded = loadPoint(LIME, settings);
  const file = join(dir, `${name}.trace`);
  const opts = { until: 1.5 * 3600 };
  const w = new TraceWriter(file, traceHeader(loaded, opts));
  runScenario(loaded, { ...opts, trace: w });
  w.close();
  return file;
}

async function exportTo(trace: string, pcap: string): Promise<string> {
  let out = '';
  let err = '';
  const code = await runCli(['export', trace, '--pcap', pcap], (s) => (out += s), (s) => (err += s));
  expect(code, err).toBe(0);
  return out;
}

describe('the pcap export, read back by tshark', () => {
  beforeAll(() => {
    if (spawnSync('tshark', ['--version']).status !== 0) throw new Error(MISSING);
  });

  it('decodes the SMTP dialogues and the retransmitted SYNs of a silent drop', async () => {
    const pcap = join(dir, 'drop.pcap');
    expect(await exportTo(limeTrace('drop'), pcap)).toMatch(/^[\d,]+ packets written to /);

    const commands = new Set(tshark(pcap, '-Y', 'smtp.req', '-T', 'fields', '-e', 'smtp.req.command'));
    for (const c of ['EHLO', 'MAIL', 'RCPT', 'DATA', 'QUIT']) expect(commands).toContain(c);
    const codes = new Set(tshark(pcap, '-Y', 'smtp.response', '-T', 'fields', '-e', 'smtp.response.code'));
    for (const c of ['220', '250', '354']) expect(codes).toContain(c);
    const params = tshark(pcap, '-Y', 'smtp.req.command == "MAIL"', '-T', 'fields', '-e', 'smtp.req.parameter');
    expect(params[0]).toMatch(/^FROM:<[^>]+@[^>]+>$/);

    // After the block, blocked clients' SYNs to port 25 go unanswered and are sent again.
    const repeats = tshark(pcap, '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.analysis.retransmission', '-T', 'fields', '-e', 'tcp.dstport', '-e', 'frame.time_epoch');
    expect(repeats.length).toBeGreaterThan(0);
    const start = Date.parse('2009-08-24T00:00:00Z') / 1000;
    for (const line of repeats) {
      const [port, time] = line.split('\t');
      expect(port).toBe('25');
      // Timestamps run from the scenario's start date; the block starts an hour in.
      expect(Number(time)).toBeGreaterThan(start + 3600);
      expect(Number(time)).toBeLessThan(start + 1.5 * 3600 + 300);
    }

    // Every IPv4 and TCP checksum is right.
    const bad = tshark(pcap, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-Y', 'ip.checksum.status != 1 || tcp.checksum.status != 1');
    expect(bad).toEqual([]);
  });

  it('decodes the resets an ISP forges in the name of the server', async () => {
    const pcap = join(dir, 'reset.pcap');
    const trace = openTrace(limeTrace('reset', { type: 'reject', with: 'tcp-reset' }));
    await exportPcap(trace, pcap);
    trace.close();
    const resets = tshark(pcap, '-Y', 'tcp.flags.reset == 1', '-T', 'fields', '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'tcp.flags.ack');
    expect(resets.length).toBeGreaterThan(0);
    // The reset pretends to come from the mail server's port 25 (servers are hosted in 192.0.2.0/24).
    for (const r of resets) expect(r).toMatch(/^192\.0\.2\.\d+\t25\t1$/);
  });
});

describe('the pcap export of every IP protocol a run records', () => {
  it('writes UDP, ICMP (quoting the packet it is about), ESP and GRE that tshark decodes with good checksums', async () => {
    const base = { kind: 'packet' as const, from: 'client' as const, flags: '' as const, seq: 0, ack: 0, info: '' };
    const events: PacketEvent[] = [
      { ...base, t: 1, flow: 1, src: '10.50.0.7', dst: '192.0.2.9', proto: 'TCP', sport: 50000, dport: 25, flags: 'S', seq: 1000, len: 0 },
      { ...base, t: 1.02, flow: 1, from: 'isp', src: '10.50.255.254', dst: '10.50.0.7', proto: 'ICMP', sport: 0, dport: 0, len: 0, icmp: { type: 3, code: 13 } },
      { ...base, t: 2, flow: 2, src: '10.50.0.7', dst: '192.0.2.10', proto: 'UDP', sport: 500, dport: 500, len: 300 },
      { ...base, t: 3, flow: 3, src: '10.50.0.7', dst: '192.0.2.10', proto: 'ESP', sport: 0, dport: 0, len: 120 },
      { ...base, t: 4, flow: 4, src: '10.50.0.7', dst: '192.0.2.11', proto: 'GRE', sport: 0, dport: 0, len: 60 },
    ];
    const header = { title: 't', variant: 'base', scenario: '', scenarioHash: 'ab', seed: '1', engineVersion: '0', start: '2009-09-12T08:00:00Z', entities: { isps: [], groups: [], servers: [], lists: [] } };
    const pcap = join(dir, 'protocols.pcap');
    await exportPcap(memoryTrace(header, events), pcap);
    const rows = tshark(pcap, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=|', '-e', 'frame.time_epoch', '-e', 'ip.proto', '-e', 'ip.checksum.status', '-e', 'icmp.type', '-e', 'icmp.code', '-e', 'icmp.checksum.status', '-e', 'tcp.dstport', '-e', 'udp.checksum.status', '-e', 'esp.spi', '-e', 'gre.proto');
    expect(rows).toHaveLength(5);
    const cells = rows.map((r) => r.split('|'));
    expect(cells.map((c) => c[1])).toEqual(['6', '1,6', '17', '50', '47']);
    expect(Number(cells[0]?.[0])).toBeCloseTo(Date.parse('2009-09-12T08:00:01Z') / 1000, 5);
    for (const c of cells) expect(c[2]?.split(',')[0]).toBe('1');
    // The ICMP error quotes the SYN: tshark reads its destination port inside.
    expect(cells[1]?.slice(3, 7)).toEqual(['3', '13', '1', '25']);
    expect(cells[2]?.[7]).toBe('1');
    expect(cells[3]?.[8]).not.toBe('');
    expect(cells[4]?.[9]).toBe('0x880b');
  });
});
