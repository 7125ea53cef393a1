/**
 * The scenario schema: one zod schema from which the types, the validation and the JSON
 * Schema all come.
 *
 * A scenario file is one mapping with the metadata keys (`metadata.ts`) and the sections
 * `fidelity`, `world`, `changes`, `captions`, `questions`, `variants` and `expectations`.
 *
 * @module
 */
import { z } from 'zod';
import { captionSchema } from './captions.js';
import { changeSchema } from './changes.js';
import { expectationSchema } from './expectations.js';
import { doc, strictObject } from './fields.js';
import { fidelitySchema } from './fidelity.js';
import { metadataShape } from './metadata.js';
import { questionSchema } from './questions.js';
import { variantsSchema } from './variants.js';
import { worldSchema } from './world.js';

/** The top-level keys of a scenario, as a zod shape. */
export const scenarioShape = {
  ...metadataShape,
  fidelity: doc(fidelitySchema, 'How much detail the run records.'),
  world: doc(worldSchema, 'The Internet, ISPs, servers and clients.'),
  changes: doc(z.array(changeSchema).default([]), 'Changes during the run: policy switched on, fixes, users reconfiguring.'),
  captions: doc(z.array(captionSchema).default([]), 'Text for learners, at moments or on first happenings.'),
  questions: doc(z.array(questionSchema).default([]), 'Predict-then-reveal questions for the replay.'),
  variants: doc(variantsSchema, 'Named overrides of this scenario (today\'s policy, a proposal).'),
  expectations: doc(z.array(expectationSchema).default([]), 'Assertions on the outcome that `portsim run` checks.'),
};

/**
 * The schema of a scenario file as written. Parsing with it alone leaves moments unresolved;
 * use `validateScenario`, which also resolves moments and checks references.
 */
export const scenarioSchema = strictObject(scenarioShape).meta({
  title: 'portsim scenario',
  description: 'A portsim scenario: a world of ISPs, servers and subscribers, the changes made to it, and what to expect.',
});

/**
 * A validated scenario: plain typed data. Durations are seconds, rates events per second,
 * sizes bytes, shares fractions, dates epoch seconds, and every moment of the run (`at`)
 * seconds from its start.
 */
export type Scenario = z.output<typeof scenarioSchema>;
