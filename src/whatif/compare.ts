/**
 * Comparing variants: every variant run on the same seeds (common random numbers), each
 * figure's mean and confidence interval across seeds, its paired difference from the first
 * variant (the baseline), and the collateral damage customer by customer.
 *
 * @module
 */
import { BASE_VARIANT, type LoadedScenario, ScenarioError, selectVariant } from '../scenario/index.js';
import { type Collateral, collateral, diffOutcomes, type SeedDiff } from './collateral.js';
import { type FigureKey, FIGURES, type Figures } from './figures.js';
import { CONFIDENCE, type Estimate, estimate, pairedDifference } from './interval.js';
import type { JobResult, RunJob } from './job.js';
import { type PoolOptions, runJobs } from './pool.js';
import { seedList } from './seeds.js';

/** Version of the comparison's JSON shape. */
export const COMPARISON_VERSION = 1;

/** What to compare. */
export interface CompareOptions extends Omit<PoolOptions, 'onResult'> {
  /** Variants in column order, the first being the baseline (default: base and every variant). */
  variants?: readonly string[];
  /** Number of seeds (default 1). */
  seeds?: number;
  /** The first seed (default: the scenario's). */
  seed?: string;
  /** Stop each run early, at this many simulated seconds. */
  until?: number;
  /** Delivery later than this counts as late (default: the run layer's 1 h). */
  lateAfter?: number;
  /** A message delivered later than in the baseline by more than this is harmed (default `lateAfter`). */
  threshold?: number;
  /** The intervals' confidence level (default 0.95). */
  confidence?: number;
}

/** A figure's estimate for one variant, with the per-seed values it comes from. */
export interface VariantEstimate extends Estimate {
  variant: string;
  /** One value per seed, in seed order. */
  values: number[];
}

/** One figure across variants. */
export interface FigureComparison {
  key: FigureKey;
  label: string;
  better: 'lower' | 'higher' | 'none';
  /** Mean and interval per variant, in column order. */
  variants: VariantEstimate[];
  /** Paired difference `variant − baseline`, for each variant after the first. */
  differences: VariantEstimate[];
}

/** One run of the comparison. */
export interface ComparedRun {
  variant: string;
  seed: string;
  scenarioHash: string;
  figures: Figures;
  events: number;
  /** The scenario's expectations for this variant that did not hold in this run. */
  failedExpectations: string[];
}

/** A whole comparison: what `portsim compare --json` prints. */
export interface Comparison {
  version: typeof COMPARISON_VERSION;
  scenario: { file: string; title: string; hash: string };
  /** The first variant, against which the others are measured. */
  baseline: string;
  variants: string[];
  seeds: string[];
  /** Simulated seconds per run. */
  simulatedSeconds: number;
  lateAfter: number;
  /** Extra delay (seconds) beyond which a delivered message counts as harmed. */
  threshold: number;
  confidence: number;
  figures: FigureComparison[];
  /** Every run, by variant then seed. */
  runs: ComparedRun[];
  /** What each variant after the first changes for the customers. */
  collateral: Collateral[];
}

/**
 * The variants to compare: as asked, or base and every variant of the scenario.
 *
 * @throws ScenarioError for an unknown variant (with the closest name) or one named twice.
 */
export function variantsToCompare(loaded: LoadedScenario, asked: readonly string[] | undefined): string[] {
  const names = asked === undefined || asked.length === 0 ? [BASE_VARIANT, ...loaded.variants.keys()] : [...asked];
  for (const v of names) selectVariant(loaded, v);
  const seen = new Set<string>();
  for (const v of names) {
    if (seen.has(v)) throw new ScenarioError([{ at: undefined, file: loaded.source.file, path: [], message: `variant '${v}' is named twice in --variants` }]);
    seen.add(v);
  }
  if (names.length < 2) throw new ScenarioError([{ at: undefined, file: loaded.source.file, path: [], message: `a comparison needs at least two variants, got only '${names[0] ?? ''}'` }]);
  return names;
}

/**
 * The runs a comparison needs, seed by seed, each seed's variants together: a seed's runs then
 * finish close together, and its messages can be compared and let go (see `CollateralFolder`).
 */
export function comparisonJobs(loaded: LoadedScenario, variants: readonly string[], seeds: readonly string[], opts: CompareOptions): RunJob[] {
  const jobs: RunJob[] = [];
  for (const seed of seeds) {
    for (const variant of variants) {
      jobs.push({
        index: jobs.length,
        file: loaded.source.file,
        sourceHash: loaded.source.hash,
        settings: [],
        variant,
        seed,
        ...(opts.until === undefined ? {} : { until: opts.until }),
        ...(opts.lateAfter === undefined ? {} : { lateAfter: opts.lateAfter }),
        outcomes: true,
      });
    }
  }
  return jobs;
}

/**
 * Compares each seed's messages as soon as its baseline and variant runs are in, then lets
 * them go: a comparison of large runs would otherwise hold every run's messages at once (a
 * week of 100,000 subscribers writes millions of messages a run).
 */
