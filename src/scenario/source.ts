/**
 * Reading a scenario file into plain data, safely, with the position of every value.
 *
 * The YAML is parsed with the `yaml` package (YAML 1.2 core schema: `2009-06-01` and `08:00`
 * stay text, `yes`/`no` are not booleans). On top of the parser:
 *
 * - **Limits**: a file may not exceed {@link LoadLimits.maxFileBytes}; aliases are checked by
 *   the library's `maxAliasCount` (which catches "billion laughs" before anything is expanded)
 *   and, as a hard stop, the total number of values produced, aliases expanded, is capped;
 *   nesting depth and include depth are capped too.
 * - **Includes**: `!include path/to/file.yaml` in place of any value reads that file's
 *   document there. The path is relative to the file that includes it and must stay inside
 *   the folder of the top-level scenario (see `include-path.ts`). Cycles are errors.
 * - **Strictness**: one document per file, unique keys, no tags but `!include`.
 *
 * Every problem found is collected, with its position, and thrown at the end as one
 * {@link ScenarioError}.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node as YamlNode,
  parseAllDocuments,
  Scalar,
  visit,
} from 'yaml';
import { ScenarioError, type ScenarioProblem } from './errors.js';
import { resolveInclude } from './include-path.js';
import { type Position, PositionIndex } from './position.js';

/** Safety limits for reading a scenario. */
export interface LoadLimits {
  /** Largest file read, in bytes (each file, top-level or included). */
  readonly maxFileBytes: number;
  /** How deep includes may nest: the top-level file is depth 0. */
  readonly maxIncludeDepth: number;
  /** The `yaml` library's alias budget (uses of an anchor times the aliases inside it). */
  readonly maxAliasCount: number;
  /** Hard cap on the number of values produced, across all files, aliases expanded. */
  readonly maxValues: number;
  /** How deeply mappings and lists may nest. */
  readonly maxNesting: number;
}

/** The limits used unless others are given: 1 MiB files, 8 levels of includes. */
export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  maxFileBytes: 1024 * 1024,
  maxIncludeDepth: 8,
  maxAliasCount: 100,
  maxValues: 1_000_000,
  maxNesting: 64,
};

/** A scenario read from disk: plain data plus where each part of it was written. */
export interface ScenarioSource {
  /** The top-level file, as given. */
  readonly file: string;
  /** The document as plain data (includes replaced by what they include). */
  readonly data: unknown;
  /** Positions of every container, key and value of `data`. */
  readonly positions: PositionIndex;
  /** Where the document starts (for problems about the whole file). */
  readonly at: Position;
  /** Every file read, as displayed, the top-level one first. */
  readonly files: readonly string[];
  /** SHA-256 (hex) of the files read, in order: identifies the exact scenario text. */
  readonly hash: string;
}

const INCLUDE_TAG = '!include';
const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';

interface FileContext {
  readonly realPath: string;
  readonly display: string;
  readonly lines: LineCounter;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly anchors: Map<YamlNode, YamlNode | undefined>;
  readonly depth: number;
  readonly chain: readonly string[];
}

class Reader {
  readonly positions = new PositionIndex();
  readonly problems: ScenarioProblem[] = [];
  readonly files: string[] = [];
  private readonly hash = createHash('sha256');
  private values = 0;
  private valuesExhausted = false;
  /** The outermost alias being expanded, if any: where an expansion problem is reported. */
  private expanding: Position | undefined;

  constructor(
    private readonly limits: LoadLimits,
    private readonly rootReal: string,
  ) {}

  digest(): string {
    return this.hash.digest('hex');
  }

  problem(at: Position | undefined, message: string, file?: string): void {
    this.problems.push({ at, path: [], message, ...(at === undefined && file !== undefined ? { file } : {}) });
  }

