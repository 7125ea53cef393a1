/**
 * Loading and validating a scenario: read the file (and its includes), check it against the
 * schema, check names, resolve moments, then build and check each variant the same way.
 *
 * Every problem found, in the base scenario and in its variants, is reported together in one
 * {@link ScenarioError}, sorted by position.
 *
 * @module
 */
import { BASE_VARIANT } from './references.js';
import { formatProblem, type ScenarioProblem, ScenarioError } from './errors.js';
import { problemsFromIssues } from './issues.js';
import { scenarioErrorMap } from './messages.js';
import type { PathSegment, Position } from './position.js';
import { checkReferences } from './references.js';
import { type Scenario, scenarioSchema } from './schema.js';
import { DEFAULT_LOAD_LIMITS, type LoadLimits, readScenarioSource, type ScenarioSource } from './source.js';
import { closest } from './suggest.js';
import { resolveTimes } from './times.js';
import { applyOverride } from './variants.js';

/** A scenario read and validated: the base scenario and each variant, as typed data. */
export interface LoadedScenario {
  /** The source text's data and positions (for problems found later, e.g. by the world builder). */
  readonly source: ScenarioSource;
  /** The base scenario. */
  readonly scenario: Scenario;
  /** Each variant: the base with the variant's overrides applied, validated. */
  readonly variants: ReadonlyMap<string, Scenario>;
}

/** Options for {@link loadScenario}. */
export interface LoadOptions {
  /** Safety limits for reading (default {@link DEFAULT_LOAD_LIMITS}). */
  readonly limits?: LoadLimits;
}

function validateDocument(
  data: unknown,
  source: ScenarioSource,
  variantNames: readonly string[] | undefined,
): { scenario?: Scenario; problems: ScenarioProblem[] } {
  const positions = source.positions;
  if (data === null || data === undefined) {
    return { problems: [{ at: source.at, path: [], message: "the scenario is empty: expected a mapping with at least 'title' and 'duration'" }] };
  }
  const result = scenarioSchema.safeParse(data, { error: scenarioErrorMap as never });
  const problems = result.success ? [] : problemsFromIssues(result.error.issues, data, positions);
  problems.push(...checkReferences(data, positions, variantNames));
  if (!result.success) return { problems };
  for (const t of resolveTimes(result.data, result.data.start, result.data.duration)) {
    problems.push({ at: positions.locate(data, t.path) ?? source.at, path: t.path, message: t.message });
  }
  return { scenario: result.data, problems };
}

function isMapping(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Validates a scenario read by `readScenarioSource`.
 *
 * @throws ScenarioError with every problem in the base scenario and its variants.
 */
export function validateSource(source: ScenarioSource): LoadedScenario {
  const problems: ScenarioProblem[] = [];
  const base = validateDocument(source.data, source, undefined);
  problems.push(...base.problems);
  const variants = new Map<string, Scenario>();
  const raw = source.data;
  const rawVariants = isMapping(raw) ? raw['variants'] : undefined;
  if (isMapping(raw) && isMapping(rawVariants)) {
    const names = Object.keys(rawVariants);
    const { variants: _omit, ...rest } = raw;
    const baseData: Record<string, unknown> = rest;
    const entry = source.positions.record(baseData, source.at);
    const rawEntry = source.positions.of(raw);
    for (const k of Object.keys(baseData)) {
      const kp = rawEntry?.keys.get(k);
      const vp = rawEntry?.values.get(k);
      if (kp) entry.keys.set(k, kp);
      if (vp) entry.values.set(k, vp);
    }
    for (const name of names) {
      const override = isMapping(rawVariants[name]) ? rawVariants[name]['override'] : undefined;
      if (!isMapping(override)) continue; // the base schema reports a malformed variant
      if ('variants' in override) {
        problems.push({
          at: source.positions.locate(raw, ['variants', name, 'override', 'variants'], 'key'),
          path: ['variants', name, 'override'],
          message: 'a variant cannot define variants of its own',
        });
        continue;
      }
      const found: ScenarioProblem[] = [];
      const merged = applyOverride(baseData, override, source.positions, found, []);
      const v = validateDocument(merged, source, names);
      found.push(...v.problems);
      // Problems of the base show again in each variant: report them once, for the base.
      const inBase = new Set(base.problems.map((p) => formatProblem(p)));
      for (const p of found) if (!inBase.has(formatProblem(p))) problems.push({ ...p, context: `variant '${name}'` });
      if (v.scenario !== undefined) variants.set(name, v.scenario);
    }
  }
  if (problems.length > 0 || base.scenario === undefined) throw new ScenarioError(problems, source.files);
  return { source, scenario: base.scenario, variants };
}

/**
 * Reads and validates the scenario in `file`: the one call most users need.
 *
 * @throws ScenarioError listing every problem, located as `file:line:column`.
 */
export function loadScenario(file: string, options: LoadOptions = {}): LoadedScenario {
  return validateSource(readScenarioSource(file, options.limits ?? DEFAULT_LOAD_LIMITS));
}

/**
 * The scenario to run: the base when `name` is undefined, otherwise the named variant.
 *
 * @throws ScenarioError for an unknown variant, suggesting the closest name.
 */
export function selectVariant(loaded: LoadedScenario, name: string | undefined): Scenario {
  if (name === undefined || name === BASE_VARIANT) return loaded.scenario;
  const v = loaded.variants.get(name);
  if (v !== undefined) return v;
  const known = [...loaded.variants.keys()];
  const near = closest(name, known);
  const message =
    near !== undefined
      ? `unknown variant '${name}' — did you mean '${near}'?`
      : known.length === 0
        ? `unknown variant '${name}': the scenario has no variants`
        : `unknown variant '${name}'; variants: ${known.join(', ')}`;
  throw new ScenarioError([{ at: undefined, file: loaded.source.file, path: [], message }]);
}

/** Where the value at `path` of a loaded scenario was written (for problems found after validation). */
export function locate(loaded: LoadedScenario, path: readonly PathSegment[]): Position {
  return loaded.source.positions.locate(loaded.source.data, path) ?? loaded.source.at;
}
