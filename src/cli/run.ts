/**
 * `portsim run <scenario>`: runs a scenario (or one of its variants), prints the outcome
 * report, checks the scenario's expectations, and writes the trace when asked.
 *
 * Exit codes: 0 when every expectation holds, 1 when one fails, 2 for bad usage or a bad
 * scenario (with `file:line:column` messages, never a stack trace), 3 when the run outgrew
 * the memory node allows it, 130 after Ctrl-C.
 *
 * @module
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DurationError, parseDuration } from '../engine/index.js';
import { formatReport, type RunResult, setEngineVersion } from '../run/index.js';
import { FIDELITY_LEVELS, type FidelityLevel, formatProblem, type LoadedScenario, loadScenario, locate, ScenarioError } from '../scenario/index.js';
import { partialPath } from '../trace/index.js';
import { JobError } from '../whatif/index.js';
import { WorldError } from '../world/index.js';
import { EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OUT_OF_MEMORY, exitWith } from './cli-exit.js';
import { withInterrupt } from './interrupt.js';
import { removeOnExit } from './leftovers.js';
import { shortOfMemoryText } from './memory.js';
import { packageVersion } from './package-root.js';
import { percentDone, type ProgressBar, progressBar } from './progress-bar.js';
import type { RunHooks, RunSpec } from './run-execution.js';
import { runPlaced } from './run-in-thread.js';

/** Exit code of a run whose expectations failed. */
export const EXIT_EXPECTATIONS = 1;

interface RunFlags {
  variant?: string;
  seed?: string;
  until?: number;
  fidelity?: FidelityLevel;
  trace?: string;
  json?: boolean;
  replay?: boolean;
}

/** Reads a duration option (`2d`, `90m`). */
export function durationArg(text: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    if (e instanceof DurationError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}

/** Reads a seed option: a whole number. */
export function seedArg(text: string): string {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`a seed is a whole number >= 0, got "${text}"`);
  return text;
}

/** Whether the replay UI can start here: the replay's own test (terminals, not CI, not dumb). */
async function replayPossible(): Promise<boolean> {
  // React's development build costs the replay half its frame rate; set before React loads.
  process.env['NODE_ENV'] ??= 'production';
  const { interactive } = await import('../tui/index.js');
  return interactive({ stdin: process.stdin, stdout: process.stdout, env: process.env });
}

/** Loads a scenario, turning its problems into messages and exit code 2. */
export function loadOrExit(file: string, err: (s: string) => void): LoadedScenario {
  try {
    return loadScenario(file);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    err(`${e.lines().join('\n')}\n`);
    exitWith(EXIT_INVALID, 'invalidScenario');
  }
}

/** Runs `loaded`, reporting a world-building problem at its place in the file (exit 2). */
export function runOrExit(loaded: LoadedScenario, err: (s: string) => void, run: () => RunResult): RunResult {
  try {
    return run();
  } catch (e) {
    scenarioFails(loaded, e, err);
  }
}

/** `runOrExit` for a run that may wait between its steps. */
export async function runOrExitAsync<T>(loaded: LoadedScenario, err: (s: string) => void, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    scenarioFails(loaded, e, err);
  }
}