  /** Reads and converts one file; undefined when it could not be parsed. */
  readFile(realPath: string, display: string, depth: number, chain: readonly string[], from?: Position): { data: unknown; at: Position } | undefined {
    let text: string;
    try {
      const st = statSync(realPath);
      if (!st.isFile()) {
        this.problem(from, `${display} is not a file`, display);
        return undefined;
      }
      if (st.size > this.limits.maxFileBytes) {
        this.problem(from, `${display} is ${st.size} bytes; a scenario file may be at most ${this.limits.maxFileBytes} bytes`, display);
        return undefined;
      }
      const bytes = readFileSync(realPath);
      this.hash.update(display).update('\0').update(bytes).update('\0');
      text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : String(code ?? e);
      this.problem(from, `cannot read ${display}: ${why}`, display);
      return undefined;
    }
    this.files.push(display);
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: true,
      customTags: [{ tag: INCLUDE_TAG, resolve: (s: string) => s }],
    });
    const pos = (offset: number): Position => {
      const { line, col } = lines.linePos(offset);
      return { file: display, line: Math.max(line, 1), column: col };
    };
    const start = pos(0);
    if (docs.length === 0) return { data: null, at: start }; // an empty file
    let ok = true;
    for (const d of docs) {
      for (const e of d.errors) {
        this.problem(pos(e.pos[0]), `YAML syntax error: ${e.message}`);
        ok = false;
      }
    }
    if (docs.length > 1) {
      // Reported, but the first document is still read for its own problems.
      const second = docs[1]!;
      this.problem(pos(second.range[0]), 'a scenario file holds one YAML document, but another starts here (after ---)');
    }
    const doc = docs[0];
    if (!ok || doc === undefined) return undefined;
    // The library's alias budget: it counts without expanding anything.
    try {
      doc.toJS({ maxAliasCount: this.limits.maxAliasCount });
    } catch (e) {
      if (e instanceof ReferenceError) {
        this.problem(firstAlias(doc, pos) ?? start, `aliases expand too much (more than ${this.limits.maxAliasCount} uses of an anchor, counting the aliases inside it): a possible "billion laughs"; write the values out instead`);
        return undefined;
      }
      throw e;
    }
    const ctx: FileContext = { realPath, display, lines, text, doc, anchors: anchorTargets(doc), depth, chain: [...chain, realPath] };
    return { data: this.convert(doc.contents, ctx, 0, new Set()), at: doc.contents ? this.nodePos(doc.contents, ctx) : start };
  }

  /** Positions are immutable, so an anchor's nodes share theirs across every alias use. */
  private readonly nodePositions = new WeakMap<YamlNode, Position>();

  nodePos(node: YamlNode, ctx: FileContext): Position {
    let p = this.nodePositions.get(node);
    if (p === undefined) this.nodePositions.set(node, (p = this.computePos(node, ctx)));
    return p;
  }

  private computePos(node: YamlNode, ctx: FileContext): Position {
    const offset = node.range?.[0] ?? 0;
    const { line, col } = ctx.lines.linePos(offset);
    const base = { file: ctx.display, line: Math.max(line, 1), column: col };
    if (isScalar(node) && node.range !== undefined && node.range !== null) {
      const raw = ctx.text.slice(node.range[0], node.range[1]);
      if (!raw.includes('\n')) {
        if (node.type === Scalar.PLAIN) return { ...base, contentColumn: col };
        if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) return { ...base, contentColumn: col + 1 };
      }
    }
    return base;
  }

  /** Converts a YAML node to plain data, recording positions; `active` guards alias cycles. */
  convert(node: YamlNode | null | undefined, ctx: FileContext, nesting: number, active: Set<YamlNode>): unknown {
    if (node === null || node === undefined) return null;
    if (this.valuesExhausted) return null;
    if (++this.values > this.limits.maxValues) {
      this.valuesExhausted = true;
      this.problem(this.expanding ?? this.nodePos(node, ctx), `the scenario expands to more than ${this.limits.maxValues} values (aliases counted each time they are used); it is too large to read`);
      return null;
    }
    if (nesting > this.limits.maxNesting) {
      this.valuesExhausted = true;
      this.problem(this.nodePos(node, ctx), `mappings and lists nest more than ${this.limits.maxNesting} deep`);
      return null;
    }
    if (isAlias(node)) {
      const target = ctx.anchors.get(node);
      if (target === undefined) {
        this.problem(this.nodePos(node, ctx), `unknown alias *${node.source}: no anchor &${node.source} before it`);
        return null;
      }
      if (active.has(target)) {
        this.problem(this.nodePos(node, ctx), `alias *${node.source} refers to a value that contains it`);
        return null;
      }
      active.add(target);
      const outermost = this.expanding === undefined;
      if (outermost) this.expanding = this.nodePos(node, ctx);
      const v = this.convert(target, ctx, nesting, active);
      if (outermost) this.expanding = undefined;
      active.delete(target);
      return v;
    }
    const tag = node.tag;
    if (tag !== undefined && tag !== INCLUDE_TAG && !tag.startsWith(YAML_TAG_PREFIX)) {
      this.problem(this.nodePos(node, ctx), `unknown tag ${tag}: the only tag portsim reads is ${INCLUDE_TAG}`);
      return null;
    }
    if (tag === INCLUDE_TAG) return this.include(node, ctx);
    if (isScalar(node)) return normaliseScalar(node.value);
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      const entry = this.positions.record(obj, this.nodePos(node, ctx));
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        if (!isScalar(keyNode) || (keyNode.value !== null && typeof keyNode.value === 'object')) {
          this.problem(keyNode ? this.nodePos(keyNode, ctx) : entry.at, 'a key must be a plain name, not a mapping or a list');
          continue;
        }
        const key = String(keyNode.value);
        const keyPos = this.nodePos(keyNode, ctx);
        const valueNode = pair.value as YamlNode | null;
        const value = this.convert(valueNode, ctx, nesting + 1, active);
        // defineProperty: a key named __proto__ must stay data, not change the prototype.
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        entry.keys.set(key, keyPos);
        entry.values.set(key, valueNode?.range ? this.nodePos(valueNode, ctx) : keyPos);
      }
      return obj;
    }
    if (isSeq(node)) {
      const arr: unknown[] = [];
      const entry = this.positions.record(arr, this.nodePos(node, ctx));
      node.items.forEach((item, i) => {
        const itemNode = item as YamlNode | null;
        arr.push(this.convert(itemNode, ctx, nesting + 1, active));
        entry.values.set(i, itemNode?.range ? this.nodePos(itemNode, ctx) : entry.at);
      });
      return arr;
    }
    return null;
  }

  include(node: YamlNode, ctx: FileContext): unknown {
    const at = this.nodePos(node, ctx);
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.problem(at, `${INCLUDE_TAG} takes a file name, such as ${INCLUDE_TAG} isps/lime.yaml`);
      return null;
    }
    const spec = node.value;
    if (ctx.depth + 1 > this.limits.maxIncludeDepth) {
      this.problem(at, `${INCLUDE_TAG} ${spec}: includes nest more than ${this.limits.maxIncludeDepth} deep`);
      return null;
    }
    const r = resolveInclude(spec, ctx.realPath, ctx.display, this.rootReal);
    if ('error' in r) {
      this.problem(at, r.error);
      return null;
    }
    if (ctx.chain.includes(r.realPath)) {
      this.problem(at, `${INCLUDE_TAG} ${spec}: include cycle (${r.displayPath} includes itself, directly or through other files)`);
      return null;
    }
    const got = this.readFile(r.realPath, r.displayPath, ctx.depth + 1, ctx.chain, at);
    return got === undefined ? null : got.data;
  }
}

