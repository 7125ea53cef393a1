/**
 * Paths into a scenario, for `portsim sweep --set PATH=VALUES`, and setting a value there.
 *
 * A path is written the way the scenario reads, keys joined by dots, and reaches into lists of
 * named items (ISPs, rules, servers, client groups, changes) by the item's name:
 *
 * ```text
 * world.servers[mx.example.com].limits.perIp.limit     brackets: an item's name, verbatim
 * world.servers.mx.example.com.limits.perIp.limit      dots: the longest name that matches
 * world.isps[lime].firewall.rules[block-25].action
 * world.clientGroups.zombies.zombies.share
 * world.dns.mx[example.com]                             a mapping key with dots in it
 * sources[0].url                                        a list without names: its index
 * ```
 *
 * Written with dots, a name or key that itself holds dots is found by trying the longest run
 * of the following parts that names an item (or key) present. A key the scenario does not
 * have yet is created, so that `limits.perIp.limit` can be set on a server without limits;
 * whether it is a valid key is then for the scenario's own validation to say (with "did you
 * mean"). A name of a list item is never created: an unknown one is an error here, with the
 * closest name.
 *
 * @module
 */
import { closest, formatPath, type PathSegment, type Position, type PositionIndex } from '../scenario/index.js';

/** A path as written: its parts, each a dotted word or a bracketed selector. */
export interface ParsedPath {
  /** The path as given. */
  text: string;
  parts: { text: string; bracket: boolean }[];
}

/** A `--set` path that cannot be parsed or does not lead anywhere in the scenario. */
export class SetPathError extends Error {
  override name = 'SetPathError';
}

/** Splits a path into its parts. */
export function parsePath(text: string): ParsedPath {
  const parts: ParsedPath['parts'] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new SetPathError(`bad path '${text}': ${why}`);
  };
  if (text.trim() === '') fail('it is empty');
  while (i < text.length) {
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) fail(`'[' at character ${i + 1} is never closed`);
      const inner = text.slice(i + 1, close).trim();
      if (inner === '') fail(`empty brackets at character ${i + 1}`);
      parts.push({ text: inner, bracket: true });
      i = close + 1;
      if (i < text.length && text[i] !== '.' && text[i] !== '[') fail(`expected '.' or '[' after ']' at character ${i + 1}`);
      if (text[i] === '.') i++;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
    const word = text.slice(i, j);
    if (word === '') fail(`an empty part at character ${i + 1} (two dots in a row?)`);
    if (word.includes(']')) fail(`']' without '['`);
    parts.push({ text: word, bracket: false });
    i = j;
    if (text[i] === '.') {
      i++;
      if (i === text.length) fail('it ends with a dot');
    }
  }
  return { text, parts };
}

type Plain = Record<string, unknown>;

