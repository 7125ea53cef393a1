/**
 * Problems found in a scenario, and the error that carries all of them at once.
 *
 * A problem prints as `file:line:column: field.path: message`. The command line prints the
 * list without a stack trace and exits with code 2.
 *
 * @module
 */
import { formatPath, type PathSegment, type Position } from './position.js';

/** One thing wrong with a scenario, located in its source. */
export interface ScenarioProblem {
  /** Where it is; undefined only when there is no file to point into (e.g. it cannot be read). */
  readonly at: Position | undefined;
  /** The file concerned when there is no position in it (it could not be read). */
  readonly file?: string;
  /** The field concerned, as a path from the top of the scenario (empty for the whole file). */
  readonly path: readonly PathSegment[];
  /** What was expected and what was found. */
  readonly message: string;
  /** Which run the problem shows in, when not the base scenario: `variant 'proposal'`. */
  readonly context?: string;
}

/** Prints one problem as `file:line:column: path: message`. */
export function formatProblem(p: ScenarioProblem): string {
  const where = p.at === undefined ? (p.file ?? '<scenario>') : `${p.at.file}:${p.at.line}:${p.at.column}`;
  const field = formatPath(p.path);
  const lead = p.context === undefined ? where : `${where}: ${p.context}`;
  return field === '' ? `${lead}: ${p.message}` : `${lead}: ${field}: ${p.message}`;
}

/**
 * Sorts problems by position and drops exact duplicates (the same message at the same place,
 * as happens when a fault in the base scenario shows again in each variant). Files sort in
 * the order given (the scenario first, then its includes as they were read); problems without
 * a position come first.
 */
export function sortProblems(problems: readonly ScenarioProblem[], fileOrder: readonly string[] = []): ScenarioProblem[] {
  const rank = (file: string): number => {
    const i = fileOrder.indexOf(file);
    return i < 0 ? fileOrder.length : i;
  };
  const seen = new Set<string>();
  const unique: ScenarioProblem[] = [];
  for (const p of problems) {
    const key = formatProblem(p);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(p);
  }
  return unique.sort((a, b) => {
    if (a.at === undefined || b.at === undefined) return a.at === b.at ? 0 : a.at === undefined ? -1 : 1;
    return (
      rank(a.at.file) - rank(b.at.file) ||
      (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : 0) ||
      a.at.line - b.at.line ||
      a.at.column - b.at.column
    );
  });
}

/**
 * A scenario that cannot be used, with every problem found in it, sorted by position.
 * Its message is the printed list, one problem a line.
 */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  /** The problems, sorted by position; never empty. */
  readonly problems: readonly ScenarioProblem[];

  constructor(problems: readonly ScenarioProblem[], fileOrder: readonly string[] = []) {
    const sorted = sortProblems(problems, fileOrder);
    super(sorted.map((p) => formatProblem(p)).join('\n'));
    this.problems = sorted;
  }

  /** The problems printed one a line, as the command line shows them. */
  lines(): string[] {
    return this.problems.map((p) => formatProblem(p));
  }
}
