import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-zombie-stream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Infected machines whose users write mail too. In the `throttled` variant the MX defers the
// spam and the zombies slow down; their users must not notice: common random numbers.
const SCENARIO = `
title: zombies that slow down, and their users
duration: 1d
seed: 9
world:
  isps:
    - { name: home, prefixes: [10.60.0.0/16], lines: [{ name: adsl }] }
    - { name: hosting, prefixes: [192.0.2.0/24] }
  servers:
    - { name: mx.esp.example, isp: hosting, domains: [esp.example] }
  clientGroups:
    - name: infected
      isp: home
      line: adsl
      count: 6
      send: { rate: 12/day, spread: 1, to: { esp.example: 100% } }
      mailClient: { server: mx.esp.example, port: 25 }
      zombies: { share: 100%, rate: 20/hour, to: { esp.example: 100% }, adapt: { slowDown: 10 } }
variants:
  throttled:
    override:
      world:
        servers:
          - name: mx.esp.example
            limits: { perIp: { limit: 5/hour, reply: too-many-messages } }
`;

it("a zombie's spam, however it is throttled, leaves its user's mail written at the same moments", () => {
  const file = join(tmp, 'zombies.yaml');
  writeFileSync(file, SCENARIO);
  const loaded = loadScenario(file);
  const written = (variant?: string) => {
    const r = runScenario(loaded, { keepMessages: true, ...(variant === undefined ? {} : { variant }) });
    const by = (cls: 'legit' | 'spam') => [...r.lives.values()].filter((l) => l.message.cls === cls).map((l) => `${l.message.client}@${l.message.createdAt}`).sort();
    return { legit: by('legit'), spam: by('spam') };
  };
  const open = written();
  const throttled = written('throttled');
  // The throttle did bite: the zombies slowed down and wrote less spam.
  expect(throttled.spam.length).toBeLessThan(open.spam.length * 0.8);
  expect(open.legit.length).toBeGreaterThan(30);
  expect(throttled.legit).toEqual(open.legit);
});
