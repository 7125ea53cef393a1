/**
 * Where each value of a scenario came from: file, line and column.
 *
 * A loaded scenario is plain data (objects, arrays, strings, numbers, booleans, null). Beside
 * it, a {@link PositionIndex} maps every object and array of that data to the position of the
 * YAML node it was read from, and of each of its keys and values. Keeping positions on the
 * containers (in a WeakMap) rather than in a table keyed by path means that data rearranged by
 * a variant's overrides keeps its positions: a merged object simply gets a fresh entry whose
 * keys point back to whichever file supplied them.
 *
 * @module
 */

/** A place in a scenario file. Lines and columns count from 1. */
export interface Position {
  /** The file as shown to the user (the path given for the scenario, or an include beside it). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /**
   * For a scalar written on one line: the column of its first character of content (after an
   * opening quote), so that an error inside the text can point at the exact character.
   * Undefined for block scalars and containers.
   */
  readonly contentColumn?: number;
}

/** One step in a path through scenario data: a mapping key or a list index. */
export type PathSegment = string | number;

/** The positions recorded for one object or array. */
export interface ContainerPositions {
  /** Where the mapping or list itself starts. */
  readonly at: Position;
  /** Where each key of a mapping is written. */
  readonly keys: Map<PathSegment, Position>;
  /** Where each value (of a mapping key or list index) starts. */
  readonly values: Map<PathSegment, Position>;
}

/** Positions of the containers of one scenario's data. */
export class PositionIndex {
  private readonly byContainer = new WeakMap<object, ContainerPositions>();

  /** Records where `container` starts; returns its (initially empty) key and value tables. */
  record(container: object, at: Position): ContainerPositions {
    const entry: ContainerPositions = { at, keys: new Map(), values: new Map() };
    this.byContainer.set(container, entry);
    return entry;
  }

  /** The positions recorded for `container`, if it was read from a file or built by a merge. */
  of(container: object): ContainerPositions | undefined {
    return this.byContainer.get(container);
  }

  /**
   * The position of the value at `path` below `root` (or of its key, with `which: 'key'`).
   * When the path leads past what exists (a missing field), the deepest container that exists
   * answers, so an error about a missing field points at the mapping that lacks it.
   */
  locate(root: unknown, path: readonly PathSegment[], which: 'value' | 'key' = 'value'): Position | undefined {
    let node: unknown = root;
    let best = isContainer(root) ? this.of(root)?.at : undefined;
    for (let i = 0; i < path.length; i++) {
      if (!isContainer(node)) break;
      const entry = this.of(node);
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (entry !== undefined) {
        const p = last && which === 'key' ? (entry.keys.get(seg) ?? entry.values.get(seg)) : entry.values.get(seg);
        if (p !== undefined) best = p;
        else break;
      }
      node = (node as Record<PathSegment, unknown>)[seg];
    }
    return best;
  }
}

function isContainer(x: unknown): x is object {
  return typeof x === 'object' && x !== null;
}

/** Reads the value at `path` below `root`, or undefined where the path does not exist. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const seg of path) {
    if (!isContainer(node)) return undefined;
    if (Array.isArray(node) && typeof seg !== 'number') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, seg)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[seg];
  }
  return node;
}

/**
 * Prints a path the way the scenario is written: `world.isps[0].rules[2].port`.
 * Keys that are not plain identifiers are quoted: `variants["no block"]`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** The position `offset` characters into a one-line scalar, or the scalar's start otherwise. */
export function shiftPosition(p: Position, offset: number): Position {
  if (p.contentColumn === undefined || offset <= 0) return p;
  return { file: p.file, line: p.line, column: p.contentColumn + offset };
}
