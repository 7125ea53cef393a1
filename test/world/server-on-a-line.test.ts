import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { WorldError } from '../../src/world/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-server-line-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// An office mail server on an ADSL line relays its users' mail to a remote MX that offers
// STARTTLS; the office's ISP strips STARTTLS from port-25 replies.
function scenario(line: string, stripping: boolean): string {
  return `
title: office server on a line
duration: 1d
world:
  isps:
    - name: adsl-isp
      prefixes: [10.70.0.0/24]
      lines: [{ name: adsl }]
      firewall:
        rules:
          - { name: strip, enabled: ${String(stripping)}, direction: outbound, protocol: tcp, destinationPorts: 25, action: strip-starttls }
    - { name: hosting, prefixes: [192.0.2.0/24] }
  servers:
    - name: mail.office.example
      isp: adsl-isp
      line: ${line}
      auth: true
      mta: { tls: opportunistic }
    - { name: mx.dest.example, isp: hosting, domains: [dest.example], listen: [{ port: 25, tls: starttls }] }
  clientGroups:
    - name: staff
      isp: adsl-isp
      line: adsl
      count: 2
      send: { rate: 6/day, to: { dest.example: 100% } }
      mailClient: { server: mail.office.example, port: 25, auth: valid }
`;
}

function run(line: string, stripping: boolean) {
  const file = join(tmp, `s-${line}-${String(stripping)}.yaml`);
  writeFileSync(file, scenario(line, stripping));
  return runScenario(loadScenario(file), { keepMessages: true });
}

function relayTls(lives: ReturnType<typeof run>['lives']): string[] {
  const out: string[] = [];
  for (const l of lives.values()) for (const a of l.attempts) if (a.by === 'mail.office.example' && a.result === 'accepted') out.push(a.tls);
  return out;
}

describe('a server with a `line`', () => {
  it('sits behind its ISP\'s border firewall: a STARTTLS-stripping rule makes its MTA deliver in plaintext', () => {
    const { report, world, lives } = run('adsl', true);
    const tls = relayTls(lives);
    expect(tls.length).toBeGreaterThan(0);
    expect(new Set(tls)).toEqual(new Set(['none']));
    expect(report.rules.find((r) => r.rule === 'strip')?.hits).toBeGreaterThan(0);
    expect(world.servers.get('mail.office.example')?.host.line?.lineClass.name).toBe('adsl');
  });

  it('uses STARTTLS when the rule is off', () => {
    const { lives } = run('adsl', false);
    expect(new Set(relayTls(lives))).toEqual(new Set(['starttls']));
  });

  it('must name a line class its ISP sells', () => {
    expect(() => run('dsl', true)).toThrow(WorldError);
    expect(() => run('dsl', true)).toThrow("ISP 'adsl-isp' sells no line class 'dsl'; it sells adsl");
  });
});
