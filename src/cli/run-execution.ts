/**
 * One run as `portsim run` and `npm run bench -- scenario` make it: the trace writer, the
 * simulation, the memory watch and the stop on request, with its outcome as plain data. It
 * runs in a thread of its own when it can (`run-in-thread.ts`), where it gets a heap sized for
 * the run instead of node's default, and in the caller's thread otherwise; the steps are the
 * same, and so is the outcome.
 *
 * @module
 */
import type { RunReport } from '../metrics/index.js';
import { RunInterrupted, runScenarioAsync, traceHeader } from '../run/index.js';
import type { FidelityLevel, LoadedScenario } from '../scenario/index.js';
import { TraceWriter } from '../trace/index.js';
import type { WorldWarning } from '../world/index.js';
import { type HeapReading, watchMemory } from './memory.js';

/** What to run: the scenario's file and the choices of the command line. */
export interface RunSpec {
  readonly file: string;
  readonly options: { readonly variant?: string; readonly seed?: string; readonly until?: number; readonly fidelity?: FidelityLevel };
  /** Where to write the trace, if anywhere. */
  readonly trace: string | null;
}

/** How a run ended, when it did not throw. */
export type RunOutcome =
  | { readonly kind: 'done'; readonly report: RunReport; readonly warnings: readonly WorldWarning[] }
  /** The trace could not be written (`code` is the system's: ENOENT, EACCES…); nothing was kept. */
  | { readonly kind: 'trace-failed'; readonly code: string }
  /** Stopped on request, or because the heap ran short (`short`); nothing was kept. */
  | { readonly kind: 'stopped'; readonly reached: number; readonly short: HeapReading | null };

/** What the run tells as it goes. */
export interface RunHooks {
  /** Clients made so far while the world is built. */
  building?(made: number, total: number): void;
  /** The share of the simulated time done. */
  progress?(fraction: number): void;
}

/**
 * Runs `spec` on `loaded` until it ends, fails or `stop` fires. Errors of the scenario or the
 * world are thrown, as the run throws them.
 *
 * @param youngReserve the heap the young generation may take, for the memory watch.
 */
export async function executeRun(loaded: LoadedScenario, spec: RunSpec, hooks: RunHooks, stop: AbortSignal, youngReserve?: number): Promise<RunOutcome> {
  const header = traceHeader(loaded, spec.options); // also checks the variant's name
  let writer: TraceWriter | null = null;
  if (spec.trace !== null) {
    try {
      writer = new TraceWriter(spec.trace, header);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException | null)?.code;
      if (typeof code === 'string') return { kind: 'trace-failed', code };
      throw e;
    }
  }
  const halt = new AbortController();
  const onStop = (): void => halt.abort();
  stop.addEventListener('abort', onStop, { once: true });
  if (stop.aborted) halt.abort();
  // A run that outgrows its heap is stopped the same way, before V8 gives up on it.
  let short: HeapReading | null = null;
  const unwatch = watchMemory((r) => {
    short = r;
    halt.abort();
  }, youngReserve);
  let reached = 0;
  try {
    const progress = (f: number): void => {
      reached = f;
      hooks.progress?.(f);
    };
    const r = await runScenarioAsync(loaded, { ...spec.options, ...(writer === null ? {} : { trace: writer }), progress, ...(hooks.building === undefined ? {} : { building: hooks.building }) }, halt.signal);
    try {
      (writer as TraceWriter | null)?.close();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException | null)?.code;
      if (typeof code === 'string') return { kind: 'trace-failed', code };
      throw e;
    }
    return { kind: 'done', report: r.report, warnings: r.world.warnings };
  } catch (e) {
    (writer as TraceWriter | null)?.abort();
    if (e instanceof RunInterrupted) return { kind: 'stopped', reached, short };
    throw e;
  } finally {
    unwatch();
    stop.removeEventListener('abort', onStop);
  }
}
