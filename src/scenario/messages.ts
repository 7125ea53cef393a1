/**
 * The wording of validation messages: what was expected, and what was found.
 *
 * {@link scenarioErrorMap} is the error map passed to every parse of a scenario, so that each
 * issue zod raises reads like the rest of portsim's messages ("expected a number, found the
 * text "ten"") rather than like a type checker's. A schema may still give its own message;
 * zod prefers it to this map.
 *
 * @module
 */
import type { z } from 'zod';
import { didYouMean } from './suggest.js';

/** Registered descriptions of what a field expects, for fields whose zod type says too little. */
const expectations = new WeakMap<object, string>();

/**
 * Registers how to describe what `schema` expects ("a duration such as \"5m\""), for messages
 * about a missing or wrongly typed value. Returns the schema.
 */
export function describeExpected<T extends z.ZodType>(schema: T, phrase: string): T {
  expectations.set(schema, phrase);
  return schema;
}

/** Gives `to` (a copy of `from`, e.g. with a description) the expectation registered for `from`. */
export function inheritExpected<T extends z.ZodType>(from: z.ZodType, to: T): T {
  const phrase = expectations.get(from);
  if (phrase !== undefined) expectations.set(to, phrase);
  return to;
}

const TYPE_PHRASES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  null: 'nothing (null)',
  undefined: 'nothing',
};

/** How a found value is described: `the number 30`, `the text "5 minutes"`, `a list`. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `the text ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

function quoteValue(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function listValues(values: readonly unknown[]): string {
  return values.length === 1 ? quoteValue(values[0]) : `one of ${values.map(quoteValue).join(', ')}`;
}

/** Words for "at least" / "more than" in bounds messages. */
function bound(kind: 'small' | 'big', inclusive: boolean | undefined, n: number | bigint): string {
  if (kind === 'small') return inclusive === false ? `> ${n}` : `≥ ${n}`;
  return inclusive === false ? `< ${n}` : `≤ ${n}`;
}

interface RawIssueLike {
  readonly code: string;
  readonly input?: unknown;
  readonly inst?: unknown;
  readonly expected?: string;
  readonly values?: readonly unknown[];
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
  readonly format?: string;
  readonly divisor?: number;
  readonly keys?: readonly string[];
}

/** A zod type name (`string`, `int`, `object`) in words (`text`, `a whole number`, `a mapping`). */
export function typePhrase(expected: string): string {
  return TYPE_PHRASES[expected] ?? expected;
}

/** What `inst` expects, in words. */
function expectedPhrase(iss: RawIssueLike): string {
  const registered = typeof iss.inst === 'object' && iss.inst !== null ? expectations.get(iss.inst) : undefined;
  return registered ?? TYPE_PHRASES[iss.expected ?? ''] ?? String(iss.expected);
}

/**
 * The message for one issue, in portsim's words. Missing values say only what was expected
 * (the caller names the missing key); unknown keys are worded by the object that rejects them.
 */
export function issueMessage(iss: RawIssueLike): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return `expected ${expectedPhrase(iss)}`;
      return `expected ${expectedPhrase(iss)}, found ${describeFound(iss.input)}`;
    case 'invalid_value': {
      const values = iss.values ?? [];
      const hint = typeof iss.input === 'string' ? didYouMean(iss.input, values.map(String)) : '';
      if (iss.input === undefined) return `expected ${listValues(values)}`;
      return `expected ${listValues(values)}, found ${describeFound(iss.input)}${hint}`;
    }
    case 'too_small':
    case 'too_big': {
      const kind = iss.code === 'too_small' ? 'small' : 'big';
      const n = (kind === 'small' ? iss.minimum : iss.maximum) ?? 0;
      if (iss.origin === 'string') {
        return kind === 'small' && Number(n) === 1 ? 'expected text, found empty text' : `expected text of length ${bound(kind, iss.inclusive, n)}`;
      }
      if (iss.origin === 'array') {
        return kind === 'small' ? `expected at least ${n} item${Number(n) === 1 ? '' : 's'}` : `expected at most ${n} item${Number(n) === 1 ? '' : 's'}`;
      }
      return `expected a number ${bound(kind, iss.inclusive, n)}, found ${describeFound(iss.input)}`;
    }
    case 'invalid_format':
      if (iss.format === 'url') return `expected a URL such as "https://example.org/page", found ${describeFound(iss.input)}`;
      return `expected text in ${iss.format} format, found ${describeFound(iss.input)}`;
    case 'not_multiple_of':
      return `expected a multiple of ${iss.divisor}, found ${describeFound(iss.input)}`;
    case 'unrecognized_keys':
      return (iss.keys ?? []).map((k) => `unknown key '${k}'`).join('\n');
    case 'invalid_union': {
      // Without a registered phrase the issue mapper words it from the union's options.
      const registered = typeof iss.inst === 'object' && iss.inst !== null ? expectations.get(iss.inst) : undefined;
      return registered === undefined ? '' : `expected ${registered}, found ${describeFound(iss.input)}`;
    }
    default:
      return `invalid value: found ${describeFound(iss.input)}`;
  }
}

/** The error map used for every scenario parse (see the module comment). */
export const scenarioErrorMap = (iss: RawIssueLike): string => issueMessage(iss);
