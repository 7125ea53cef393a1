/**
 * Runs jobs on worker threads, one job per thread at a time, and gives the results back in
 * the plan's order, whichever thread finishes first: what a comparison or sweep computes never
 * depends on scheduling.
 *
 * The threads run the compiled `worker.js` beside this module. From the TypeScript sources
 * (as under the test runner) there is no compiled worker, and the jobs run one after another
 * in the calling thread instead, with the same results.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { type JobResult, type RunJob, runJob, type ScenarioCache } from './job.js';
import { deserializeError, type FromWorker } from './worker-protocol.js';

/** How to run a batch of jobs. */
export interface PoolOptions {
  /** Worker threads to use (default: the machine's cores); 0 runs every job in this thread. */
  workers?: number;
  /** Stops the batch: running jobs are abandoned, finished ones are kept. */
  signal?: AbortSignal;
  /** Told how many runs are done, counting parts of those under way, out of how many. */
  onProgress?: (done: number, total: number) => void;
  /** Told of each result as it arrives (in finishing order, for writing rows as they come). */
  onResult?: (result: JobResult) => void;
  /** The old generation each worker thread may fill, in MiB (default: `workerHeapMb`). */
  workerHeapMb?: number;
}

/**
 * A worker thread's run outgrew the heap it was given: node stopped that thread (the others
 * are stopped too), and the batch has no result.
 */
export class WorkerOutOfMemory extends Error {
  constructor(
    /** What each thread was given, in MiB. */
    readonly heapMb: number,
    readonly workers: number,
  ) {
    super(`a run outgrew the ${heapMb} MiB of heap each of ${workers} worker threads may use`);
    this.name = 'WorkerOutOfMemory';
  }
}

/**
 * The heap each of `workers` threads may fill, in MiB: an equal share of three quarters of
 * the machine, and never less than node allows this thread (whose limit a thread would
 * otherwise get, each of them, whatever the machine).
 */
export function workerHeapMb(workers: number, machine = totalmem(), own = ownHeapMb()): number {
  return Math.max(own, Math.floor((0.75 * machine) / Math.max(1, workers) / 2 ** 20));
}

/** This thread's old generation (MiB): V8's limit less the young generation's 48 MiB (node 20). */
export function ownHeapMb(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20) - 48;
}

/** What a batch came to. */
export interface PoolOutcome {
  /** The results of the jobs that finished, in the jobs' order. */
  results: JobResult[];
  /** True when the signal stopped the batch before every job finished. */
  interrupted: boolean;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Whether worker threads can be used here (the compiled worker exists). */
export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

/** The default number of workers: the machine's cores. */
export function defaultWorkers(): number {
  return availableParallelism();
}

function inOrder(results: Map<number, JobResult>, jobs: readonly RunJob[]): JobResult[] {
  return jobs.flatMap((j) => {
    const r = results.get(j.index);
    return r === undefined ? [] : [r];
  });
}

async function runInline(jobs: readonly RunJob[], opts: PoolOptions): Promise<PoolOutcome> {
  const cache: ScenarioCache = new Map();
  const results = new Map<number, JobResult>();
  for (const job of jobs) {
    // Let a pending signal (Ctrl-C) be handled between runs.
    await new Promise((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted === true) return { results: inOrder(results, jobs), interrupted: true };
    const r = runJob(job, cache, (f) => opts.onProgress?.(results.size + f, jobs.length));
    results.set(job.index, r);
    opts.onResult?.(r);
    opts.onProgress?.(results.size, jobs.length);
  }
  return { results: inOrder(results, jobs), interrupted: false };
}

/**
 * Runs `jobs` on worker threads (see the module comment) and resolves with their results.
 *
 * @throws the first job's error, rebuilt from the worker (`ScenarioError`, `AssignmentError`
 *   or `JobError`); the other threads are stopped.
 */
export async function runJobs(jobs: readonly RunJob[], opts: PoolOptions = {}): Promise<PoolOutcome> {
  const wanted = Math.max(0, Math.floor(opts.workers ?? defaultWorkers()));
  if (jobs.length === 0) return { results: [], interrupted: false };
  if (wanted === 0 || !workersAvailable()) return runInline(jobs, opts);
  const n = Math.min(wanted, jobs.length);
  const heapMb = opts.workerHeapMb ?? workerHeapMb(n);
  const results = new Map<number, JobResult>();
  const running = new Map<number, number>(); // job index → fraction done
  const queue = [...jobs];
  const workers: Worker[] = [];
  let settled = false;

  return new Promise<PoolOutcome>((resolve, reject) => {
    const stopAll = (): Promise<unknown> => Promise.all(workers.map((w) => w.terminate()));
    const finish = (outcome: PoolOutcome | Error): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void stopAll().then(() => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
    };
    const onAbort = (): void => finish({ results: inOrder(results, jobs), interrupted: true });
    const progress = (): void => {
      let partial = 0;
      for (const f of running.values()) partial += f;
      opts.onProgress?.(results.size + partial, jobs.length);
    };
    const next = (w: Worker): void => {
      const job = queue.shift();
      if (job === undefined) {
        if (results.size === jobs.length) finish({ results: inOrder(results, jobs), interrupted: false });
        return;
      }
      running.set(job.index, 0);
      w.postMessage(job);
    };
    if (opts.signal?.aborted === true) {
      resolve({ results: [], interrupted: true });
      return;
    }
    opts.signal?.addEventListener('abort', onAbort);
    for (let i = 0; i < n; i++) {
      // With a limit of its own, a thread that runs out of memory is stopped with an error
      // this thread can report; without, V8 would end the whole process.
      const w = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: heapMb } });
      workers.push(w);
      w.on('message', (m: FromWorker) => {
        if (settled) return;
        if (m.kind === 'progress') {
          running.set(m.index, m.fraction);
          progress();
        } else if (m.kind === 'result') {
          running.delete(m.result.index);
          results.set(m.result.index, m.result);
          opts.onResult?.(m.result);
          progress();
          next(w);
        } else finish(deserializeError(m.error));
      });
      w.on('error', (e) => finish((e as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? new WorkerOutOfMemory(heapMb, n) : e));
      w.on('exit', (code) => {
        if (!settled && code !== 0) finish(new Error(`a worker thread stopped with exit code ${code}`));
      });
      next(w);
    }
  });
}