export class CollateralFolder {
  private readonly diffs = new Map<string, SeedDiff>();
  private readonly waiting = new Map<string, JobResult>();

  constructor(
    private readonly variants: readonly string[],
    private readonly threshold: number | undefined,
  ) {}

  /** Takes a run's result; its messages are dropped once every comparison needing them is made. */
  add(r: JobResult): void {
    const [base, ...others] = this.variants as [string, ...string[]];
    this.waiting.set(runKey(r.variant, r.seed), r);
    const baseline = this.waiting.get(runKey(base, r.seed));
    if (baseline === undefined) return;
    let pending = false;
    for (const v of others) {
      const key = runKey(v, r.seed);
      if (this.diffs.has(key)) continue;
      const run = this.waiting.get(key);
      if (run === undefined) {
        pending = true;
        continue;
      }
      this.diffs.set(key, diffOutcomes(r.seed, baseline.outcomes ?? [], run.outcomes ?? [], this.threshold ?? baseline.lateAfter, baseline.lateAfter));
      this.waiting.delete(key);
      delete run.outcomes;
    }
    if (!pending) {
      this.waiting.delete(runKey(base, r.seed));
      delete baseline.outcomes;
    }
  }

  /** The comparison of `variant` with the baseline on `seed`, once both runs were added. */
  diff(variant: string, seed: string): SeedDiff {
    const d = this.diffs.get(runKey(variant, seed));
    if (d === undefined) throw new Error(`the runs of ${variant} and ${this.variants[0] as string} on seed ${seed} were not both added`);
    return d;
  }
}

function runKey(variant: string, seed: string): string {
  return `${variant}\u0000${seed}`;
}

/**
 * Builds the comparison from its runs' results (one per variant and seed). Their messages are
 * compared by `folder` when given (it has seen every result), else here.
 */
export function summarize(loaded: LoadedScenario, variants: readonly string[], seeds: readonly string[], results: readonly JobResult[], opts: CompareOptions = {}, folder?: CollateralFolder): Comparison {
  const confidence = opts.confidence ?? CONFIDENCE;
  const byVariant = variants.map((v) => seeds.map((s) => results.find((r) => r.variant === v && r.seed === s) as JobResult));
  const lateAfter = results[0]?.lateAfter ?? 3600;
  const threshold = opts.threshold ?? lateAfter;
  let diffs = folder;
  if (diffs === undefined) {
    diffs = new CollateralFolder(variants, opts.threshold);
    for (const r of results) diffs.add(r);
  }
  const figures: FigureComparison[] = FIGURES.map((f) => {
    const values = byVariant.map((runs) => runs.map((r) => r.figures[f.key]));
    const base = values[0] as number[];
    return {
      key: f.key,
      label: f.label,
      better: f.better,
      variants: variants.map((variant, i) => ({ variant, values: values[i] as number[], ...estimate(values[i] as number[], confidence) })),
      differences: variants.slice(1).map((variant, i) => {
        const v = values[i + 1] as number[];
        return { variant, values: v.map((x, k) => x - (base[k] as number)), ...pairedDifference(v, base, confidence) };
      }),
    };
  });
  const damage = variants.slice(1).map((variant) =>
    collateral(
      variant,
      variants[0] as string,
      threshold,
      seeds.map((seed) => diffs.diff(variant, seed)),
    ),
  );
  return {
    version: COMPARISON_VERSION,
    scenario: { file: loaded.source.file, title: loaded.scenario.title, hash: loaded.source.hash },
    baseline: variants[0] as string,
    variants: [...variants],
    seeds: [...seeds],
    simulatedSeconds: results[0]?.simulatedSeconds ?? 0,
    lateAfter,
    threshold,
    confidence,
    figures,
    runs: byVariant.flat().map((r) => ({ variant: r.variant, seed: r.seed, scenarioHash: r.scenarioHash, figures: r.figures, events: r.events, failedExpectations: r.failedExpectations })),
    collateral: damage,
  };
}

/**
 * Compares variants of `loaded` (see the module comment). Resolves with null when the signal
 * stopped it before every run finished.
 *
 * @throws ScenarioError for unknown variants; a run's error otherwise.
 */
export async function compareVariants(loaded: LoadedScenario, opts: CompareOptions = {}): Promise<Comparison | null> {
  const variants = variantsToCompare(loaded, opts.variants);
  const seeds = seedList(opts.seed ?? String(loaded.scenario.seed), opts.seeds ?? 1);
  const jobs = comparisonJobs(loaded, variants, seeds, opts);
  const folder = new CollateralFolder(variants, opts.threshold);
  const outcome = await runJobs(jobs, { ...opts, onResult: (r) => folder.add(r) });
  if (outcome.interrupted) return null;
  return summarize(loaded, variants, seeds, outcome.results, opts, folder);
}
