import { describe, expect, it } from 'vitest';
import { formatReport, runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';

// The text report `portsim run` prints, read as a user reads it: a table whose columns line
// up and whose counts carry thousands separators, whatever the population.
describe('the text report', () => {
  const { report } = runScenario(loadScenario('scenarios/bench/isp-10k-week.yaml'), { until: 3600 });

  it('gives each group its row, each rule its counts and each server its tallies', () => {
    const text = formatReport(report);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Benchmark: an ISP of 10,000 subscribers for a week');
    expect(lines[1]).toMatch(/^base scenario, seed 1, 1h simulated from 2026-03-02 00:00 UTC, [\d,]+ events$/);
    const consumer = report.groups.find((g) => g.group === 'consumer' && g.class === 'legit');
    expect(consumer?.sent).toBeGreaterThan(0);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  consumer legit +${(consumer?.sent ?? 0).toLocaleString('en-US')} `)));
    expect(text).toMatch(/^ {2}metro\/block-25 +[\d,]+ packets +[\d,]+ flows$/m);
    expect(text).toMatch(/^ {2}mx\.btinternet\.example +mx +accepted \d+, deferred [\d,]+, rejected 0, queue peak 0$/m);
  });

  it('widens its columns and separates thousands for a population of millions', () => {
    const big = structuredClone(report);
    for (const g of big.groups) {
      g.sent *= 10_007;
      g.clients *= 1_003;
      g.usersAffected = g.clients;
    }
    for (const x of big.rules) {
      x.hits = 40_123_456;
      x.flows = 12_345_678;
    }
    const lines = formatReport(big).split('\n');
    const header = lines.find((l) => l.startsWith('Mail')) as string;
    const rows = big.groups.map((g) => lines.find((l) => l.startsWith(`  ${g.group} ${g.class} `)) as string);
    // Every count of sent mail ends where the header's "sent" ends, with a space before it.
    const end = header.indexOf('sent') + 'sent'.length;
    for (const [i, g] of big.groups.entries()) {
      const sent = g.sent.toLocaleString('en-US');
      expect(rows[i]?.slice(end - sent.length - 1, end)).toBe(` ${sent}`);
    }
    const spam = big.groups.find((g) => g.group === 'consumer' && g.class === 'spam');
    expect(lines).toContain(`  consumer spam: ${spam?.clients.toLocaleString('en-US')} of ${spam?.clients.toLocaleString('en-US')} affected — timeout ${spam?.userErrors.timeout.toLocaleString('en-US')}`);
    expect(lines.filter((l) => l.includes(' 40,123,456 packets 12,345,678 flows'))).toHaveLength(big.rules.length);
  });
});

it('speaks of one VPN attempt in the singular', () => {
  const { report } = runScenario(loadScenario('scenarios/tmobile-uk-vpn-contracts.yaml'));
  const text = formatReport(report);
  expect(text).toMatch(/^ {2}heavy-user openvpn +1 attempt, 1 up, 0 failed$/m);
  expect(text).toMatch(/^ {2}legacy-contract openvpn +3 attempts, 0 up, 3 failed \(reset 3\)$/m);
});
