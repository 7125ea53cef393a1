import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-cli-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join(''), err: err.join('') };
}

function scenario(name: string, body: string): string {
  const f = join(tmp, name);
  writeFileSync(f, body);
  return f;
}

const SMALL = `title: Small
duration: 1d
world:
  isps:
    - name: isp
      prefixes: [10.1.0.0/16]
      lines: [{ name: adsl }]
      firewall:
        rules:
          - { name: block-25, protocol: tcp, destinationPorts: 25, action: drop }
          - { name: allow-smarthost, protocol: tcp, destinationPorts: 25, destination: { hosts: [smtp.isp.example] }, action: accept }
    - { name: hosting, prefixes: [192.0.2.0/24] }
  servers:
    - { name: smtp.isp.example, isp: isp, role: smart-host, relayFor: [isp] }
    - { name: mx.example.com, isp: hosting, domains: [example.com] }
  clientGroups:
    - name: users
      isp: isp
      line: adsl
      count: 3
      send: { rate: 6/day, to: { example.com: 100% } }
      mailClient: { server: smtp.isp.example, port: 25 }
expectations:
  - legit mail from users delivered >= 90%
`;

describe('portsim run', () => {
  it('prints the report, warns about a rule that can never match, and exits 1 when an expectation fails', async () => {
    const r = await cli('run', scenario('small.yaml', SMALL));
    expect(r.err).toContain('small.yaml:11:13: warning: isp/allow-smarthost: exception "allow-smarthost" can never match');
    expect(r.out).toMatch(/^Small\nbase scenario, seed 42, 1d simulated/);
    expect(r.out).toMatch(/users legit\s+\d+\s+0%/);
    expect(r.out).toContain('FAIL  legit mail from users delivered >= 90%  (measured 0%)');
    expect(r.code).toBe(1);
  });

  it('prints only JSON on stdout with --json, with the documented keys', async () => {
    const r = await cli('run', scenario('small2.yaml', SMALL), '--json', '--until', '12h');
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining(['version', 'scenario', 'variant', 'seed', 'simulatedSeconds', 'events', 'groups', 'rules', 'servers', 'expectations', 'vpn', 'locations', 'workarounds', 'supportCalls']),
    );
    expect(j['simulatedSeconds']).toBe(43200);
    expect((j['groups'] as Record<string, unknown>[])[0]).toMatchObject({ group: 'users', class: 'legit', clients: 3 });
    expect(Object.keys((j['groups'] as Record<string, unknown>[])[0]!)).toEqual(
      expect.arrayContaining(['sent', 'delivered', 'late', 'bounced', 'failed', 'queued', 'delayP50', 'delayP95', 'usersAffected', 'userErrors']),
    );
    expect((j['rules'] as Record<string, unknown>[])[0]).toMatchObject({ isp: 'isp', rule: 'block-25' });
    expect((j['expectations'] as Record<string, unknown>[])[0]).toMatchObject({ text: 'legit mail from users delivered >= 90%', passed: false, actual: 0 });
  });

  it('writes a trace only when asked, and leaves nothing else behind', async () => {
    const dir = mkdtempSync(join(tmp, 'trace-'));
    const f = scenario('small3.yaml', SMALL.replace('>= 90%', '<= 10%'));
    const r = await cli('run', f, '--trace', join(dir, 'run.trace'), '--until', '6h');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`trace written to ${join(dir, 'run.trace')}`);
    expect(readdirSync(dir)).toEqual(['run.trace']);
  });

  it('rejects bad input with exit code 2 and a located message, without a stack trace', async () => {
    const bad = await cli('run', scenario('bad.yaml', SMALL.replace('line: adsl\n      count: 3', 'line: dsl\n      count: 3')));
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(`${join(tmp, 'bad.yaml')}:19:13: world.clientGroups[0].line: ISP 'isp' sells no line class 'dsl'; it sells adsl\n`);
    const seed = await cli('run', join(tmp, 'small.yaml'), '--seed', 'seven');
    expect(seed.code).toBe(2);
    expect(seed.err).toContain('a seed is a whole number >= 0, got "seven"');
    const variant = await cli('run', join(tmp, 'small.yaml'), '--variant', 'proposal');
    expect(variant.code).toBe(2);
    expect(variant.err).toContain("unknown variant 'proposal': the scenario has no variants");
    const missing = await cli('run', join(tmp, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).not.toMatch(/\n\s+at /);
  });

  it('says so when the trace cannot be written, exits 2 and leaves no partial file', async () => {
    const f = scenario('small4.yaml', SMALL);
    const noFolder = await cli('run', f, '--trace', join(tmp, 'no-such-folder', 'run.trace'), '--until', '1h');
    expect(noFolder.code).toBe(2);
    expect(noFolder.err).toBe(`portsim: cannot write the trace to ${join(tmp, 'no-such-folder', 'run.trace')}: no such folder\n`);
    const dir = mkdtempSync(join(tmp, 'folder-'));
    const folder = await cli('run', f, '--trace', dir, '--until', '1h');
    expect(folder.code).toBe(2);
    expect(folder.err).toBe(`portsim: cannot write the trace to ${dir}: that is a folder\n`);
    expect(readdirSync(tmp).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });
});

/**
 * Starts `portsim run` of a week of 10,000 subscribers (minutes of work, so a signal lands
 * mid-run) with a trace in a folder of its own, and waits until its partial trace is there:
 * the run has begun, and its signals are handled.
 */
async function runUnderway(name: string): Promise<{ child: ReturnType<typeof spawn>; dir: string; done: Promise<number | null>; err: () => string }> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const dir = mkdtempSync(join(tmp, `${name}-`));
  const trace = join(dir, 'week.trace');
  const child = spawn(process.execPath, [join(root, 'bin', 'portsim.js'), 'run', 'scenarios/bench/isp-10k-week.yaml', '--trace', trace], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.resume();
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (readdirSync(dir).length === 0) {
    if (Date.now() > deadline) throw new Error('the run never started its trace');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, dir, done, err: () => err };
}

describe('Ctrl-C during a run', () => {
  it('stops within a simulated minute, exits 130 and leaves no trace, finished or partial', async () => {
    const { child, dir, done, err } = await runUnderway('interrupted');
    child.kill('SIGINT');
    expect(await done).toBe(130);
    expect(err()).toMatch(/^portsim run: interrupted at \d+%; no trace was written to .*week\.trace\n$/);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('killed with %s mid-run, it exits %i and takes its partial trace with it', async (signal, exitCode) => {
    const { child, dir, done } = await runUnderway(signal);
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^\.week\.trace\.\d+\.partial$/)]);
    child.kill(signal);
    expect(await done).toBe(exitCode);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);
});
