import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-bursts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const H = 3600;

// Ten zombies on an open line, sending 30 spam an hour each, straight to an MX that takes
// everything; their users write legitimate mail too, from the same machines.
function scenario(bursts: string): string {
  return `
title: bursting zombies
duration: 2d
seed: 5
world:
  isps:
    - { name: lime, prefixes: [10.50.0.0/16], lines: [{ name: adsl }] }
    - { name: hosting, prefixes: [192.0.2.0/24] }
  servers:
    - { name: mx.esp.example, isp: hosting, domains: [esp.example] }
  clientGroups:
    - name: infected
      isp: lime
      line: adsl
      count: 10
      send: { rate: 20/day, spread: 1, to: { esp.example: 100% } }
      mailClient: { server: mx.esp.example, port: 25 }
      zombies: { share: 100%, rate: 30/hour, to: { esp.example: 100% }${bursts === '' ? '' : `, bursts: ${bursts}`} }
`;
}

function run(name: string, bursts: string, until?: number) {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, scenario(bursts));
  return runScenario(loadScenario(file), until === undefined ? { keepMessages: true } : { until, keepMessages: true });
}

/** When each client's messages of class `cls` were written, by client index. */
function written(r: ReturnType<typeof run>, cls: 'spam' | 'legit'): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const l of r.lives.values()) {
    if (l.message.cls !== cls) continue;
    const ts = out.get(l.message.client) ?? [];
    ts.push(l.message.createdAt);
    out.set(l.message.client, ts);
  }
  return out;
}

describe('zombies with bursts', () => {
  it('write spam only inside one window of `length` in every period, about rate × length × periods in all', () => {
    const every = 6 * H;
    const length = H;
    const ran = run('bursts', '{ every: 6h, length: 1h }');
    const { report } = ran;
    const spam = written(ran, 'spam');
    expect(spam.size).toBe(10);
    for (const times of spam.values()) {
      // Folded onto one period, a zombie's spam fits in an arc of `length`: the largest empty
      // stretch of the circle is at least the quiet part of the period.
      const phases = times.map((t) => t % every).sort((a, b) => a - b);
      let quiet = phases[0]! + every - phases[phases.length - 1]!;
      for (let i = 1; i < phases.length; i++) quiet = Math.max(quiet, phases[i]! - phases[i - 1]!);
      expect(quiet).toBeGreaterThanOrEqual(every - length - 1e-6);
      expect(quiet).toBeLessThan(every - length + 10 * 60); // and the window is used throughout
      // Every period of the run has its burst (a window cut by the run's start or end makes nine).
      const sorted = [...times].sort((a, b) => a - b);
      const bursts = 1 + sorted.filter((t, i) => i > 0 && t - sorted[i - 1]! >= every - length).length;
      expect(bursts).toBeGreaterThanOrEqual(8);
      expect(bursts).toBeLessThanOrEqual(9);
    }
    // 10 zombies × 30/hour × 1 h × 8 periods = 2400, give or take a Poisson count's spread.
    const total = [...spam.values()].reduce((n, ts) => n + ts.length, 0);
    expect(Math.abs(total - 2400)).toBeLessThan(4 * Math.sqrt(2400));
    expect(report.groups.find((g) => g.group === 'infected' && g.class === 'spam')?.sent).toBe(total);
  });

  it('send as without bursts when the window is the whole period, to the last message, legitimate mail included', () => {
    const plain = run('plain', '', 12 * H);
    const always = run('always', '{ every: 1d, length: 1d }', 12 * H);
    const times = (r: ReturnType<typeof run>, cls: 'spam' | 'legit') => [...written(r, cls).entries()].sort(([a], [b]) => a - b);
    expect(times(always, 'spam')).toEqual(times(plain, 'spam'));
    expect(times(always, 'legit')).toEqual(times(plain, 'legit'));
    expect(always.report.groups).toEqual(plain.report.groups);
    expect(always.report.events).toBe(plain.report.events);
  });
});
