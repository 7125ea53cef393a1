import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heapSizeGiven, runHeapMb, THREAD_FROM_CLIENTS, wantsThread } from '../../src/cli/run-in-thread.js';
import { loadScenario } from '../../src/scenario/index.js';

type ThreadModule = typeof import('../../src/cli/run-in-thread.js');
type ExecutionModule = typeof import('../../src/cli/run-execution.js');
type ScenarioModule = typeof import('../../src/scenario/index.js');
type RunModule = typeof import('../../src/run/index.js');

const root = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'portsim-run-thread-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const GiB = 2 ** 30;

// The thread is the compiled one: these tests drive the built modules.
let thread: ThreadModule;
let execution: ExecutionModule;
let scenarios: ScenarioModule;
let run: RunModule;
beforeAll(async () => {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  const dist = (p: string): string => pathToFileURL(join(root, 'dist', 'src', ...p.split('/'))).href;
  thread = (await import(dist('cli/run-in-thread.js'))) as ThreadModule;
  execution = (await import(dist('cli/run-execution.js'))) as ExecutionModule;
  scenarios = (await import(dist('scenario/index.js'))) as ScenarioModule;
  run = (await import(dist('run/index.js'))) as RunModule;
  expect(thread.runThreadAvailable()).toBe(true);
});

const never = new AbortController().signal;

describe('a run in a thread of its own', () => {
  it('is taken for a large population only', () => {
    const big = loadScenario(join(root, 'scenarios', 'bench', 'isp-1m-week.yaml'));
    const small = loadScenario(join(root, 'scenarios', 'bench', 'isp-100k-week.yaml'));
    expect(THREAD_FROM_CLIENTS).toBeGreaterThan(100_000);
    expect(wantsThread(big, true)).toBe(true);
    expect(wantsThread(big, false)).toBe(false);
    expect(wantsThread(small, true)).toBe(false);
  });

  it('gets three quarters of the machine, or what node was told, and a young generation to match', () => {
    expect(runHeapMb(false, 4048, 24 * GiB)).toEqual({ old: 18432, young: 192 });
    expect(runHeapMb(true, 200, 24 * GiB)).toEqual({ old: 200, young: 25 });
    expect(runHeapMb(true, 64, 24 * GiB)).toEqual({ old: 64, young: 16 });
    expect(heapSizeGiven(['--max-old-space-size=200'], '')).toBe(true);
    expect(heapSizeGiven([], '--trace-gc --max_old_space_size=8000')).toBe(true);
    expect(heapSizeGiven(['--max-semi-space-size=64'], '--inspect')).toBe(false);
  });

  it('gives the same report and the same trace, byte for byte, as a run in the caller\'s thread', async () => {
    const file = join(root, 'scenarios', 'bt-internet-throttle.yaml');
    const here = join(tmp, 'here.trace');
    const there = join(tmp, 'there.trace');
    const options = { variant: 'no-throttle', until: 2 * 86400 };
    run.setEngineVersion('0.0.0-test');
    const a = await execution.executeRun(scenarios.loadScenario(file), { file, options, trace: here }, {}, never);
    const fractions: number[] = [];
    const b = await thread.runInThread({ file, options, trace: there }, '0.0.0-test', { progress: (f) => fractions.push(f) }, never);
    expect(a.kind).toBe('done');
    expect(b.kind).toBe('done');
    if (a.kind !== 'done' || b.kind !== 'done') return;
    expect(b.report).toEqual(a.report);
    expect(b.report.variant).toBe('no-throttle');
    expect(fractions.length).toBeGreaterThan(10);
    expect(fractions.at(-1)).toBe(1);
    expect(readFileSync(there).equals(readFileSync(here))).toBe(true);
  });

  it('stops at its next step when asked, and leaves no trace, whole or partial', async () => {
    const dir = mkdtempSync(join(tmp, 'stop-'));
    const file = join(root, 'scenarios', 'bench', 'isp-100k-week.yaml');
    const stop = new AbortController();
    const outcome = await thread.runInThread({ file, options: {}, trace: join(dir, 'run.trace') }, '0.0.0-test', { progress: (f) => f > 0.002 && stop.abort() }, stop.signal);
    expect(outcome.kind).toBe('stopped');
    if (outcome.kind !== 'stopped') return;
    expect(outcome.short).toBeNull();
    expect(outcome.reached).toBeGreaterThan(0.002);
    expect(outcome.reached).toBeLessThan(0.5);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);

  it('that outgrows its heap ends as out of memory, with nothing left on disk', async () => {
    const dir = mkdtempSync(join(tmp, 'oom-'));
    const file = join(root, 'scenarios', 'bench', 'isp-100k-week.yaml');
    const outcome = await thread.runInThread({ file, options: {}, trace: join(dir, 'run.trace') }, '0.0.0-test', {}, never, { old: 120, young: 16 });
    expect(outcome.kind).toBe('stopped');
    if (outcome.kind !== 'stopped') return;
    expect(outcome.short).not.toBeNull();
    expect(outcome.short?.limit).toBeGreaterThanOrEqual(120 * 2 ** 20);
    expect(readdirSync(dir)).toEqual([]);
  }, 300_000);

  it('sends a world\'s error back with its place in the scenario', async () => {
    const file = join(tmp, 'bad-line.yaml');
    writeFileSync(
      file,
      `title: a server on a line that is not there
duration: 1d
world:
  isps:
    - { name: adsl-isp, prefixes: [10.70.0.0/24], lines: [{ name: adsl }] }
  servers:
    - { name: mail.office.example, isp: adsl-isp, line: dsl }
`,
    );
    const failure = await thread.runInThread({ file, options: {}, trace: null }, '0.0.0-test', {}, never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ name: 'JobError', kind: 'WorldError' });
    expect((failure as { path: unknown }).path).toEqual(['world', 'servers', 0, 'line']);
    expect(existsSync(join(tmp, 'bad-line.trace'))).toBe(false);
  });
});
