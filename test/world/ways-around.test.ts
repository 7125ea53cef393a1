import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-ways-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a laptop set up at the office (Bravo, 2006)', () => {
  it('sends at the office, fails at home and in the café, and the report says so per location', () => {
    const { report } = runScenario(loadScenario('scenarios/bravo-roaming-office.yaml'));
    const at = Object.fromEntries(report.locations.map((l) => [l.location, l]));
    expect(at['office']).toMatchObject({ failed: 0 });
    expect(at['office']!.delivered).toBe(at['office']!.sent);
    expect(at['home']!.delivered).toBe(0);
    expect(at['home']!.failed).toBeGreaterThanOrEqual(at['home']!.sent - 1); // one may still be sending when the run ends
    // Nearly all by timeouts at the home ISP's block; a message still being sent when the
    // laptop leaves can fail otherwise.
    expect(at['home']!.userErrors.timeout).toBeGreaterThanOrEqual(at['home']!.sent - 2);
    expect(at['cafe']!.delivered).toBe(0);
  });

  it('sends from everywhere through a VPN on 443, which gets past both blocks', () => {
    const { report } = runScenario(loadScenario('scenarios/bravo-roaming-office.yaml'), { variant: 'vpn-443' });
    expect(report.locations.every((l) => l.delivered === l.sent && l.sent > 0)).toBe(true);
    expect(report.vpn).toEqual([expect.objectContaining({ group: 'laptops', protocol: 'ssl-vpn', failed: 0 })]);
    expect(report.vpn[0]!.established).toBeGreaterThanOrEqual(3 * 4); // every stop, every laptop
  });
});

describe('webmail over HTTPS', () => {
  it('gets through everywhere a web browser does, the web-only café included', () => {
    const { report } = runScenario(loadScenario('scenarios/bravo-roaming-office.yaml'), { variant: 'webmail' });
    expect(report.locations.map((l) => [l.location, l.delivered === l.sent])).toEqual(
      expect.arrayContaining([
        ['cafe', true],
        ['home', true],
        ['office', true],
      ]),
    );
  });
});

describe('zombies that adapt to a port-25 block', () => {
  it('move to the ISP smart host after repeated failures, where its limit and spam filter catch them', () => {
    const file = join(tmp, 'adaptive.yaml');
    writeFileSync(
      file,
      `title: Adaptive zombies
duration: 1d
world:
  isps:
    - name: isp
      prefixes: [10.1.0.0/16]
      lines: [{ name: adsl }]
      firewall:
        rules:
          - { name: own-smarthost, protocol: tcp, destinationPorts: 25, destination: { hosts: [smtp.isp.example] }, action: accept }
          - { name: block-25, protocol: tcp, destinationPorts: 25, action: drop }
    - { name: hosting, prefixes: [192.0.2.0/24] }
  servers:
    - name: smtp.isp.example
      isp: isp
      role: smart-host
      relayFor: [isp]
      spamFilter: 90%
      limits: { perIp: { limit: 50/day, reply: rate-limited } }
    - { name: mx.example.com, isp: hosting, domains: [example.com] }
  clientGroups:
    - name: zombies
      isp: isp
      line: adsl
      count: 4
      zombies:
        share: 100%
        rate: 20/hour
        to: { example.com: 100% }
        adapt: { after: 3, to: { server: smtp.isp.example, port: 25 } }
`,
    );
    const { report } = runScenario(loadScenario(file));
    const spam = report.groups.find((g) => g.group === 'zombies' && g.class === 'spam')!;
    const smarthost = report.servers.find((s) => s.server === 'smtp.isp.example')!;
    expect(report.rules.find((r) => r.rule === 'block-25')!.flows).toBeGreaterThan(0); // tried direct first
    expect(smarthost.sessions).toBeGreaterThan(100); // then came through the smart host
    expect(smarthost.rejected + smarthost.deferred).toBeGreaterThan(0.8 * smarthost.sessions); // and were caught there
    expect(spam.delivered / spam.sent).toBeLessThan(0.15);
    expect(spam.userErrors.rejected + spam.userErrors.deferred).toBeGreaterThan(0);
  });

  it('slow down when the smart host throttles them, sending far less', () => {
    const base = (slow: string): string => `title: Throttled zombies
duration: 1d
world:
  isps:
    - { name: isp, prefixes: [10.1.0.0/16], lines: [{ name: adsl }] }
    - { name: hosting, prefixes: [192.0.2.0/24] }
  servers:
    - name: smtp.isp.example
      isp: isp
      relayFor: [isp]
      limits: { perIp: { limit: 20/day, reply: rate-limited } }
    - { name: mx.example.com, isp: hosting, domains: [example.com] }
  clientGroups:
    - name: zombies
      isp: isp
      line: adsl
      count: 2
      mailClient: { server: smtp.isp.example, port: 25 }
      zombies: { share: 100%, rate: 60/hour, via: smart-host, to: { example.com: 100% }${slow} }
`;
    writeFileSync(join(tmp, 'fast.yaml'), base(''));
    writeFileSync(join(tmp, 'slow.yaml'), base(', adapt: { slowDown: 20 }'));
    const sent = (f: string): number => runScenario(loadScenario(join(tmp, f))).report.groups.find((g) => g.class === 'spam')!.sent;
    const fast = sent('fast.yaml');
    const slow = sent('slow.yaml');
    expect(fast).toBeGreaterThan(2000); // two zombies at 60 an hour for a day
    expect(slow).toBeLessThan(fast / 5);
  });
});