/** Reports a scenario the run found wrong and exits with the input-error code; rethrows anything else. */
function scenarioFails(loaded: LoadedScenario, e: unknown, err: (s: string) => void): never {
  if (e instanceof ScenarioError) {
    err(`${e.lines().join('\n')}\n`);
    exitWith(EXIT_INVALID, 'invalidScenario');
  }
  // A world error from a run's thread comes back as a JobError that keeps its place.
  const path = e instanceof WorldError ? e.path : e instanceof JobError && e.kind === 'WorldError' ? e.path : undefined;
  if (path !== undefined) {
    const at = locate(loaded, path);
    err(`${formatProblem({ at, file: loaded.source.file, path: [...path], message: (e as Error).message })}\n`);
    exitWith(EXIT_INVALID, 'invalidScenario');
  }
  throw e;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Reports a trace file that cannot be written, and exits with the input-error code. */
function traceFails(path: string, e: unknown, err: (s: string) => void): never {
  const code = typeof e === 'string' ? e : (e as NodeJS.ErrnoException | null)?.code;
  if (code === undefined) throw e;
  const why = code === 'ENOENT' ? 'no such folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'that is a folder' : code;
  err(`portsim: cannot write the trace to ${path}: ${why}\n`);
  exitWith(EXIT_INVALID, 'badTracePath');
}

/** Adds the `run` command to `program`. */
export function addRunCommand(program: Command, out: (s: string) => void, err: (s: string) => void, options: { isTTY: boolean; stderrTTY: boolean }): void {
  program
    .command('run')
    .description('run a scenario, print its outcome report and check its expectations (exit 1 if one fails)')
    .argument('<scenario>', 'the scenario file (YAML)')
    .option('--variant <name>', "run one of the scenario's variants instead of the base scenario")
    .option('--seed <n>', "override the scenario's seed", seedArg)
    .option('--until <duration>', 'stop the run early, e.g. 2d', durationArg)
    .addOption(new Option('--fidelity <level>', "record at this level instead of the scenario's (the outcomes are the same)").choices([...FIDELITY_LEVELS]))
    .option('--trace <file>', 'write the run\'s trace to FILE (for portsim replay and export)')
    .option('--json', 'print the report as JSON on stdout, and nothing else there')
    .option('--no-replay', 'in a terminal, do not open the replay after the run')
    .addHelpText(
      'after',
      '\nExamples:\n  portsim run scenarios/lime-stlucia-port25.yaml\n  portsim run scenarios/bt-internet-throttle.yaml --variant fixed --json\n  portsim run my.yaml --seed 7 --until 2d --trace my.trace',
    )
    .action(async (file: string, flags: RunFlags) => {
      setEngineVersion(packageVersion());
      const loaded = loadOrExit(file, err);
      // In a terminal the run is followed by its replay, which reads the trace from a file:
      // the one asked for, or a temporary one removed afterwards.
      const replay = flags.json !== true && flags.replay !== false && options.isTTY && (await replayPossible());
      const tempDir = replay && flags.trace === undefined ? mkdtempSync(join(tmpdir(), 'portsim-')) : null;
      const tracePath = flags.trace ?? (tempDir === null ? undefined : join(tempDir, 'run.trace'));
      // Killed or hung up on mid-run, the process takes its partial trace with it.
      const forget = tempDir !== null ? removeOnExit(tempDir) : tracePath !== undefined ? removeOnExit(partialPath(tracePath)) : () => undefined;
      try {
        const runOpts = {
          ...(flags.variant === undefined ? {} : { variant: flags.variant }),
          ...(flags.seed === undefined ? {} : { seed: flags.seed }),
          ...(flags.until === undefined ? {} : { until: flags.until }),
          ...(flags.fidelity === undefined ? {} : { fidelity: flags.fidelity }),
        };
        let reached = 0;
        // Building a world of a million clients takes seconds: it has a bar of its own, and the
        // run's bar starts when the simulation does, so that its ETA is the simulation's.
        const building = progressBar(err, options.stderrTTY);
        let running: ProgressBar | null = null;
        const bar: ProgressBar = {
          update(f) {
            if (running === null) {
              building.done();
              running = progressBar(err, options.stderrTTY);
            }
            running.update(f);
          },
          done() {
            (running ?? building).done();
          },
        };
        if (tracePath !== undefined && isFolder(tracePath)) traceFails(tracePath, 'EISDIR', err);
        const spec: RunSpec = { file, options: runOpts, trace: tracePath ?? null };
        const hooks: RunHooks = {
          building: (n, total) => building.update(n / total, `building the world: ${n.toLocaleString('en')} of ${total.toLocaleString('en')} clients`),
          progress: (fraction) => {
            reached = fraction;
            bar.update(fraction);
          },
        };
        // Ctrl-C stops the run at its next step, within a simulated minute; the trace written
        // so far is removed. A second Ctrl-C ends the process at once. A run that outgrows its
        // heap is stopped the same way, before V8 gives up on it.
        const outcome = await runOrExitAsync(loaded, err, () =>
          withInterrupt(async (interrupted) => {
            try {
              return await runPlaced(loaded, spec, packageVersion(), hooks, interrupted);
            } finally {
              bar.done();
            }
          }),
        );
        if (outcome.kind === 'trace-failed') traceFails(tracePath as string, outcome.code, err);
        if (outcome.kind === 'stopped') {
          const at = `${percentDone(Math.max(reached, outcome.reached))}%`;
          if (outcome.short !== null) {
            err(shortOfMemoryText('run', outcome.short, at));
            if (flags.trace !== undefined) err(`  No trace was written to ${flags.trace}.\n`);
            exitWith(EXIT_OUT_OF_MEMORY, 'outOfMemory');
          }
          err(`portsim run: interrupted at ${at}; ${flags.trace === undefined ? 'nothing was kept' : `no trace was written to ${flags.trace}`}\n`);
          exitWith(EXIT_INTERRUPTED, 'interrupted');
        }
        const result = outcome;
        for (const wng of result.warnings) {
          const at = locate(loaded, wng.path);
          err(`${at.file}:${at.line}:${at.column}: warning: ${wng.message}\n`);
        }
        if (flags.json === true) out(`${JSON.stringify(result.report, null, 2)}\n`);
        else {
          out(formatReport(result.report));
          if (flags.trace !== undefined) out(`\ntrace written to ${flags.trace}\n`);
        }
        if (replay && tracePath !== undefined) {
          const { openReplay } = await import('../tui/index.js');
          const { openTrace } = await import('../trace/index.js');
          const trace = openTrace(tracePath);
          try {
            await openReplay([trace], { stdin: process.stdin, stdout: process.stdout, env: process.env });
          } finally {
            trace.close();
          }
        }
        if (result.report.expectations.some((x) => !x.passed)) exitWith(EXIT_EXPECTATIONS, 'expectationsFailed');
      } finally {
        if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true });
        forget();
      }
    });
}
