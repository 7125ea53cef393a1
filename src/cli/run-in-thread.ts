/**
 * A run in a thread of its own (`run-thread.ts`), for `portsim run` and the scenario bench,
 * when the population is large (`wantsThread`).
 *
 * The thread's heap is sized for the run rather than left at node's default: three quarters
 * of the machine for its old generation (or what node was told with `--max-old-space-size`,
 * when it was), and a young generation large enough that the short-lived objects of a million
 * subscribers' traffic die there instead of being copied into the old generation (a week of
 * a million subscribers needs more than node's default heap, and spends a sixth of its time
 * in young collections at node's default size). Progress comes back as messages; a stop is
 * asked for by message and the run ends at its next step, as in the caller's thread.
 *
 * @module
 */
import { existsSync, rmSync } from 'node:fs';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LoadedScenario } from '../scenario/index.js';
import { partialPath } from '../trace/index.js';
import { deserializeError, ownHeapMb, type SerializedError, workerHeapMb } from '../whatif/index.js';
import { executeRun, type RunHooks, type RunOutcome, type RunSpec } from './run-execution.js';

/** What the thread starts with. */
export interface RunThreadData {
  readonly spec: RunSpec;
  readonly engineVersion: string;
  /** MiB of the old generation the thread was given: the rest of its heap limit is the young one's. */
  readonly oldMb: number;
}

/** What the thread posts. */
export type FromRunThread =
  | { readonly kind: 'building'; readonly made: number; readonly total: number }
  | { readonly kind: 'progress'; readonly fraction: number }
  | { readonly kind: 'outcome'; readonly outcome: RunOutcome }
  | { readonly kind: 'error'; readonly error: SerializedError };

const THREAD_URL = new URL('./run-thread.js', import.meta.url);

/** Whether a run can have a thread here (the compiled thread exists; not so for the sources under a test runner). */
export function runThreadAvailable(): boolean {
  return existsSync(fileURLToPath(THREAD_URL));
}

/**
 * Subscribers from which a run goes in a thread of its own. Below, node's default heap is
 * ample and a thread would only add its start (a third of a second: it loads the program
 * again) to a run of seconds.
 */
export const THREAD_FROM_CLIENTS = 250_000;

/** Whether `loaded` should run in a thread of its own here. */
export function wantsThread(loaded: LoadedScenario, available = runThreadAvailable()): boolean {
  let clients = 0;
  for (const g of loaded.scenario.world.clientGroups) clients += g.count;
  for (const v of loaded.variants.values()) {
    let n = 0;
    for (const g of v.world.clientGroups) n += g.count;
    clients = Math.max(clients, n);
  }
  return available && clients >= THREAD_FROM_CLIENTS;
}

/**
 * Runs `spec` where it fits: in a thread of its own for a large population (`wantsThread`),
 * in this thread otherwise. The outcome is the same either way.
 */
export function runPlaced(loaded: LoadedScenario, spec: RunSpec, engineVersion: string, hooks: RunHooks, stop: AbortSignal): Promise<RunOutcome> {
  return wantsThread(loaded) ? runInThread(spec, engineVersion, hooks, stop) : executeRun(loaded, spec, hooks, stop);
}

/** The young generation that a run's thread gets at most (MiB): three semi-spaces of 64 MiB. */
export const RUN_YOUNG_MB = 192;

/**
 * The heap of a run's thread, in MiB: `old` for its old generation, `young` for its young one.
 *
 * @param explicit whether node was given its old generation's size (`--max-old-space-size`),
 *   which the run then keeps to.
 * @param own node's own old generation (MiB).
 */
export function runHeapMb(explicit: boolean, own: number, machine = totalmem()): { old: number; young: number } {
  const old = explicit ? own : workerHeapMb(1, machine, own);
  return { old, young: Math.max(16, Math.min(RUN_YOUNG_MB, Math.floor(old / 8))) };
}

/** Whether node was told its old generation's size, on its command line or in NODE_OPTIONS. */
export function heapSizeGiven(execArgv = process.execArgv, nodeOptions = process.env['NODE_OPTIONS'] ?? ''): boolean {
  const given = (s: string): boolean => /^--max[-_]old[-_]space[-_]size(=|$)/.test(s);
  return execArgv.some(given) || nodeOptions.split(/\s+/).some(given);
}

/**
 * Runs `spec` in a thread of its own and gives its outcome; scenario and world errors are
 * thrown here as the run threw them there. A thread that outgrows its heap before its memory
 * watch could stop it ends as a stop for want of memory, its partial trace removed.
 *
 * @param heap the thread's heap in MiB (default `runHeapMb` for this process).
 */
export function runInThread(spec: RunSpec, engineVersion: string, hooks: RunHooks, stop: AbortSignal, heap = runHeapMb(heapSizeGiven(), ownHeapMb())): Promise<RunOutcome> {
  const data: RunThreadData = { spec, engineVersion, oldMb: heap.old };
  return new Promise<RunOutcome>((resolve, reject) => {
    const w = new Worker(THREAD_URL, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: heap.old, maxYoungGenerationSizeMb: heap.young } });
    let reached = 0;
    let settled = false;
    const onStop = (): void => w.postMessage('stop');
    const finish = (then: () => void): void => {
      if (settled) return;
      settled = true;
      stop.removeEventListener('abort', onStop);
      void w.terminate();
      then();
    };
    stop.addEventListener('abort', onStop, { once: true });
    if (stop.aborted) onStop();
    w.on('message', (m: FromRunThread) => {
      switch (m.kind) {
        case 'building':
          hooks.building?.(m.made, m.total);
          return;
        case 'progress':
          reached = m.fraction;
          hooks.progress?.(m.fraction);
          return;
        case 'outcome':
          finish(() => resolve(m.outcome));
          return;
        case 'error':
          finish(() => reject(deserializeError(m.error)));
      }
    });
    w.on('error', (e: Error & { code?: string }) => {
      if (e.code !== 'ERR_WORKER_OUT_OF_MEMORY') {
        finish(() => reject(e));
        return;
      }
      // The thread died where it stood, its trace half written: what it left is removed here.
      if (spec.trace !== null) rmSync(partialPath(spec.trace), { force: true });
      const limit = (heap.old + heap.young) * 2 ** 20;
      finish(() => resolve({ kind: 'stopped', reached, short: { used: heap.old * 2 ** 20, limit } }));
    });
    w.on('exit', (code) => finish(() => reject(new Error(`the run's thread ended (exit code ${code}) without an outcome`))));
  });
}
