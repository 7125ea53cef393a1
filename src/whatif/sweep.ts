/**
 * Sweeping parameters: the grid of `--set` values, each point run on the same seeds, one row
 * per run with the values, the seed, the scenario's hash and the outcomes.
 *
 * A plan is made and validated in full before anything runs, so a bad value stops the sweep
 * at once with the scenario's own messages. Rows are identified by their values, variant and
 * seed: a sweep resumed from a file runs only the rows the file lacks.
 *
 * @module
 */
import { traceHeader } from '../run/index.js';
import { BASE_VARIANT, type LoadedScenario, ScenarioError, selectVariant } from '../scenario/index.js';
import { FIGURES, type Figures, legitHarmed, spamStopped } from './figures.js';
import { type TradeOff } from './frontier.js';
import { type Assignment, AssignmentError, gridOf, loadPoint, MAX_RUNS, pointProblemLines, type Setting } from './grid.js';
import type { JobResult, RunJob } from './job.js';
import { type PoolOptions, runJobs } from './pool.js';
import { seedList } from './seeds.js';

/** What to sweep. */
export interface SweepOptions {
  assignments: readonly Assignment[];
  /** The variant every point runs (default: the base scenario). */
  variant?: string;
  seeds?: number;
  seed?: string;
  until?: number;
  lateAfter?: number;
}

/** One point of the grid. */
export interface SweepPoint {
  index: number;
  settings: Setting[];
  /** The point's scenario, validated. */
  loaded: LoadedScenario;
  /** The hash of the scenario its runs use (as in a trace header's `scenarioHash`). */
  scenarioHash: string;
}

/** A sweep planned and validated. */
export interface SweepPlan {
  file: string;
  sourceHash: string;
  title: string;
  /** The `--set` paths, in order: one column each. */
  parameters: string[];
  variant: string;
  seeds: string[];
  points: SweepPoint[];
  until?: number;
  lateAfter?: number;
}

/** One run's row. */
export interface SweepRow {
  /** Point × seeds + seed index: the row's place in the finished file. */
  run: number;
  point: number;
  /** The values set, by path. */
  params: Record<string, unknown>;
  variant: string;
  seed: string;
  scenarioHash: string;
  figures: Figures;
  /** Spam written but not delivered. */
  spamStopped: number;
  /** Legitimate mail not delivered on time. */
  legitHarmed: number;
}

/** A sweep that cannot be planned: every problem, as lines to print. */
export class SweepPlanError extends Error {
  override name = 'SweepPlanError';
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
  }
}

/** The most distinct problems reported for a grid (the same fault recurs at many points). */
const MAX_PROBLEM_LINES = 30;

/**
 * Plans a sweep of `file` (whose base scenario has been loaded as `base`).
 *
 * @throws SweepPlanError listing every bad path and value, each once
 * @throws ScenarioError for an unknown variant
 */
export function planSweep(file: string, base: LoadedScenario, opts: SweepOptions): SweepPlan {
  if (opts.assignments.length === 0) throw new SweepPlanError(['nothing to sweep: give at least one --set PATH=VALUES']);
  const paths = opts.assignments.map((a) => a.path);
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice !== undefined) throw new SweepPlanError([`--set ${twice} is given twice: put all its values in one --set, separated by commas`]);
  const variant = opts.variant ?? BASE_VARIANT;
  selectVariant(base, variant);
  const seeds = seedList(opts.seed ?? String(base.scenario.seed), opts.seeds ?? 1);
  const grid = gridOf(opts.assignments);
  if (grid.length * seeds.length > MAX_RUNS) {
    throw new SweepPlanError([`the sweep would make ${grid.length.toLocaleString('en-US')} points × ${seeds.length} seeds = ${(grid.length * seeds.length).toLocaleString('en-US')} runs; at most ${MAX_RUNS.toLocaleString('en-US')} are allowed`]);
  }
  const problems = new Set<string>();
  const points: SweepPoint[] = [];
  grid.forEach((settings, index) => {
    try {
      const loaded = loadPoint(file, settings, variant);
      if (loaded.source.hash !== base.source.hash) throw new SweepPlanError([`${file} changed while the sweep was being planned; start again`]);
      selectVariant(loaded, variant);
      points.push({ index, settings, loaded, scenarioHash: traceHeader(loaded, { variant }).scenarioHash });
    } catch (e) {
      if (e instanceof AssignmentError) problems.add(e.message);
      else if (e instanceof ScenarioError) {
        // A problem the file shows only with these values: say which values.
        const values = settings.map((s) => `${s.path}=${s.text}`).join(', ');
        for (const line of pointProblemLines(e)) problems.add(line.startsWith('--set ') ? line : `${line} (with ${values})`);
      }
      else throw e;
    }
  });
  if (problems.size > 0) {
    const lines = [...problems];
    throw new SweepPlanError(lines.length > MAX_PROBLEM_LINES ? [...lines.slice(0, MAX_PROBLEM_LINES), `… and ${lines.length - MAX_PROBLEM_LINES} more problems`] : lines);
  }
  return {
    file,
    sourceHash: base.source.hash,
    title: base.scenario.title,
    parameters: paths,
    variant,
    seeds,
    points,
    ...(opts.until === undefined ? {} : { until: opts.until }),
    ...(opts.lateAfter === undefined ? {} : { lateAfter: opts.lateAfter }),
  };
}