/** Numbers stay numbers; YAML's other scalar types (big integers, binary) become text. */
function normaliseScalar(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}

/** Maps each alias to its anchor: the last node with that anchor before the alias. */
function anchorTargets(doc: Document.Parsed): Map<YamlNode, YamlNode | undefined> {
  const last = new Map<string, YamlNode>();
  const targets = new Map<YamlNode, YamlNode | undefined>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) targets.set(node, last.get(node.source));
      else if (node.anchor !== undefined) last.set(node.anchor, node);
    },
  });
  return targets;
}

function firstAlias(doc: Document.Parsed, pos: (offset: number) => Position): Position | undefined {
  let found: Position | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = pos(node.range?.[0] ?? 0);
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Reads a scenario file and everything it includes.
 *
 * @throws ScenarioError listing every problem: unreadable files, YAML syntax errors, broken
 *   limits, bad includes, unknown tags. No other error escapes for bad input.
 */
export function readScenarioSource(file: string, limits: LoadLimits = DEFAULT_LOAD_LIMITS): ScenarioSource {
  let real: string;
  try {
    real = realpathSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError([{ at: undefined, file, path: [], message: `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : String(code ?? e)}` }]);
  }
  const reader = new Reader(limits, dirname(real));
  const got = reader.readFile(real, file, 0, []);
  if (got === undefined || reader.problems.length > 0) {
    throw new ScenarioError(reader.problems, reader.files);
  }
  return { file, data: got.data, positions: reader.positions, at: got.at, files: reader.files, hash: reader.digest() };
}
