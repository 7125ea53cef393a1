/**
 * The scenario's metadata and run parameters: what it is about, where its facts come from,
 * and the seed, start and length of the run.
 *
 * These keys sit at the top level of a scenario file, beside the other sections.
 *
 * @module
 */
import { z } from 'zod';
import { doc, dateTime, duration, strictObject, text } from './fields.js';
import { describeExpected } from './messages.js';

/** A source a scenario's facts come from: a description and, when there is one, a link. */
export const sourceSchema = strictObject({
  /** What the source is, in the author's words. */
  text,
  url: doc(z.url().optional(), 'Where to read it.'),
});

/** The seed used unless the scenario or the command line gives one (the kernel's default). */
export const DEFAULT_SEED = 42;

/** The seed of a run: a whole number ≥ 0, or text (hashed by the kernel). */
export const seedSchema = describeExpected(z.union([z.int().min(0), z.string().min(1)]), 'a whole number ≥ 0 or text');

/** The metadata keys, for inclusion in the top-level mapping. */
export const metadataShape = {
  title: doc(text, 'A short title, shown by `portsim list` and at the top of a replay.'),
  description: doc(text.optional(), 'What the scenario shows, in a paragraph or two.'),
  tags: doc(z.array(text).default([]), 'Keywords for finding scenarios (`smtp`, `port-25`, `vpn`).'),
  sources: doc(z.array(sourceSchema).default([]), 'Where the facts come from.'),
  teachingNotes: doc(text.optional(), 'Notes for a teacher: what to point out, what to ask.'),
  seed: doc(seedSchema.default(DEFAULT_SEED), 'The run\'s random seed; `portsim run --seed` overrides it.'),
  duration: doc(duration.refine((s) => s > 0, { error: 'the run must last longer than 0' }), 'How much simulated time the run covers.'),
  start: doc(dateTime.optional(), 'When the run starts; moments of the run may then be given as dates.'),
};
