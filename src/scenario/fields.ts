/**
 * Building blocks for scenario schemas: strict mappings that suggest the key meant, and fields
 * that read values with units.
 *
 * Every unit field takes text (or, where it makes sense, a number) and yields the value in
 * portsim's base unit. Its JSON Schema says "text" with a description and examples, so an
 * editor can help the author; a bad value gets the unit parser's message.
 *
 * @module
 */
import { z } from 'zod';
import type { Seconds } from '../engine/index.js';
import { describeExpected, inheritExpected } from './messages.js';
import { didYouMean } from './suggest.js';
import {
  type Bytes,
  type EpochSeconds,
  parseDateTime,
  parseDurationText,
  parseRate,
  parseShare,
  parseSize,
  type PerSecond,
  type Share,
  UnitError,
} from './units.js';

/**
 * A mapping with exactly the keys of `shape`. An unknown key is an error that names the
 * closest valid key ("unknown key 'titel' — did you mean 'title'?") or, failing that, lists
 * the valid ones. (The message holds one line per unknown key; the issue mapper splits them
 * so that each points at its own key.)
 */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const valid = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code !== 'unrecognized_keys') return undefined;
      return iss.keys
        .map((k) => {
          const hint = didYouMean(k, valid);
          return `unknown key '${k}'${hint === '' ? `; valid keys here: ${valid.join(', ')}` : hint}`;
        })
        .join('\n');
    },
  });
}

/**
 * `schema` with a description for the JSON Schema (what an editor shows on hover), keeping
 * the wording registered for its messages.
 */
export function doc<T extends z.ZodType>(schema: T, description: string): T {
  // Keep what the value's own type says (a unit's syntax) after what the field is for.
  const own = innerDescription(schema);
  return inheritExpected(schema, schema.describe(own === undefined ? description : `${description} ${own}`));
}

/** The description of `schema`, or of the schema it wraps (optional, default), if any. */
function innerDescription(schema: z.ZodType): string | undefined {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s !== undefined && i < 4; i++) {
    if (s.description !== undefined) return s.description;
    const inner: unknown = (s.def as { innerType?: unknown; in?: unknown }).innerType ?? (s.def as { in?: unknown }).in;
    s = inner instanceof z.ZodType ? inner : undefined;
  }
  return undefined;
}

/** Turns a unit parser's error into a located zod issue; anything else still throws. */
function unit<I, T>(read: (v: I) => T): (v: I, ctx: z.core.$RefinementCtx<I>) => T {
  return (v, ctx) => {
    try {
      return read(v);
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
      return z.NEVER;
    }
  };
}

/** YAML reads `30` as a number; unit fields take text, with a hint for bare numbers. */
function unitText(what: string, example: (n: number) => string, phrase: string) {
  return describeExpected(z.union([z.string(), z.number()]), phrase).transform((v, ctx) => {
    if (typeof v === 'string') return v;
    if (v === 0) return '0';
    ctx.addIssue({ code: 'custom', message: `invalid ${what} ${v}: a number needs a unit, as in ${example(v)}` });
    return z.NEVER;
  });
}

/** A duration such as `250ms`, `5m`, `1h30m` or `3d`, read to seconds. */
export const duration = unitText('duration', (n) => `"${n}s" or "${n}m"`, 'a duration such as "250ms", "5m" or "3d"')
  .transform(unit<string, Seconds>(parseDurationText))
  .meta({ description: 'A duration: a number and a unit (us, ms, s, m, h, d, w), e.g. "250ms", "5m", "1h30m", "3d".', examples: ['250ms', '5m', '3d'] });

/** A rate such as `49/day`, `20/hour`, `5/min`, `10/s` or `1.5/h`, read to events per second. */
export const rate = unitText('rate', (n) => `"${n}/day" or "${n}/hour"`, 'a rate such as "49/day" or "20/hour"')
  .transform(unit<string, PerSecond>(parseRate))
  .meta({ description: 'A rate: a count per unit of time, e.g. "49/day", "20/hour", "5/min", "10/s", "1.5/h".', examples: ['49/day', '20/hour'] });

/** A size such as `512B`, `64KB` (SI, 1000 bytes) or `1.5GiB` (binary), read to bytes. */
export const size = unitText('size', (n) => `"${n}KB" or "${n}MB"`, 'a size such as "64KB" or "10MB"')
  .transform(unit<string, Bytes>(parseSize))
  .meta({ description: 'A size in bytes: "512B", "64KB", "10MB" (powers of 1000), "1.5GiB" (powers of 1024).', examples: ['64KB', '10MB'] });

/** A date or date-time (`2009-06-01`, `2009-06-01T08:00`), UTC unless an offset is given, read to epoch seconds. */
export const dateTime = describeExpected(z.string(), 'a date such as "2009-06-01" or "2009-06-01T08:00"')
  .transform(unit<string, EpochSeconds>(parseDateTime))
  .meta({ description: 'A date or date and time, UTC unless an offset is given: "2009-06-01", "2009-06-01T08:00", "2009-06-01 08:00:00+01:00".', examples: ['2009-06-01T08:00'] });

/** A share of a population: `10%` or a fraction such as 0.1, read to a fraction. */
export const share = describeExpected(z.union([z.string(), z.number()]), 'a share such as "10%" or 0.1')
  .transform(unit<string | number, Share>(parseShare))
  .meta({ description: 'A share: a percentage ("10%") or a fraction between 0 and 1 (0.1).', examples: ['10%', 0.1] });

/** Free text that may not be empty. */
export const text = z.string().min(1);

/**
 * A name that other parts of a scenario refer to: letters, digits and `. _ - /`, starting with
 * a letter or digit (host names such as `smtp.lime.example` qualify).
 */
export const name = describeExpected(
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, {
    error: (iss) => `expected a name made of letters, digits and . _ - / (such as "adsl-users"), found ${JSON.stringify(iss.input)}`,
  }),
  'a name such as "adsl-users" or "smtp.lime.example"',
);

/**
 * A moment of the run: a duration from the start (`2d`, `36h`) or a date-time
 * (`2009-06-03T09:00`). Parsed alone it yields a {@link TimeMark}; the whole-scenario parse
 * replaces every mark by seconds from the run's start (see `times.ts`), which is the type the
 * scenario declares.
 */
export const timePoint = unitText(
  'time',
  (n) => `"${n}s", "${n}h" or a date such as "2009-06-01T08:00"`,
  'a time from the start such as "2d" or a date-time such as "2009-06-03T09:00"',
)
  .transform((v, ctx): Seconds => {
    if (/^\s*\d{4}-\d{2}-\d{2}/.test(v)) return new TimeMark('date', unit(parseDateTime)(v, ctx)) as unknown as Seconds;
    return new TimeMark('offset', unit(parseDurationText)(v, ctx)) as unknown as Seconds;
  })
  .meta({ description: 'A moment of the run: a duration from its start ("2d", "36h") or a date-time ("2009-06-03T09:00").', examples: ['2d', '2009-06-03T09:00'] });

/** A moment as written, before it is resolved against the run's start. */
export class TimeMark {
  constructor(
    readonly kind: 'offset' | 'date',
    /** Seconds from the start (`offset`) or epoch seconds (`date`). */
    readonly value: number,
  ) {}
}
