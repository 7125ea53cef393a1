import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/index.js';
import { comparisonJobs, WorkerOutOfMemory, workerHeapMb } from '../../src/whatif/index.js';

const GiB = 2 ** 30;
const root = join(import.meta.dirname, '..', '..');

describe('the heap of a worker thread', () => {
  it('is a fair share of three quarters of the machine, and never less than this thread has', () => {
    expect(workerHeapMb(2, 24 * GiB, 4096)).toBe(9216);
    expect(workerHeapMb(8, 8 * GiB, 4096)).toBe(4096);
    expect(workerHeapMb(1, 64 * GiB, 4096)).toBe(49152);
    expect(workerHeapMb(0, 16 * GiB, 1024)).toBe(12288);
    expect(workerHeapMb(3, 1 * GiB, 2048)).toBe(2048);
  });

  it('stops a run that outgrows it with an error that says so, and the batch with it, instead of ending the process', async () => {
    // Worker threads run the compiled worker: build it if the sources are newer.
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const pool = (await import(pathToFileURL(join(root, 'dist', 'src', 'whatif', 'pool.js')).href)) as typeof import('../../src/whatif/pool.js');
    expect(pool.workersAvailable()).toBe(true);
    const loaded = loadScenario(join(root, 'scenarios', 'bench', 'isp-100k-week.yaml'));
    const jobs = comparisonJobs(loaded, ['base', 'no-block'], ['1'], {});
    const failure = await pool.runJobs(jobs, { workers: 2, workerHeapMb: 100 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(pool.WorkerOutOfMemory);
    expect((failure as WorkerOutOfMemory).message).toBe('a run outgrew the 100 MiB of heap each of 2 worker threads may use');
  }, 300_000);
});
