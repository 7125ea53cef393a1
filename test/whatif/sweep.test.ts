import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/index.js';
import { openRowFile, parseAssignment, parseCsv, planSweep, runSweep, SweepPlanError } from '../../src/whatif/index.js';

const SMALL = 'test/whatif/fixtures/small-isp.yaml';
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'portsim-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plan(...sets: string[]): ReturnType<typeof planSweep> {
  return planSweep(SMALL, loadScenario(SMALL), { assignments: sets.map(parseAssignment) });
}

describe('planning a sweep', () => {
  it('makes one point per combination, last --set fastest, each validated', () => {
    const p = plan('world.clientGroups.zombies.count=1,2', 'world.servers.smtp.esp.example.limits.perIp.limit=10/day..30/day step 10/day');
    expect(p.points.map((x) => x.settings.map((s) => s.text).join(' '))).toEqual(['1 10/day', '1 20/day', '1 30/day', '2 10/day', '2 20/day', '2 30/day']);
    expect(p.points[0]?.loaded.scenario.world.servers[1]?.limits?.perIp?.limit).toBeCloseTo(10 / 86400, 12);
    expect(new Set(p.points.map((x) => x.scenarioHash)).size).toBe(6);
  });

  it('reports each bad value once, at its --set, with the scenario\'s own message', () => {
    try {
      plan('world.clientGroups.zombies.count=1,0,2', 'world.isps[isp].firewall.rules[block-25].action=drop,dorp');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(SweepPlanError);
      expect([...(e as SweepPlanError).lines].sort()).toEqual([
        '--set world.clientGroups.zombies.count=0: world.clientGroups[2].count: expected a number ≥ 1, found the number 0',
        "--set world.isps[isp].firewall.rules[block-25].action=dorp: world.isps[0].firewall.rules[1].action: expected one of 'accept', 'drop', 'reject', 'reset-after-inspection', 'strip-starttls', 'log', found the text \"dorp\" — did you mean 'drop'?",
      ]);
    }
  });
});

describe('the rows file', () => {
  it('drops a line cut short when resuming, and refuses rows of another sweep', async () => {
    const p = plan('world.clientGroups.zombies.count=1..3');
    const file = join(dir, 'partial.csv');
    const f = openRowFile(file, 'csv', p);
    const { rows } = await runSweep(p, new Set(), { workers: 0, onRow: (r) => f.append(r) });
    expect(rows.map((r) => r.run)).toEqual([0, 1, 2]);
    appendFileSync(file, '3,4,base,7,abc,12'); // a write cut short
    const again = openRowFile(file, 'csv', p, { resume: true });
    expect(again.resumed.map((r) => r.run)).toEqual([0, 1, 2]);
    expect(again.resumed[1]?.figures).toEqual(rows[1]?.figures);
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    expect(() => openRowFile(file, 'csv', p)).toThrow(/exists: add --resume/);
    const other = plan('world.clientGroups.zombies.count=4,5');
    expect(() => openRowFile(file, 'csv', other, { resume: true })).toThrow(/is not part of this sweep/);
  });

  it('keeps a JSON file valid after every row', async () => {
    const p = plan('world.clientGroups.zombies.count=1,2');
    const file = join(dir, 'rows.json');
    const f = openRowFile(file, 'json', p);
    const seen: number[] = [];
    await runSweep(p, new Set(), {
      workers: 0,
      onRow: (r) => {
        f.append(r);
        seen.push((JSON.parse(readFileSync(file, 'utf8')) as { rows: unknown[] }).rows.length);
      },
    });
    expect(seen).toEqual([1, 2]);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { sweep: { parameters: string[] }; rows: Record<string, unknown>[] };
    expect(doc.sweep.parameters).toEqual(['world.clientGroups.zombies.count']);
    expect(doc.rows[1]).toMatchObject({ run: 1, params: { 'world.clientGroups.zombies.count': 2 }, variant: 'base', seed: '7' });
    expect(openRowFile(file, 'json', p, { resume: true }).resumed.length).toBe(2);
  });
});

/** Rows of a CSV file without its header, as lines. */
function dataLines(file: string): string[] {
  return parseCsv(readFileSync(file, 'utf8')).records.slice(1).map((r) => r.join(','));
}

// The command runs from the compiled build (test/global-setup.ts makes it), with real worker threads.
describe('portsim sweep interrupted with Ctrl-C and resumed', () => {
  const bin = join(root, 'bin', 'portsim.js');
  const args = ['sweep', SMALL, '--set', 'world.clientGroups.zombies.count=1..10', '--seeds', '1'];

  function sweep(extra: string[]): ChildProcess & { done: Promise<{ code: number | null; err: string }> } {
    const child = spawn(process.execPath, [bin, ...args, ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.resume();
    const done = new Promise<{ code: number | null; err: string }>((resolve) => child.on('close', (code) => resolve({ code, err })));
    return Object.assign(child, { done });
  }

  it('keeps the finished rows, and --resume completes them without duplicates', async () => {
    const file = join(dir, 'interrupted.csv');
    // One worker, so that the runs come one after the other and Ctrl-C lands mid-sweep.
    const first = sweep(['--workers', '1', '--out', file]);
    const deadline = Date.now() + 60_000;
    while (!(existsSync(file) && dataLines(file).length >= 2)) {
      if (Date.now() > deadline) throw new Error('the sweep wrote no rows');
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    expect(stopped.err).toMatch(/interrupted after \d+ of 10 runs/);
    expect(stopped.err).toContain('--resume');
    const kept = dataLines(file);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThan(10);

    const second = sweep(['--workers', '2', '--out', file, '--resume']);
    const resumed = await second.done;
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toContain(`resuming: ${kept.length} of 10 runs already in`);
    const all = dataLines(file);
    expect(all.map((l) => l.split(',')[0])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const line of kept) expect(all).toContain(line);

    // The same rows as a sweep that was never interrupted.
    const whole = join(dir, 'whole.csv');
    const third = await sweep(['--out', whole]).done;
    expect(third.code, third.err).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(whole, 'utf8'));
  });
});

