/**
 * What-if analysis: variants compared on the same population with common random numbers,
 * grids of parameter values swept, with confidence intervals across seeds, collateral damage
 * customer by customer, and runs spread over worker threads.
 *
 * @module
 */
export { type CauseGroup, type ChangedMessage, type Collateral, collateral, diffOutcomes, type Direction, type MessageState, type SeedDiff } from './collateral.js';
export {
  type CompareOptions,
  type ComparedRun,
  compareVariants,
  COMPARISON_VERSION,
  CollateralFolder,
  comparisonJobs,
  type Comparison,
  type FigureComparison,
  summarize,
  type VariantEstimate,
  variantsToCompare,
} from './compare.js';
export { formatCollateralDetail, formatCollateralSummary, formatComparison, formatComparisonTable } from './compare-text.js';
export { type Figure, type FigureKey, FIGURES, type Figures, figuresOf, legitHarmed, spamStopped } from './figures.js';
export { type Assignment, AssignmentError, gridOf, loadPoint, MAX_RUNS, parseAssignment, pointProblemLine, pointProblemLines, type Setting } from './grid.js';
export { CONFIDENCE, type Estimate, estimate, pairedDifference } from './interval.js';
export { type JobResult, type RunJob, runJob, type ScenarioCache, ScenarioChangedError } from './job.js';
export { defaultWorkers, ownHeapMb, type PoolOptions, type PoolOutcome, runJobs, WorkerOutOfMemory, workerHeapMb, workersAvailable } from './pool.js';
export { MAX_SEEDS, seedList } from './seeds.js';
export { parsePath, type ParsedPath, resolvePath, SetPathError, setAt } from './set-path.js';
export { MAX_RANGE_VALUES, parseValues, type SetValue, SetValueError } from './set-values.js';
export { incompleteBeta, tCdf, tQuantile } from './student-t.js';
export { deserializeError, JobError, type SerializedError, serializeError } from './worker-protocol.js';
export { csvField, csvLine, parseCsv } from './csv.js';
export { frontier, frontierChart, type TradeOff } from './frontier.js';
export { formatFor, jsonRow, openRowFile, type RowFile, RowFileError, type RowFormat, SWEEP_FILE_VERSION } from './row-file.js';
export {
  cellText,
  jobKey,
  planSweep,
  rowCells,
  rowKey,
  rowOf,
  runSweep,
  type SweepOptions,
  type SweepOutcome,
  type SweepPlan,
  SweepPlanError,
  type SweepPoint,
  type SweepRow,
  sweepColumns,
  sweepJobs,
  tradeOffs,
} from './sweep.js';
