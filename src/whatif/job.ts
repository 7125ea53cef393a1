/**
 * One run of a comparison or a sweep, as plain data that can cross to a worker thread, and
 * what comes back.
 *
 * A job names its scenario by file and `--set` values rather than carrying the parsed
 * scenario: a worker reads and validates it itself (once per distinct scenario), and checks
 * the file's hash so that every run of a plan uses the same text.
 *
 * @module
 */
import { type MessageOutcome, runScenario, traceHeader } from '../run/index.js';
import { BASE_VARIANT, type LoadedScenario } from '../scenario/index.js';
import { type Figures, figuresOf } from './figures.js';
import { loadPoint, type Setting } from './grid.js';

/** A run to do. */
export interface RunJob {
  /** Its place in the plan: results are put back in this order, whichever worker ends first. */
  index: number;
  file: string;
  /** The scenario file's hash when the plan was made. */
  sourceHash: string;
  /** Values set into the scenario before it is validated (a sweep's grid point). */
  settings: readonly Setting[];
  /** A variant's name, or `base`. */
  variant: string;
  seed: string;
  /** Stop early, at this many simulated seconds. */
  until?: number;
  /** Delivery later than this counts as late. */
  lateAfter?: number;
  /** Whether to send back every legitimate message's outcome (for collateral damage). */
  outcomes: boolean;
}

/** A run done. */
export interface JobResult {
  index: number;
  variant: string;
  seed: string;
  /** The hash of the scenario the run used (as in its trace header). */
  scenarioHash: string;
  figures: Figures;
  /** Kernel events executed. */
  events: number;
  simulatedSeconds: number;
  lateAfter: number;
  /** The scenario's expectations for this variant that did not hold. */
  failedExpectations: string[];
  /** Legitimate messages' outcomes, when asked for. */
  outcomes?: MessageOutcome[];
}

/** The scenario file changed while a plan ran. */
export class ScenarioChangedError extends Error {
  override name = 'ScenarioChangedError';
}

/** Loaded scenarios by file and settings, so a worker reads each one once. */
export type ScenarioCache = Map<string, LoadedScenario>;

function loadFor(job: RunJob, cache: ScenarioCache): LoadedScenario {
  const key = JSON.stringify([job.file, job.settings]);
  let loaded = cache.get(key);
  if (loaded === undefined) {
    loaded = loadPoint(job.file, job.settings, job.variant);
    if (loaded.source.hash !== job.sourceHash) throw new ScenarioChangedError(`${job.file} changed while the runs were going on; start again`);
    cache.set(key, loaded);
  }
  return loaded;
}

/** Does one job, telling `progress` how far the run has got (0 to 1) now and then. */
export function runJob(job: RunJob, cache: ScenarioCache = new Map(), progress?: (fraction: number) => void): JobResult {
  const loaded = loadFor(job, cache);
  const variant = job.variant === BASE_VARIANT ? undefined : job.variant;
  const opts = {
    ...(variant === undefined ? {} : { variant }),
    seed: job.seed,
    ...(job.until === undefined ? {} : { until: job.until }),
    ...(job.lateAfter === undefined ? {} : { lateAfter: job.lateAfter }),
  };
  const result = runScenario(loaded, { ...opts, ...(job.outcomes ? { keepOutcomes: 'legit' as const } : {}), ...(progress === undefined ? {} : { progress }) });
  const r = result.report;
  return {
    index: job.index,
    variant: job.variant,
    seed: job.seed,
    scenarioHash: traceHeader(loaded, opts).scenarioHash,
    figures: figuresOf(r),
    events: r.events,
    simulatedSeconds: r.simulatedSeconds,
    lateAfter: r.lateAfter,
    failedExpectations: r.expectations.filter((x) => !x.passed).map((x) => x.text),
    ...(job.outcomes ? { outcomes: result.outcomes() } : {}),
  };
}
