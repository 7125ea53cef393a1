/**
 * Reference checks: every name used (a change's target, an expectation's client group, a
 * caption's server, an expectation's variant) must be defined once somewhere in the scenario.
 *
 * Names are read from the raw document, each part parsed on its own, so that a fault in one
 * part does not hide a misspelt name in another: all problems are reported together. A kind
 * of name is checked only when some section defines that kind (rules, for example, are
 * checked once the ISP section defines them).
 *
 * @module
 */
import { changeSchema } from './changes.js';
import type { ScenarioProblem } from './errors.js';
import { ExpectationSyntaxError, type NameToken, parseExpectation, parseMetricRef } from './expectation-syntax.js';
import { NAME_KINDS, type NameSite } from './names.js';
import { type Position, type PositionIndex, shiftPosition } from './position.js';
import { closest } from './suggest.js';
import { definedKinds, worldNames } from './world.js';

function items(raw: unknown, key: string): [number, unknown][] {
  if (typeof raw !== 'object' || raw === null) return [];
  const list = (raw as Record<string, unknown>)[key];
  return Array.isArray(list) ? list.map((v, i) => [i, v]) : [];
}

function field(item: unknown, key: string): unknown {
  return typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>)[key] : undefined;
}

function tokensOf(parse: (text: string, names: NameToken[]) => unknown, text: unknown): NameToken[] {
  if (typeof text !== 'string') return [];
  const names: NameToken[] = [];
  try {
    parse(text, names);
  } catch (e) {
    if (!(e instanceof ExpectationSyntaxError)) throw e;
  }
  return names;
}

/** The names used by the model-independent sections of a raw scenario. */
function coreUses(raw: unknown): NameSite[] {
  const uses: NameSite[] = [];
  for (const [i, item] of items(raw, 'changes')) {
    const r = changeSchema.safeParse(item);
    if (r.success) uses.push({ kind: r.data.target.kind, name: r.data.target.name, path: ['changes', i, 'target', r.data.target.kind] });
  }
  for (const [i, item] of items(raw, 'captions')) {
    for (const kind of ['group', 'server'] as const) {
      const n = field(item, kind);
      if (typeof n === 'string') uses.push({ kind, name: n, path: ['captions', i, kind] });
    }
  }
  for (const [i, item] of items(raw, 'questions')) {
    for (const t of tokensOf(parseMetricRef, field(item, 'answer'))) uses.push({ ...t, path: ['questions', i, 'answer'] });
  }
  for (const [i, item] of items(raw, 'expectations')) {
    const textPath = typeof item === 'string' ? ['expectations', i] : ['expectations', i, 'expect'];
    const text = typeof item === 'string' ? item : field(item, 'expect');
    for (const t of tokensOf(parseExpectation, text)) uses.push({ ...t, path: textPath });
    const v = field(item, 'variant');
    if (typeof v === 'string') uses.push({ kind: 'variant', name: v, path: ['expectations', i, 'variant'] });
    if (Array.isArray(v)) v.forEach((n, j) => typeof n === 'string' && uses.push({ kind: 'variant', name: n, path: ['expectations', i, 'variant', j] }));
  }
  return uses;
}

function where(p: Position | undefined, from: Position | undefined): string {
  if (p === undefined) return 'elsewhere';
  return from !== undefined && from.file === p.file ? `line ${p.line}` : `${p.file}:${p.line}:${p.column}`;
}

/** The name by which expectations and `portsim run --variant` refer to the scenario itself. */
export const BASE_VARIANT = 'base';

/**
 * Checks the names of a raw scenario: duplicates among definitions, and uses of undefined
 * names (with the closest defined name as a suggestion). `variantNames`, when given, are the
 * variants to check against instead of the document's own (a variant's merged document has
 * none of its own).
 */
export function checkReferences(raw: unknown, positions: PositionIndex, variantNames?: readonly string[]): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const { defines, uses } = worldNames(field(raw, 'world'));
  const variants = field(raw, 'variants');
  const variantSites: NameSite[] =
    variantNames !== undefined
      ? variantNames.map((n) => ({ kind: 'variant', name: n, path: [] }))
      : typeof variants === 'object' && variants !== null && !Array.isArray(variants)
        ? Object.keys(variants).map((n) => ({ kind: 'variant', name: n, path: ['variants', n] }))
        : [];
  const defined = new Map<string, Map<string, Position | undefined>>();
  // "base" always names the scenario itself, so that an expectation can apply to it alone.
  for (const v of variantSites) {
    if (v.name === BASE_VARIANT && v.path.length > 0) {
      problems.push({ at: positions.locate(raw, v.path, 'key'), path: v.path, message: `'${BASE_VARIANT}' names the scenario itself; give this variant another name` });
    }
  }
  defined.set('variant', new Map([[BASE_VARIANT, undefined]]));
  for (const d of [...defines, ...variantSites.filter((v) => v.name !== BASE_VARIANT)]) {
    const at = positions.locate(raw, d.path);
    let names = defined.get(d.kind);
    if (names === undefined) defined.set(d.kind, (names = new Map()));
    if (names.has(d.name)) {
      problems.push({ at, path: d.path, message: `duplicate ${NAME_KINDS[d.kind].label} name '${d.name}' (first defined at ${where(names.get(d.name), at)})` });
    } else names.set(d.name, at);
  }
  const checked = definedKinds();
  for (const u of [...coreUses(raw), ...uses]) {
    if (!checked.has(u.kind)) continue;
    const names = defined.get(u.kind) ?? new Map<string, Position | undefined>();
    if (names.has(u.name)) continue;
    const kind = NAME_KINDS[u.kind];
    let at = positions.locate(raw, u.path);
    if (at !== undefined && u.offset !== undefined) at = shiftPosition(at, u.offset);
    const near = closest(u.name, names.keys());
    const message =
      near !== undefined
        ? `unknown ${kind.label} '${u.name}' — did you mean '${near}'?`
        : names.size === 0
          ? `unknown ${kind.label} '${u.name}': no ${kind.plural} are defined`
          : `unknown ${kind.label} '${u.name}'; defined ${kind.plural}: ${[...names.keys()].join(', ')}`;
    problems.push({ at, path: u.path, message });
  }
  return problems;
}
