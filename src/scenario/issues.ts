/**
 * From zod issues to located scenario problems.
 *
 * Each issue's path leads into the scenario's data; the position index turns it into
 * `file:line:column`. Three kinds of issue need more than a lookup:
 *
 * - an unknown key points at the key itself, one problem per key;
 * - a missing key points at the mapping that lacks it, and names the key;
 * - a union that matched none of its options reports the option the value came closest to
 *   (the one that got past the type check), or else lists what each option expected.
 *
 * A custom issue may carry `params.offset`: the error is that many characters into a one-line
 * text value (used by the expectation syntax to point at the bad word).
 *
 * @module
 */
import type { z } from 'zod';
import type { ScenarioProblem } from './errors.js';
import { describeFound, typePhrase } from './messages.js';
import { type PathSegment, type PositionIndex, shiftPosition, valueAt } from './position.js';

type Issue = z.core.$ZodIssue;

function hasKey(container: unknown, key: PropertyKey): boolean {
  return typeof container === 'object' && container !== null && Object.prototype.hasOwnProperty.call(container, key);
}

/** How well a union option matched: 2 got past the type check, 1 failed on the value, 0 on the type. */
function matchScore(issues: readonly Issue[]): number {
  if (issues.some((i) => i.path.length > 0 || i.code === 'unrecognized_keys')) return 2;
  if (issues.some((i) => i.code !== 'invalid_type' && i.code !== 'invalid_union')) return 1;
  return 0;
}

/** Replaces unions by the issues of their closest option; prefixes paths to be absolute. */
function flatten(issues: readonly Issue[], data: unknown, prefix: readonly PropertyKey[] = []): Issue[] {
  const out: Issue[] = [];
  for (const iss of issues) {
    const path = [...prefix, ...iss.path];
    if (iss.code !== 'invalid_union' || iss.message !== '') {
      out.push({ ...iss, path } as Issue);
      continue;
    }
    const options = iss.errors;
    let best: readonly Issue[] | undefined;
    let bestScore = -1;
    for (const option of options) {
      const s = matchScore(option);
      if (s > bestScore || (s === bestScore && best !== undefined && s > 0 && option.length < best.length)) {
        best = option;
        bestScore = s;
      }
    }
    if (best !== undefined && bestScore > 0) {
      out.push(...flatten(best, data, path));
      continue;
    }
    const expected = options.flatMap((o) => o.map((i) => (i.code === 'invalid_type' ? typePhrase(i.expected) : undefined))).filter((x) => x !== undefined);
    const unique = [...new Set(expected)];
    const found = valueAt(data, path);
    const what = unique.length <= 1 ? (unique[0] ?? 'another value') : `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)}`;
    out.push({ ...iss, path, message: found === undefined ? `expected ${what}` : `expected ${what}, found ${describeFound(found)}` } as Issue);
  }
  return out;
}

/**
 * Turns the issues of a failed parse of `data` into problems located through `positions`.
 */
export function problemsFromIssues(issues: readonly Issue[], data: unknown, positions: PositionIndex): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  for (const iss of flatten(issues, data)) {
    const path = iss.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (iss.code === 'unrecognized_keys') {
      const lines = iss.message.split('\n');
      iss.keys.forEach((key, i) => {
        problems.push({ at: positions.locate(data, [...path, key], 'key'), path, message: lines[i] ?? `unknown key '${key}'` });
      });
      continue;
    }
    const parentPath = path.slice(0, -1);
    const last = path.at(-1);
    if (last !== undefined && typeof last === 'string' && !hasKey(valueAt(data, parentPath), last) && valueAt(data, parentPath) !== undefined) {
      problems.push({ at: positions.locate(data, parentPath), path: parentPath, message: `missing key '${last}' (${iss.message})` });
      continue;
    }
    let at = positions.locate(data, path);
    const offset = iss.code === 'custom' ? (iss.params as { offset?: unknown } | undefined)?.offset : undefined;
    if (at !== undefined && typeof offset === 'number') at = shiftPosition(at, offset);
    problems.push({ at, path, message: iss.message });
  }
  return problems;
}
