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
import { formatReport, type RunResult, RunInterrupted, runScenarioAsync, setEngineVersion, traceHeader } from '../run/index.js';
import { FIDELITY_LEVELS, type FidelityLevel, formatProblem, type LoadedScenario, loadScenario, locate, ScenarioError } from '../scenario/index.js';
import { TraceWriter } from '../trace/index.js';
import { WorldError } from '../world/index.js';
import { EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OUT_OF_MEMORY, exitWith } from './cli-exit.js';
import { withInterrupt } from './interrupt.js';
import { type HeapReading, shortOfMemoryText, watchMemory } from './memory.js';
import { packageVersion } from './package-root.js';
import { type ProgressBar, progressBar } from './progress-bar.js';

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
export async function runOrExitAsync(loaded: LoadedScenario, err: (s: string) => void, run: () => Promise<RunResult>): Promise<RunResult> {
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
  if (e instanceof WorldError) {
    const at = locate(loaded, e.path);
    err(`${formatProblem({ at, file: loaded.source.file, path: [...e.path], message: e.message })}\n`);
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
      try {
        const runOpts = {
          ...(flags.variant === undefined ? {} : { variant: flags.variant }),
          ...(flags.seed === undefined ? {} : { seed: flags.seed }),
          ...(flags.until === undefined ? {} : { until: flags.until }),
          ...(flags.fidelity === undefined ? {} : { fidelity: flags.fidelity }),
        };
        let writer: TraceWriter | null = null;
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
        // Ctrl-C stops the run at its next step, within a simulated minute; the trace written
        // so far is removed. A second Ctrl-C ends the process at once.
        // A run that outgrows node's heap is stopped the same way, before V8 gives up on it.
        let short: HeapReading | null = null;
        const result = await runOrExitAsync(loaded, err, () => withInterrupt(async (interrupted) => {
          const stop = new AbortController();
          interrupted.addEventListener('abort', () => stop.abort(), { once: true });
          const signal = stop.signal;
          const unwatch = watchMemory((r) => {
            short = r;
            stop.abort();
          });
          const header = traceHeader(loaded, runOpts); // also checks the variant's name
          if (tracePath !== undefined) {
            if (isFolder(tracePath)) traceFails(tracePath, 'EISDIR', err);
            try {
              writer = new TraceWriter(tracePath, header);
            } catch (e) {
              traceFails(tracePath, e, err);
            }
          }
          try {
            const progress = (fraction: number): void => {
              reached = fraction;
              bar.update(fraction);
            };
            const made = (n: number, total: number): void => building.update(n / total, `building the world: ${n.toLocaleString('en')} of ${total.toLocaleString('en')} clients`);
            const r = await runScenarioAsync(loaded, { ...runOpts, ...(writer === null ? {} : { trace: writer }), progress, building: made }, signal);
            try {
              (writer as TraceWriter | null)?.close();
            } catch (e) {
              traceFails(tracePath as string, e, err);
            }
            return r;
          } catch (e) {
            (writer as TraceWriter | null)?.abort();
            if (e instanceof RunInterrupted && short !== null) {
              bar.done();
              err(shortOfMemoryText('run', short, `${Math.floor(100 * reached)}%`));
              if (flags.trace !== undefined) err(`  No trace was written to ${flags.trace}.\n`);
              exitWith(EXIT_OUT_OF_MEMORY, 'outOfMemory');
            }
            if (e instanceof RunInterrupted) {
              bar.done();
              err(`portsim run: interrupted at ${Math.floor(100 * reached)}%; ${flags.trace === undefined ? 'nothing was kept' : `no trace was written to ${flags.trace}`}\n`);
              exitWith(EXIT_INTERRUPTED, 'interrupted');
            }
            throw e;
          } finally {
            unwatch();
            bar.done();
          }
        }));
        for (const wng of result.world.warnings) {
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
      }
    });
}
