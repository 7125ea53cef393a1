import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTrace } from '../../src/trace/index.js';

// `npm run bench -- scenario FILE`, through the built command (test/global-setup.ts builds it).
const BENCH = join('dist', 'bench', 'main.js');
const FILE = join('scenarios', 'teaching-botnet-port25.yaml');

const tmp = mkdtempSync(join(tmpdir(), 'portsim-bench-scenario-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Ran {
  code: number;
  out: string;
  err: string;
}

/** Runs the bench command with `TMPDIR` set to `tmpDir`, so that temporary files can be seen. */
async function bench(args: string[], tmpDir = tmp): Promise<Ran> {
  try {
    const r = await promisify(execFile)(process.execPath, [BENCH, ...args], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmpDir } });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}

function fields(line: string): Record<string, string> {
  return Object.fromEntries(line.trim().split(' ').map((kv) => kv.split('=') as [string, string]));
}

describe('npm run bench -- scenario', () => {
  const lineTmp = join(tmp, 'line');
  const keep = join(tmp, 'kept.trace');
  let line: Ran;
  let json: Ran;
  beforeAll(async () => {
    mkdirSync(lineTmp);
    // The two runs side by side: each lasts a few seconds.
    [line, json] = await Promise.all([bench(['scenario', FILE], lineTmp), bench(['scenario', FILE, '--json', '--trace', keep])]);
  }, 120_000);

  it('prints one key=value line with the run\'s measures, and removes its temporary trace', () => {
    expect(line.code).toBe(0);
    expect(line.err).toBe('');
    expect(line.out.endsWith('\n')).toBe(true);
    expect(line.out.trimEnd().split('\n')).toHaveLength(1);
    const f = fields(line.out);
    expect(Object.keys(f)).toEqual(['engine', 'scenario', 'variant', 'seed', 'sim_s', 'wall_s', 'events', 'ev_per_s', 'maxrss_kb', 'trace_bytes']);
    expect(f).toMatchObject({ engine: 'portsim', scenario: 'teaching-botnet-port25', variant: 'base', seed: '7', sim_s: '259200' });
    const wall = Number(f['wall_s']);
    const events = Number(f['events']);
    expect(wall).toBeGreaterThan(0);
    expect(Number.isInteger(events) && events > 0).toBe(true);
    expect(Math.abs(Number(f['ev_per_s']) - events / wall)).toBeLessThanOrEqual(events / wall / 1000 + 1);
    expect(Number(f['maxrss_kb'])).toBeGreaterThan(10 * 1024); // KiB: a Node process takes tens of MiB
    expect(Number(f['trace_bytes'])).toBeGreaterThan(0);
    expect(readdirSync(lineTmp)).toEqual([]);
  });

  it('prints one JSON object with --json, and keeps the trace asked for with --trace', () => {
    expect(json.code).toBe(0);
    expect(json.out.trimEnd().split('\n')).toHaveLength(1);
    const j = JSON.parse(json.out) as Record<string, unknown>;
    expect(j).toMatchObject({ engine: 'portsim', scenario: 'teaching-botnet-port25', file: FILE, variant: 'base', seed: '7', simulatedSeconds: 259200, trace: keep });
    // The same scenario and seed: the same run, whatever the output's form.
    expect(j['events']).toBe(Number(fields(line.out)['events']));
    expect(j['wallSeconds']).toBeGreaterThan(0);
    expect(j['eventsPerSecond']).toBe(Math.round((j['events'] as number) / (j['wallSeconds'] as number)));
    expect(j['peakRssMiB']).toBeCloseTo((j['maxRssKiB'] as number) / 1024, 1);
    expect(j['traceBytes']).toBe(statSync(keep).size);
    const trace = openTrace(keep);
    try {
      expect(trace.header.seed).toBe('7');
    } finally {
      trace.close();
    }
  });

  it('runs a variant with another seed', async () => {
    const r = await bench(['scenario', join('scenarios', 'bravo-roaming-office.yaml'), '--seed', '3', '--variant', 'base']);
    expect(r.code).toBe(0);
    expect(fields(r.out)).toMatchObject({ scenario: 'bravo-roaming-office', variant: 'base', seed: '3' });
  });

  it('stops at --until, for a partial timing of a long scenario', async () => {
    const r = await bench(['scenario', FILE, '--until', '6h']);
    expect(r.code).toBe(0);
    expect(Number(fields(r.out).sim_s)).toBe(6 * 3600);
    expect(Number(fields(r.out).events)).toBeGreaterThan(0);
  });

  it.concurrent.for<[string[], RegExp]>([
    [['scenario'], /^bench: bench scenario needs a scenario FILE\nusage:/],
    [['scenario', FILE, 'more.yaml'], /^bench: bench scenario takes one FILE, got also "more.yaml"\n/],
    [['scenario', FILE, '--api', 'process'], /^bench: --api does not apply to bench scenario\n/],
    [['scenario', FILE, '--seed', 'seven'], /^bench: --seed must be a whole number, got seven\n/],
    [['scenario', FILE, '--until', '5 parsecs'], /^bench: --until: .*parsecs/],
    [['hold', '10', '100', '--until', '1h'], /^bench: --until does not apply to bench hold\n/],
    [['hold', '10', '100', '--variant', 'x'], /^bench: --variant does not apply to bench hold\n/],
    [['scenario', join(tmp, 'nope.yaml')], new RegExp(`^${join(tmp, 'nope.yaml')}: cannot read ${join(tmp, 'nope.yaml')}: no such file\n$`)],
    [['scenario', FILE, '--variant', 'block-home-line'], /^scenarios\/teaching-botnet-port25.yaml: unknown variant 'block-home-line' — did you mean 'block-home-lines'\?\n$/],
    [['scenario', FILE, '--trace', join(tmp, 'no', 'such', 'dir.trace')], /^bench: cannot write .*dir\.trace: ENOENT\n$/],
  ])('%j: says what is wrong, exits 2, no stack trace', async ([args, message], { expect }) => {
    const r = await bench(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
