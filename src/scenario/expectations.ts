/**
 * Expectations: assertions on a run's outcome, so that a scenario doubles as a test.
 *
 * ```yaml
 * expectations:
 *   - legit mail from adsl-users delivered >= 95%
 *   - expect: spam mail from zombies delivered <= 5%
 *     variant: proposal            # checked on this variant only (or a list of variants)
 *     note: the block stops direct-to-MX spam
 * ```
 *
 * The text follows the small language of `expectation-syntax.ts`; it is parsed here into a
 * typed {@link Expectation}, and a syntax error points at the column of the offending word.
 *
 * @module
 */
import { z } from 'zod';
import { doc, name, strictObject, text } from './fields.js';
import { ExpectationSyntaxError, type MetricRef, type ParsedExpectation, parseExpectation, parseMetricRef } from './expectation-syntax.js';
import { describeExpected } from './messages.js';

/** Runs a parser of the expectation language inside a schema, turning its errors into located issues. */
export function syntaxField<T>(parse: (s: string) => T) {
  return (s: string, ctx: z.core.$RefinementCtx<string>): T => {
    try {
      return parse(s);
    } catch (e) {
      if (!(e instanceof ExpectationSyntaxError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message, params: { offset: e.offset } });
      return z.NEVER;
    }
  };
}

/** An expectation's text, parsed. */
export const expectationText = describeExpected(z.string(), 'an expectation such as "legit mail from adsl-users delivered >= 95%"')
  .transform(syntaxField((s): ParsedExpectation & { readonly text: string } => ({ text: s.trim(), ...parseExpectation(s) })))
  .meta({ description: 'An expectation: [legit|spam] mail [from GROUP] | server NAME | rule NAME | isp NAME, then a metric, a comparison and a value, e.g. "legit mail from adsl-users delivered >= 95%".' });

/** A metric reference's text (`legit mail from adsl-users delivered`), parsed. */
export const metricRefText = describeExpected(z.string(), 'a metric such as "legit mail from adsl-users delivered"')
  .transform(syntaxField((s): MetricRef & { readonly text: string } => ({ text: s.trim(), ...parseMetricRef(s) })))
  .meta({ description: 'A metric of the report, e.g. "legit mail from adsl-users delivered" or "server smtp.lime.example queuePeak".' });

const expectationObject = strictObject({
  expect: doc(expectationText, 'The expectation itself.'),
  variant: doc(z.union([name, z.array(name).min(1)]).optional(), 'The variant or variants it applies to (default: the base scenario and every variant).'),
  note: doc(text.optional(), 'Why it should hold, shown when it fails.'),
});

/** One expectation, as validated. */
export interface Expectation extends ParsedExpectation {
  /** The text as written, trimmed. */
  readonly text: string;
  /** Variants it applies to; undefined means all runs. */
  readonly variants?: readonly string[];
  /** Why it should hold. */
  readonly note?: string;
}

/** One entry of `expectations`: the text alone, or a mapping with `expect` and options. */
export const expectationSchema = z.union([expectationText, expectationObject]).transform((v): Expectation => {
  if ('expect' in v) {
    return {
      ...v.expect,
      ...(v.variant === undefined ? {} : { variants: typeof v.variant === 'string' ? [v.variant] : v.variant }),
      ...(v.note === undefined ? {} : { note: v.note }),
    };
  }
  return v;
});
