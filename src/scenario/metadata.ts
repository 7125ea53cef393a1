/**
 * The scenario's metadata and run parameters: what it is about, where its facts come from,
 * and the seed, start and length of the run.
 *
 * These keys sit at the top level of a scenario file, beside the other sections.
 *
 * @module
 */
import { z } from 'zod';
import { dateTime, duration, strictObject, text } from './fields.js';
import { describeExpected } from './messages.js';

/** A source a scenario's facts come from: a description and, when there is one, a link. */
export const sourceSchema = strictObject({
  /** What the source is, in the author's words. */
  text,
  /** Where to read it. */
  url: z.url().optional(),
});

/** The seed used unless the scenario or the command line gives one (the kernel's default). */
export const DEFAULT_SEED = 42;

/** The seed of a run: a whole number ≥ 0, or text (hashed by the kernel). */
export const seedSchema = describeExpected(z.union([z.int().min(0), z.string().min(1)]), 'a whole number ≥ 0 or text');

/** The metadata keys, for inclusion in the top-level mapping. */
export const metadataShape = {
  /** A short title, shown by `portsim list` and at the top of a replay. */
  title: text,
  /** What the scenario shows, in a paragraph or two. */
  description: text.optional(),
  /** Keywords for finding scenarios (`smtp`, `port-25`, `vpn`). */
  tags: z.array(text).default([]),
  /** Where the facts come from. */
  sources: z.array(sourceSchema).default([]),
  /** Notes for a teacher: what to point out, what to ask. */
  teachingNotes: text.optional(),
  /** The run's random seed; `portsim run --seed` overrides it. */
  seed: seedSchema.default(DEFAULT_SEED),
  /** How much simulated time the run covers. */
  duration: duration.refine((s) => s > 0, { error: 'the run must last longer than 0' }),
  /** The date and time the run starts at (UTC unless an offset is given); times may be given as dates when it is set. */
  start: dateTime.optional(),
};
