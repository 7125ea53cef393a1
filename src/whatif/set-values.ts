/**
 * The values of a `--set PATH=VALUES`: a comma-separated list whose items are YAML values or
 * ranges.
 *
 * ```text
 * 10/day,20/day,50/day                   texts, read as the scenario reads them
 * 10..100 step 10                        10, 20, …, 100 (numbers)
 * 10/day..100/day step 10/day            the same with a unit: 10/day, 20/day, …
 * 5%..25% step 5                         a unit on one end applies to both and to the step
 * drop,{type: reject, with: tcp-reset}   YAML flow values: commas inside braces stay inside
 * 1,2..4,10                              items and ranges mix: 1, 2, 3, 4, 10
 * ```
 *
 * A range includes its end when the steps land on it (to within rounding); `step` defaults to
 * 1. Values keep the unit written, so the scenario's validation reads `10/day` as it would in
 * the file, and reports a bad unit where it would.
 *
 * @module
 */
import { parse as parseYaml } from 'yaml';

/** A `--set` value that cannot be read. */
export class SetValueError extends Error {
  override name = 'SetValueError';
}

/** One value of a `--set`, with the text it came from (for messages and CSV cells). */
export interface SetValue {
  value: unknown;
  text: string;
}

/** The most values one range may produce. */
export const MAX_RANGE_VALUES = 10_000;

/** Splits at commas that are not inside braces, brackets or quotes. */
function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote !== null) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quote !== null) throw new SetValueError(`unclosed ${quote} in '${text}'`);
  if (depth !== 0) throw new SetValueError(`unbalanced braces or brackets in '${text}'`);
  items.push(text.slice(start));
  return items.map((s) => s.trim());
}

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const RANGE = new RegExp(String.raw`^(${NUMBER})([^\s.][^\s]*?)?\s*\.\.\s*(${NUMBER})([^\s]*)?(?:\s+step\s+(${NUMBER})([^\s]*)?)?$`);

/** Rounds away the binary noise that stepping adds (0.1 + 0.2 → 0.3). */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

function range(item: string): SetValue[] | null {
  const m = RANGE.exec(item);
  if (m === null) {
    if (/\.\./.test(item) && !/^["'{[]/.test(item)) {
      throw new SetValueError(`cannot read the range '${item}': write FROM..TO or FROM..TO step STEP, such as 10..100 step 10 or 10/day..50/day step 10/day`);
    }
    return null;
  }
  const [, fromText, fromUnit = '', toText, toUnit = '', stepText, stepUnit = ''] = m as unknown as [string, string, string | undefined, string, string | undefined, string | undefined, string | undefined];
  const units = [fromUnit, toUnit, stepUnit].filter((u) => u !== '');
  const unit = units[0] ?? '';
  if (units.some((u) => u !== unit)) throw new SetValueError(`the range '${item}' mixes units (${[...new Set(units)].join(', ')}): give its ends and step in the same unit`);
  const from = Number(fromText);
  const to = Number(toText);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step === 0) throw new SetValueError(`the range '${item}' has a step of 0`);
  if ((to - from) * step < 0) throw new SetValueError(`the range '${item}' never reaches ${toText}${unit}: its step goes the other way`);
  const count = Math.floor(tidy((to - from) / step) + 1e-9) + 1;
  if (count > MAX_RANGE_VALUES) throw new SetValueError(`the range '${item}' has ${count} values; at most ${MAX_RANGE_VALUES} are allowed`);
  const out: SetValue[] = [];
  for (let k = 0; k < count; k++) {
    const x = tidy(from + k * step);
    out.push(unit === '' ? { value: x, text: String(x) } : { value: `${x}${unit}`, text: `${x}${unit}` });
  }
  return out;
}

/** Reads the values of one `--set`, in the order written. */
export function parseValues(text: string): SetValue[] {
  if (text.trim() === '') throw new SetValueError('no value given: write PATH=VALUE, or PATH=V1,V2 or PATH=FROM..TO step STEP');
  const out: SetValue[] = [];
  for (const item of splitTopLevel(text)) {
    if (item === '') throw new SetValueError(`an empty value in '${text}' (two commas in a row, or one at an end?)`);
    const r = range(item);
    if (r !== null) {
      out.push(...r);
      continue;
    }
    let value: unknown;
    try {
      // The scenario's own dialect: YAML 1.2 core, so `08:00` and `yes` stay text.
      value = parseYaml(item, { version: '1.2', schema: 'core', uniqueKeys: true });
    } catch (e) {
      throw new SetValueError(`cannot read the value '${item}': ${(e as Error).message.split('\n')[0] ?? ''}`);
    }
    out.push({ value, text: item });
  }
  return out;
}
