/**
 * Variants: named overrides of the base scenario, such as today's policy and a proposal, run
 * on the same population.
 *
 * ```yaml
 * variants:
 *   today: {}
 *   proposal:
 *     description: Block port 25 on ADSL lines.
 *     override:
 *       world:
 *         isps:
 *           - name: lime                 # merged into the base's ISP named lime
 *             rules: [ ... ]             # a list without names is replaced whole
 * ```
 *
 * How an override applies to the base, key by key ({@link applyOverride}):
 *
 * - **mappings** merge deeply: keys of the override replace or extend the base's; a key set to
 *   `null` (`~`) removes it;
 * - **lists of named items** (every item a mapping with a `name`, in the base and in the
 *   override) merge by name: an item whose name the base has merges into it, in the base's
 *   order; a new name is appended, or inserted before the base's item named by its
 *   `$before` (where order matters, as in firewall rules); an item with `$remove: true`
 *   removes the base's item;
 * - **anything else** (numbers, text, unnamed lists) is replaced.
 *
 * The merged document is validated like a scenario of its own, and every problem in it points
 * at the file and line that supplied the faulty value, base or override.
 *
 * @module
 */
import { z } from 'zod';
import type { ScenarioProblem } from './errors.js';
import { doc, name, strictObject, text } from './fields.js';
import type { PathSegment, PositionIndex } from './position.js';

/** One variant: a description and the overrides it applies to the base scenario. */
export const variantSchema = strictObject({
  description: doc(text.optional(), 'What this variant is (`block port 25 on ADSL lines`).'),
  override: doc(z.record(z.string(), z.unknown()).default({}), 'Parts of the scenario to replace, written as in the scenario itself.'),
});

/** The `variants` section: variant name → variant. */
export const variantsSchema = z.record(name, variantSchema).default({});

/** The key that removes a named item in a variant. */
export const REMOVE_KEY = '$remove';

/** The key that puts a new named item before the base's item of that name. */
export const BEFORE_KEY = '$before';

type Plain = Record<string, unknown>;

function isMapping(x: unknown): x is Plain {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isNamedList(x: unknown): x is Plain[] {
  return Array.isArray(x) && x.every((i) => isMapping(i) && typeof i['name'] === 'string');
}

function setOwn(obj: Plain, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Applies `override` to `base` (see the module comment) and returns the merged value; neither
 * input is modified. Positions of the merged containers are recorded in `positions`, each key
 * pointing where its value was written. Problems (removing an item the base lacks) go to
 * `problems`; `path` is where `base` sits in the scenario, for their messages.
 */
export function applyOverride(
  base: unknown,
  override: unknown,
  positions: PositionIndex,
  problems: ScenarioProblem[] = [],
  path: readonly PathSegment[] = [],
): unknown {
  if (isMapping(base) && isMapping(override)) {
    const out: Plain = {};
    const from = positions.of(base);
    const over = positions.of(override);
    const entry = positions.record(out, from?.at ?? over!.at);
    for (const [k, v] of Object.entries(base)) {
      if (Object.prototype.hasOwnProperty.call(override, k)) continue;
      setOwn(out, k, v);
      copyPos(from, entry, k, k);
    }
    for (const [k, v] of Object.entries(override)) {
      if (v === null || k === REMOVE_KEY) continue;
      const merged = Object.prototype.hasOwnProperty.call(base, k) ? applyOverride(base[k], v, positions, problems, [...path, k]) : v;
      setOwn(out, k, merged);
      copyPos(over, entry, k, k);
    }
    // Keep the base's key order, then the override's new keys, as an author would read them.
    return out;
  }
  if (isNamedList(base) && isNamedList(override) && override.length > 0) {
    const out: unknown[] = [];
    const from = positions.of(base);
    const over = positions.of(override);
    const entry = positions.record(out, from?.at ?? over!.at);
    const byName = new Map(override.map((item, i) => [item['name'] as string, { item, i }]));
    const used = new Set<string>();
    const baseNames = new Set(base.map((item) => item['name'] as string));
    const before = new Map<string, number[]>();
    override.forEach((item, i) => {
      const anchor = item[BEFORE_KEY];
      if (anchor === undefined || baseNames.has(item['name'] as string)) return;
      if (typeof anchor !== 'string' || !baseNames.has(anchor)) {
        problems.push({ at: positions.locate(override, [i, BEFORE_KEY]), path: [...path, i, BEFORE_KEY], message: `cannot insert before '${String(anchor)}': the base scenario has no item of that name here` });
        return;
      }
      before.set(anchor, [...(before.get(anchor) ?? []), i]);
    });
    const insert = (i: number): void => {
      const item = override[i] as Plain;
      used.add(item['name'] as string);
      delete item[BEFORE_KEY]; // a directive of the merge, not part of the item
      copyPos(over, entry, i, out.length);
      out.push(item);
    };
    base.forEach((item, i) => {
      for (const j of before.get(item['name'] as string) ?? []) insert(j);
      const o = byName.get(item['name'] as string);
      if (o === undefined) {
        copyPos(from, entry, i, out.length);
        out.push(item);
        return;
      }
      used.add(item['name'] as string);
      if (o.item[REMOVE_KEY] === true) return;
      copyPos(over, entry, o.i, out.length);
      out.push(applyOverride(item, o.item, positions, problems, [...path, o.i]));
    });
    override.forEach((item, i) => {
      const n = item['name'] as string;
      if (used.has(n)) return;
      if (item[REMOVE_KEY] === true) {
        problems.push({ at: positions.locate(override, [i, REMOVE_KEY], 'key'), path: [...path, i], message: `cannot remove '${n}': the base scenario has no item of that name here` });
        return;
      }
      copyPos(over, entry, i, out.length);
      out.push(item);
    });
    return out;
  }
  return override;
}

function copyPos(
  src: ReturnType<PositionIndex['of']>,
  dst: NonNullable<ReturnType<PositionIndex['of']>>,
  from: PathSegment,
  to: PathSegment,
): void {
  if (src === undefined) return;
  const k = src.keys.get(from);
  const v = src.values.get(from);
  if (k !== undefined) dst.keys.set(to, k);
  if (v !== undefined) dst.values.set(to, v);
}
