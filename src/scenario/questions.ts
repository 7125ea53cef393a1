/**
 * Questions: predict-then-reveal prompts for the replay. The replay stops at the question's
 * moment, asks, and after the run reveals the answer taken from the run's report.
 *
 * ```yaml
 * questions:
 *   - at: 1d
 *     prompt: How much of the ADSL users' legitimate mail gets through on day one?
 *     answer: legit mail from adsl-users delivered    # a metric of the report
 *     choices:                                        # optional; the right one is the one whose condition holds
 *       - { text: nearly all, when: ">= 90%" }
 *       - { text: about half, when: "< 90%" }
 * ```
 *
 * @module
 */
import { z } from 'zod';
import { doc, strictObject, text, timePoint } from './fields.js';
import { type Condition, ExpectationSyntaxError, parseCondition } from './expectation-syntax.js';
import { metricRefText } from './expectations.js';

const choiceSchema = strictObject({
  /** What the learner picks. */
  text,
  when: doc(z.string(), 'When this choice is right: a comparison of the answer\'s metric, such as ">= 90%".'),
});

/** One question. */
export const questionSchema = strictObject({
  at: doc(timePoint.optional(), 'When the replay asks it (default: before the run starts).'),
  prompt: doc(text, 'The question.'),
  answer: doc(metricRefText, 'The metric whose value answers it.'),
  choices: doc(z.array(choiceSchema).min(2).optional(), 'Choices to pick from; each is right when its condition holds on the answer.'),
  explanation: doc(text.optional(), 'Shown with the answer: why it came out that way.'),
}).transform((q, ctx) => {
  const choices: { text: string; when: Condition }[] = [];
  q.choices?.forEach((c, i) => {
    try {
      choices.push({ text: c.text, when: parseCondition(c.when, q.answer) });
    } catch (e) {
      if (!(e instanceof ExpectationSyntaxError)) throw e;
      ctx.addIssue({ code: 'custom', path: ['choices', i, 'when'], message: e.message, params: { offset: e.offset } });
    }
  });
  return { ...q, choices: q.choices === undefined ? undefined : choices };
});

/** A question, as validated. */
export type Question = z.output<typeof questionSchema>;
