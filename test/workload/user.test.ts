import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/index.js';
import type { MessageLife } from '../../src/mail/index.js';
import type { ConnectReport } from '../../src/net/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { buildWorld, type WorldObserver } from '../../src/world/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-user-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function load(name: string, text: string): ReturnType<typeof loadScenario> {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return loadScenario(file);
}

// One ISP that silently drops port 25, so that each try of the mail program waits out its
// connect timeout while the user goes on writing.
function scenario(count: number, rate: string, duration = '2h'): string {
  return `
title: a busy outbox
duration: ${duration}
world:
  isps:
    - name: home-isp
      prefixes: [10.80.0.0/16]
      lines: [{ name: adsl }]
      firewall:
        rules:
          - { name: no-25, direction: outbound, protocol: tcp, destinationPorts: 25, action: drop }
    - { name: hosting, prefixes: [192.0.2.0/24] }
  servers:
    - { name: mx.dest.example, isp: hosting, domains: [dest.example], listen: [{ port: 25 }] }
  clientGroups:
    - name: home
      isp: home-isp
      line: adsl
      count: ${count}
      send: { rate: ${rate}, to: { dest.example: 100% } }
      mailClient: { server: mx.dest.example, port: 25 }
`;
}

describe('a user and their mail program', () => {
  it('sends what was written while it was busy afterwards, one message at a time, in the order written', () => {
    const sim = new Simulation();
    const tries: { written: number; start: number; end: number }[] = [];
    let started = NaN;
    const observer = new Proxy({} as WorldObserver, {
      get: (_, name) => {
        if (name === 'connected') return (_c: unknown, _by: string, report: ConnectReport) => (started = sim.now - report.elapsed);
        if (name === 'sendResult') return (life: MessageLife) => tries.push({ written: life.message.createdAt, start: started, end: sim.now });
        return () => undefined;
      },
    });
    buildWorld(sim, load('busy.yaml', scenario(1, '360/hour')).scenario, 1, observer);
    sim.run({ until: 7200 });
    // Each try waits out the connect timeout (21 s here), so the outbox fills up.
    expect(tries.length).toBeGreaterThan(10);
    expect(tries.every((t) => t.end - t.start > 20)).toBe(true);
    for (const [i, after] of tries.entries()) {
      const before = tries[i - 1];
      if (before === undefined) continue;
      expect(after.written).toBeGreaterThan(before.written);
      // The next message is taken the moment the previous try ends, or when it is written.
      expect(after.start).toBeCloseTo(Math.max(before.end, after.written), 9);
    }
    expect(tries.filter((t, i) => t.written < (tries[i - 1]?.end ?? 0)).length).toBeGreaterThan(20);
  });

  it('costs a waiting user one pending event and no process', () => {
    const sim = new Simulation();
    const quiet: WorldObserver = new Proxy({} as WorldObserver, { get: () => () => undefined });
    buildWorld(sim, load('many.yaml', scenario(500, '5/day', '30d')).scenario, 1, quiet);
    expect(sim.pending).toBe(500);
    expect(sim.processes.size).toBe(0);
  });

  it('logs in to the submission server with an account of its own', () => {
    // Twenty subscribers share their group's mail set-up, and the server allows each account
    // 5 messages an hour: as one account they would be turned away within minutes.
    const text = `
title: one account each
duration: 3h
world:
  isps:
    - { name: home-isp, prefixes: [10.81.0.0/16], lines: [{ name: adsl }] }
    - { name: hosting, prefixes: [192.0.2.0/24] }
  servers:
    - name: smtp.home.example
      isp: hosting
      role: submission
      listen: [{ port: 587, tls: starttls, auth: required }]
      auth: true
      limits: { perUser: 5/hour }
    - { name: mx.dest.example, isp: hosting, domains: [dest.example], listen: [{ port: 25 }] }
  clientGroups:
    - name: home
      isp: home-isp
      line: adsl
      count: 20
      send: { rate: 1/hour, diurnal: flat, to: { dest.example: 100% } }
      mailClient: { server: smtp.home.example, port: 587, tls: starttls, auth: valid }
`;
    const sim = new Simulation();
    const decisions = { accepted: 0, deferred: 0, rejected: 0 };
    const observer = new Proxy({} as WorldObserver, {
      get: (_, name) => (name === 'serverDecision' ? (server: string, what: keyof typeof decisions) => server === 'smtp.home.example' && decisions[what]++ : () => undefined),
    });
    buildWorld(sim, load('accounts.yaml', text).scenario, 1, observer);
    sim.run({ until: 3 * 3600 });
    expect(decisions.accepted).toBeGreaterThan(30);
    expect(decisions.deferred + decisions.rejected).toBe(0);
  });
});
