/**
 * Scenarios: reading, validating and describing the YAML files that set up a run.
 *
 * `loadScenario(file)` is the usual entry: it returns the typed base scenario and its
 * variants, or throws a {@link ScenarioError} listing every problem as `file:line:column`.
 * This folder is plain data: it imports only the kernel.
 *
 * @module
 */
export { type Caption, CAPTION_EVENTS, type CaptionEvent, captionSchema } from './captions.js';
export { type Change, CHANGE_ACTIONS, changeSchema, TARGET_KINDS, type TargetKind, type TargetRef, targetSchema } from './changes.js';
export { formatProblem, ScenarioError, type ScenarioProblem, sortProblems } from './errors.js';
export {
  type ComparisonOp,
  type Condition,
  type ExpectedValue,
  ExpectationSyntaxError,
  meets,
  METRICS,
  type MetricRef,
  type MetricSubject,
  type NameToken,
  type ParsedExpectation,
  parseCondition,
  parseExpectation,
  parseMetricRef,
  type SubjectKind,
  type TrafficClass,
  USER_ERROR_KINDS,
} from './expectation-syntax.js';
export { type Expectation, expectationSchema } from './expectations.js';
export { dateTime, duration, name, rate, share, size, strictObject, text, timePoint, TimeMark } from './fields.js';
export { type Fidelity, FIDELITY_LEVELS, type FidelityLevel, fidelitySchema } from './fidelity.js';
export { scenarioJsonSchema, scenarioJsonSchemaText } from './json-schema.js';
export { DEFAULT_SEED, metadataShape, sourceSchema } from './metadata.js';
export { NAME_KINDS, type NameKind, type NameSite } from './names.js';
export { type ContainerPositions, formatPath, type PathSegment, type Position, PositionIndex } from './position.js';
export { type Question, questionSchema } from './questions.js';
export { type Scenario, scenarioSchema, scenarioShape } from './schema.js';
export { DEFAULT_LOAD_LIMITS, type LoadLimits, readScenarioSource, type ScenarioSource } from './source.js';
export { closest, didYouMean, editDistance } from './suggest.js';
export {
  type Bytes,
  type EpochSeconds,
  formatDateTime,
  parseDateTime,
  parseDurationText,
  parseRate,
  parseShare,
  parseSize,
  type PerSecond,
  type Share,
  UnitError,
} from './units.js';
export { BASE_VARIANT } from './references.js';
export { type LoadedScenario, type LoadOptions, loadScenario, locate, selectVariant, validateSource } from './validate.js';
export { applyOverride, BEFORE_KEY, REMOVE_KEY, variantSchema, variantsSchema } from './variants.js';
export { namedItems, type World, WORLD_SECTIONS, type WorldSection, worldSchema } from './world.js';
export { DIURNAL_PROFILES, type GroupSpec, groupSchema, type MailClientSpec, mailClientSchema } from './world-groups.js';
export { dnsSchema, internetSchema, latencySchema, type LatencySpec } from './world-internet.js';
export { contractSchema, type IspSpec, ispSchema, type RuleSpecInput, ruleSchema } from './world-isps.js';
export { mtaSchema, serverSchema, type ServerSpec } from './world-servers.js';