/** A value as one cell of text: text as it is, anything else as JSON. */
export function cellText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The identity of a row: its values, variant and seed (what `--resume` matches on). */
export function rowKey(params: readonly string[], variant: string, seed: string): string {
  return JSON.stringify([...params, variant, seed]);
}

/** Every run of the plan, in row order. */
export function sweepJobs(plan: SweepPlan): RunJob[] {
  const jobs: RunJob[] = [];
  for (const p of plan.points) {
    plan.seeds.forEach((seed, s) => {
      jobs.push({
        index: p.index * plan.seeds.length + s,
        file: plan.file,
        sourceHash: plan.sourceHash,
        settings: p.settings,
        variant: plan.variant,
        seed,
        ...(plan.until === undefined ? {} : { until: plan.until }),
        ...(plan.lateAfter === undefined ? {} : { lateAfter: plan.lateAfter }),
        outcomes: false,
      });
    });
  }
  return jobs;
}

/** The key of a job's row. */
export function jobKey(job: RunJob): string {
  return rowKey(
    job.settings.map((s) => cellText(s.value)),
    job.variant,
    job.seed,
  );
}

/** A job's result as a row. */
export function rowOf(plan: SweepPlan, result: JobResult): SweepRow {
  const point = Math.floor(result.index / plan.seeds.length);
  const settings = (plan.points.find((p) => p.index === point) as SweepPoint).settings;
  return {
    run: result.index,
    point,
    params: Object.fromEntries(settings.map((s) => [s.path, s.value])),
    variant: result.variant,
    seed: result.seed,
    scenarioHash: result.scenarioHash,
    figures: result.figures,
    spamStopped: spamStopped(result.figures),
    legitHarmed: legitHarmed(result.figures),
  };
}

/** The column names of a sweep's rows. */
export function sweepColumns(plan: SweepPlan): string[] {
  return ['run', ...plan.parameters, 'variant', 'seed', 'scenarioHash', ...FIGURES.map((f) => f.key), 'spamStopped', 'legitHarmed'];
}

/** A row as cells, in {@link sweepColumns} order. */
export function rowCells(plan: SweepPlan, row: SweepRow): string[] {
  return [
    String(row.run),
    ...plan.parameters.map((p) => cellText(row.params[p])),
    row.variant,
    row.seed,
    row.scenarioHash,
    ...FIGURES.map((f) => String(row.figures[f.key])),
    String(row.spamStopped),
    String(row.legitHarmed),
  ];
}

/** Each grid point's trade-off, averaged over the rows of its seeds (points without rows left out). */
export function tradeOffs(plan: SweepPlan, rows: readonly SweepRow[]): TradeOff[] {
  const out: TradeOff[] = [];
  for (const p of plan.points) {
    const mine = rows.filter((r) => r.point === p.index);
    if (mine.length === 0) continue;
    const sum = (f: (r: SweepRow) => number): number => mine.reduce((n, r) => n + f(r), 0);
    const spam = sum((r) => r.figures.spamSent);
    const legit = sum((r) => r.figures.legitSent);
    out.push({
      label: p.settings.map((s) => `${shortPath(s.path)}=${s.text}`).join('  '),
      spamStopped: spam === 0 ? 0 : sum((r) => r.spamStopped) / spam,
      legitHarmed: legit === 0 ? 0 : sum((r) => r.legitHarmed) / legit,
    });
  }
  return out;
}

/** The last part of a path, enough to tell the parameters apart in a legend. */
function shortPath(path: string): string {
  const m = /([^.[\]]+)\]?$/.exec(path);
  return m?.[1] ?? path;
}

/** What a sweep run came to. */
export interface SweepOutcome {
  /** Rows made now (not those resumed), in row order. */
  rows: SweepRow[];
  interrupted: boolean;
}

/**
 * Runs the plan's jobs except those whose keys are in `done`, telling `onRow` of each row as it
 * finishes (in finishing order, to write it at once).
 */
export async function runSweep(plan: SweepPlan, done: ReadonlySet<string>, opts: Omit<PoolOptions, 'onResult'> & { onRow?: (row: SweepRow) => void }): Promise<SweepOutcome> {
  const jobs = sweepJobs(plan).filter((j) => !done.has(jobKey(j)));
  const outcome = await runJobs(jobs, {
    ...opts,
    onResult: (r) => opts.onRow?.(rowOf(plan, r)),
  });
  return { rows: outcome.results.map((r) => rowOf(plan, r)), interrupted: outcome.interrupted };
}