function isMapping(x: unknown): x is Plain {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isNamedList(x: unknown[]): boolean {
  return x.length > 0 && x.every((i) => isMapping(i) && typeof i['name'] === 'string');
}

function has(obj: Plain, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/**
 * The steps (keys and list indices) that `path` takes through `data`, and how many of them at
 * the end are keys that do not exist yet.
 *
 * @throws SetPathError when a part names no item of a named list, indexes past a list, or
 *   reaches into a text or a number.
 */
export function resolvePath(data: unknown, path: ParsedPath): { steps: PathSegment[]; created: number } {
  const steps: PathSegment[] = [];
  let node: unknown = data;
  let created = 0;
  const where = (): string => (steps.length === 0 ? 'the top of the scenario' : formatPath(steps));
  const parts = path.parts;
  let i = 0;
  while (i < parts.length) {
    const part = parts[i] as { text: string; bracket: boolean };
    if (created > 0) {
      // Below a key that does not exist yet, only more new keys can follow.
      if (part.bracket) throw new SetPathError(`${path.text}: ${where()} does not exist, so it has no item [${part.text}]`);
      steps.push(part.text);
      created++;
      i++;
      continue;
    }
    if (Array.isArray(node)) {
      if (isNamedList(node)) {
        const names = node.map((item) => (item as Plain)['name'] as string);
        let found = -1;
        let used = 1;
        if (part.bracket) found = names.indexOf(part.text);
        else {
          // The longest run of dotted parts that is an item's name: names hold dots.
          for (let k = parts.length; k > i && found < 0; k--) {
            if (parts.slice(i, k).some((p) => p.bracket)) continue;
            const candidate = parts.slice(i, k).map((p) => p.text).join('.');
            found = names.indexOf(candidate);
            if (found >= 0) used = k - i;
          }
        }
        if (found < 0 && /^\d+$/.test(part.text) && Number(part.text) < node.length) found = Number(part.text);
        if (found < 0) {
          const near = closest(part.text, names);
          throw new SetPathError(
            `${path.text}: ${where()} has no item named '${part.text}'${near === undefined ? `; its items: ${names.join(', ')}` : ` — did you mean '${near}'?`}`,
          );
        }
        steps.push(found);
        node = node[found];
        i += used;
        continue;
      }
      if (!/^\d+$/.test(part.text)) throw new SetPathError(`${path.text}: ${where()} is a list without names: give an index, such as [0]`);
      const index = Number(part.text);
      if (index >= node.length) throw new SetPathError(`${path.text}: ${where()} has ${node.length} item${node.length === 1 ? '' : 's'}, so no [${index}]`);
      steps.push(index);
      node = node[index];
      i++;
      continue;
    }
    if (isMapping(node)) {
      let key: string | undefined;
      let used = 1;
      if (part.bracket || has(node, part.text)) key = part.text;
      else {
        // Keys may hold dots too (mail domains under dns.mx): the longest that exists.
        for (let k = parts.length; k > i + 1 && key === undefined; k--) {
          if (parts.slice(i, k).some((p) => p.bracket)) continue;
          const candidate = parts.slice(i, k).map((p) => p.text).join('.');
          if (has(node, candidate)) {
            key = candidate;
            used = k - i;
          }
        }
      }
      if (key === undefined || !has(node, key)) {
        // A new key: fine where only keys follow, since mappings can be created for them.
        const rest = parts.slice(i + 1);
        if (rest.some((p) => p.bracket)) {
          const near = closest(part.text, Object.keys(node));
          throw new SetPathError(`${path.text}: ${where()} has no '${part.text}'${near === undefined ? `; it has ${Object.keys(node).join(', ') || 'nothing'}` : ` — did you mean '${near}'?`}`);
        }
        steps.push(part.text);
        created = 1;
        i++;
        continue;
      }
      steps.push(key);
      node = node[key];
      i += used;
      continue;
    }
    const what = node === null ? 'empty' : typeof node === 'string' ? `the text ${JSON.stringify(node)}` : `the ${typeof node} ${String(node)}`;
    throw new SetPathError(`${path.text}: ${where()} is ${what}, which has no '${part.text}'`);
  }
  if (steps.length === 0) throw new SetPathError(`${path.text}: the path leads nowhere`);
  return { steps, created };
}

/** Copies a container, with the positions recorded for the original. */
function copyOf(node: Plain | unknown[], positions: PositionIndex, fallback: Position): Plain | unknown[] {
  const copy: Plain | unknown[] = Array.isArray(node) ? [...node] : { ...node };
  const from = positions.of(node);
  const entry = positions.record(copy, from?.at ?? fallback);
  if (from !== undefined) {
    for (const [k, p] of from.keys) entry.keys.set(k, p);
    for (const [k, p] of from.values) entry.values.set(k, p);
  }
  return copy;
}

/**
 * `data` with `value` at `steps` (as found by {@link resolvePath}); `data` itself is not
 * changed: the containers on the way are copied. The new value, and any key created for it,
 * are recorded at `at` in `positions`, so problems found in it point at the `--set`.
 */
export function setAt(data: unknown, steps: readonly PathSegment[], value: unknown, positions: PositionIndex, at: Position): unknown {
  if (steps.length === 0) return value;
  const [first, ...rest] = steps as [PathSegment, ...PathSegment[]];
  const node = isMapping(data) || Array.isArray(data) ? copyOf(data, positions, at) : copyOf({}, positions, at);
  const entry = positions.of(node);
  const child = (node as Record<PathSegment, unknown>)[first];
  const next = setAt(child === undefined ? undefined : child, rest, value, positions, at);
  if (Array.isArray(node)) node[first as number] = next;
  else Object.defineProperty(node, first, { value: next, enumerable: true, writable: true, configurable: true });
  if (entry !== undefined) {
    if (rest.length === 0 || child === undefined) entry.values.set(first, at);
    if (child === undefined) entry.keys.set(first, at);
  }
  return node;
}
