/**
 * The grid of a sweep: every combination of the `--set` values, each one a scenario of its
 * own, read and validated like the file itself.
 *
 * Each point reads the scenario file afresh and sets its values into the plain data before
 * validation, so a value the scenario cannot take is reported the way a bad value in the file
 * is ("did you mean", units, references), pointing at the `--set` that supplied it.
 *
 * @module
 */
import { formatPath, formatProblem, type LoadedScenario, type Position, type PositionIndex, readScenarioSource, type ScenarioError, type ScenarioProblem, validateSource } from '../scenario/index.js';
import { parsePath, type ParsedPath, resolvePath, SetPathError, setAt } from './set-path.js';
import { parseValues, type SetValue, SetValueError } from './set-values.js';

/** One `--set PATH=VALUES`, read. */
export interface Assignment {
  /** The path as written. */
  path: string;
  parsed: ParsedPath;
  values: SetValue[];
}

/** A value chosen for one path: what a grid point sets, and what a worker sets again. */
export interface Setting {
  path: string;
  value: unknown;
  /** The value as written (a CSV cell, a message). */
  text: string;
}

/** The most runs a sweep may plan (points times seeds). */
export const MAX_RUNS = 100_000;

/** A bad `--set`: its text, and why. */
export class AssignmentError extends Error {
  override name = 'AssignmentError';
}

/** Reads one `--set` argument, `PATH=VALUES`. */
export function parseAssignment(text: string): Assignment {
  const eq = text.indexOf('=');
  if (eq < 0) throw new AssignmentError(`--set ${text}: expected PATH=VALUES, such as world.servers[mx.example.com].limits.perIp.limit=10/day,20/day`);
  const path = text.slice(0, eq).trim();
  try {
    return { path, parsed: parsePath(path), values: parseValues(text.slice(eq + 1)) };
  } catch (e) {
    if (e instanceof SetPathError || e instanceof SetValueError) throw new AssignmentError(`--set ${text}: ${e.message}`);
    throw e;
  }
}

/** Every combination of the assignments' values, the last assignment varying fastest. */
export function gridOf(assignments: readonly Assignment[]): Setting[][] {
  let points: Setting[][] = [[]];
  for (const a of assignments) {
    const next: Setting[][] = [];
    for (const p of points) for (const v of a.values) next.push([...p, { path: a.path, value: v.value, text: v.text }]);
    points = next;
  }
  return points;
}

/** The position a `--set` value is reported at: its own text stands in for a file. */
function settingPosition(s: Setting): Position {
  return { file: `--set ${s.path}=${s.text}`, line: 0, column: 0 };
}

/** True for a position that stands for a `--set` (see {@link pointProblemLine}). */
function isSetting(p: Position | undefined): p is Position {
  return p !== undefined && p.line === 0 && p.file.startsWith('--set ');
}

/**
 * A problem of a grid point as a line: `--set PATH=VALUE: field: message` when a `--set`
 * supplied the faulty value, `file:line:column: …` as usual otherwise.
 */
export function pointProblemLine(p: ScenarioProblem): string {
  if (!isSetting(p.at)) return formatProblem(p);
  const field = formatPath(p.path);
  return `${p.at.file}: ${p.context === undefined ? '' : `${p.context}: `}${field === '' ? '' : `${field}: `}${p.message}`;
}

/**
 * Reads `file` and sets `settings` into it, then validates it as a scenario. With `only`, the
 * other variants' overrides are emptied first (their names stay, for expectations that name
 * them): a sweep of one variant is not stopped by what its values do to variants it never runs.
 *
 * @throws AssignmentError when a path leads nowhere in the file
 * @throws ScenarioError when the result is not a valid scenario; problems caused by a value
 *   are located at a position whose `file` is `--set PATH=VALUE` and whose line is 0.
 */
export function loadPoint(file: string, settings: readonly Setting[], only?: string): LoadedScenario {
  const source = readScenarioSource(file);
  let data = source.data;
  if (only !== undefined && settings.length > 0) data = withOnlyVariant(data, only, source.positions);
  for (const s of settings) {
    let steps;
    try {
      steps = resolvePath(data, parsePath(s.path)).steps;
    } catch (e) {
      if (e instanceof SetPathError) throw new AssignmentError(`--set ${s.path}=…: ${e.message.startsWith(`${s.path}: `) ? e.message.slice(s.path.length + 2) : e.message}`);
      throw e;
    }
    data = setAt(data, steps, s.value, source.positions, settingPosition(s));
  }
  return validateSource({ ...source, data });
}

/** `data` with every variant but `only` made the same as the base (their names kept). */
function withOnlyVariant(data: unknown, only: string, positions: PositionIndex): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const raw = data as Record<string, unknown>;
  const variants = raw['variants'];
  if (typeof variants !== 'object' || variants === null || Array.isArray(variants)) return data;
  const kept = Object.fromEntries(Object.entries(variants).map(([name, v]) => [name, name === only ? v : { override: {} }]));
  const copy: Record<string, unknown> = { ...raw, variants: kept };
  const from = positions.of(raw);
  if (from !== undefined) {
    const entry = positions.record(copy, from.at);
    for (const [k, p] of from.keys) entry.keys.set(k, p);
    for (const [k, p] of from.values) entry.values.set(k, p);
    const vFrom = positions.of(variants);
    if (vFrom !== undefined) {
      const vEntry = positions.record(kept, vFrom.at);
      for (const [k, p] of vFrom.keys) vEntry.keys.set(k, p);
      for (const [k, p] of vFrom.values) vEntry.values.set(k, p);
    }
  }
  return copy;
}

/** Prints a grid point's problems, a `--set`'s own as `--set PATH=VALUE: …`, others as usual. */
export function pointProblemLines(e: ScenarioError): string[] {
  return e.problems.map(pointProblemLine);
}
