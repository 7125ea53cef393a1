import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { reportJobFailure } from '../../src/cli/compare.js';
import { shortOfMemory, shortOfMemoryText } from '../../src/cli/memory.js';
import { WorkerOutOfMemory } from '../../src/whatif/index.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const tmp = mkdtempSync(join(tmpdir(), 'portsim-memory-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a run short of memory', () => {
  it('is one whose heap, after a full collection, fills most of the old generation node allows', () => {
    const limit = 4144 * MiB; // node 20's default on a large machine: 4 GiB old, 48 MiB young
    expect(shortOfMemory({ used: 2.5 * GiB, limit })).toBe(false);
    expect(shortOfMemory({ used: 3.3 * GiB, limit })).toBe(false);
    expect(shortOfMemory({ used: 3.5 * GiB, limit })).toBe(true);
  });

  it('is told how much it held, what node allows, and how to give it more where the machine has room', () => {
    const text = shortOfMemoryText('run', { used: 3.5 * GiB, limit: 4144 * MiB }, '63%', 24 * GiB);
    expect(text).toBe(
      'portsim run: out of memory at 63%: the run holds 3.5 GiB, and node allows it 4.0 GiB.\n' +
        '  This machine has 24.0 GiB; give node more of it, for example:\n' +
        '  NODE_OPTIONS=--max-old-space-size=18432 portsim run ...\n',
    );
    const small = shortOfMemoryText('run', { used: 1.7 * GiB, limit: 2 * GiB }, '10%', 2 * GiB);
    expect(small).toContain('This machine has 2.0 GiB in all: try a shorter --until, or fewer subscribers.');
    expect(small).not.toContain('NODE_OPTIONS');
  });

  it('stops cleanly with exit code 3, says so, and leaves no trace behind, instead of dying in V8', () => {
    const root = join(import.meta.dirname, '..', '..');
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const trace = join(tmp, 'big.trace');
    // 100,000 subscribers in 200 MiB: the world fits, its first hours do not.
    const r = spawnSync(process.execPath, ['--max-old-space-size=200', join(root, 'bin', 'portsim.js'), 'run', join(root, 'scenarios', 'bench', 'isp-100k-week.yaml'), '--trace', trace, '--no-replay'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    expect(r.stderr).not.toContain('FATAL ERROR');
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^portsim run: out of memory at \d+%: the run holds \d+ MiB, and node allows it \d+ MiB\.$/m);
    expect(r.stderr).toMatch(/NODE_OPTIONS=--max-old-space-size=\d+ portsim run \.\.\./);
    expect(r.stderr).toContain(`No trace was written to ${trace}.`);
    expect(r.stdout).toBe('');
    expect(existsSync(trace)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  }, 300_000);

  it('in a worker thread of compare or sweep ends the command with exit code 3 and what to change', () => {
    const said: string[] = [];
    let code: number | undefined;
    try {
      reportJobFailure(new WorkerOutOfMemory(9216, 2), 'compare', (s) => said.push(s));
    } catch (e) {
      expect(e).toBeInstanceOf(CommanderError);
      code = (e as CommanderError).exitCode;
    }
    expect(code).toBe(3);
    expect(said.join('')).toBe(
      'portsim compare: out of memory: a run outgrew the 9216 MiB of heap each of 2 worker threads may use.\n' +
        '  Use fewer --workers (each then gets more), a shorter --until, or fewer subscribers.\n',
    );
  });
});
