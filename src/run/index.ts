/**
 * Runs: a scenario, a seed and a simulation, to a report and a trace.
 *
 * @module
 */
export { checkExpectations } from './expectations.js';
export { type ClientFailure, type Decider, type MessageOutcome, messageOutcome, messageOutcomes, OutcomeRecorder } from './message-outcome.js';
export { formatReport } from './report-text.js';
export { RunInterrupted, type RunOptions, type RunResult, runScenario, runScenarioAsync, setEngineVersion, traceHeader, type TraceSink } from './run.js';
