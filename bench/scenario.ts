/**
 * `npm run bench -- scenario FILE`: one run of a scenario, as `portsim run` does it (the same
 * loading, world, run and trace writer), measured: wall time, kernel events, events per
 * second, peak RSS and the size of the trace.
 *
 * The wall time covers reading the scenario, building the world, the run and closing the
 * trace; the peak RSS is the whole process's (`npm run bench` starts a process per command).
 *
 * @module
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { hrtime, resourceUsage } from 'node:process';
import { EXIT_INVALID, EXIT_OUT_OF_MEMORY, exitWith } from '../src/cli/cli-exit.js';
import { removeOnExit } from '../src/cli/leftovers.js';
import { shortOfMemoryText } from '../src/cli/memory.js';
import { percentDone, progressBar } from '../src/cli/progress-bar.js';
import { packageVersion } from '../src/cli/package-root.js';
import { loadOrExit, runOrExitAsync } from '../src/cli/run.js';
import type { RunSpec } from '../src/cli/run-execution.js';
import { runPlaced } from '../src/cli/run-in-thread.js';
import { setEngineVersion } from '../src/run/index.js';
import { locate } from '../src/scenario/index.js';
import { partialPath } from '../src/trace/index.js';

/** How to run the scenario. */
export interface ScenarioBenchOptions {
  /** A variant's name; the base scenario when absent. */
  variant?: string;
  /** Overrides the scenario's seed. */
  seed?: string;
  /** Stops the run early, at this many simulated seconds: a partial timing of a long scenario. */
  until?: number;
  /** Keep the trace at this path; otherwise it goes to a temporary file, removed afterwards. */
  trace?: string;
  /** Where progress and warnings go. */
  err: (s: string) => void;
  /** Draw a progress bar (on a terminal). */
  progress: boolean;
}

/** What one run measured. */
export interface ScenarioBench {
  /** The file's name without its folder and `.yaml`. */
  scenario: string;
  file: string;
  title: string;
  variant: string;
  seed: string;
  simulatedSeconds: number;
  wallSeconds: number;
  /** Kernel events run. */
  events: number;
  /** Peak resident set size of the process, KiB. */
  maxRssKiB: number;
  traceBytes: number;
  /** Where the trace was kept, or null when it was temporary. */
  trace: string | null;
}

/**
 * Runs `file` once and measures it. A bad scenario, variant or world is reported through
 * `options.err` at its place in the file and ends the command with exit code 2, as
 * `portsim run` does.
 */
export async function benchScenario(file: string, options: ScenarioBenchOptions): Promise<ScenarioBench> {
  setEngineVersion(packageVersion());
  const tempDir = options.trace === undefined ? mkdtempSync(join(tmpdir(), 'portsim-bench-')) : null;
  const tracePath = options.trace ?? join(tempDir as string, 'run.trace');
  // Killed mid-run, the bench takes its partial trace with it.
  const forget = removeOnExit(tempDir ?? partialPath(tracePath));
  try {
    const t0 = hrtime.bigint();
    const loaded = loadOrExit(file, options.err);
    const spec: RunSpec = {
      file,
      options: {
        ...(options.variant === undefined ? {} : { variant: options.variant }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.until === undefined ? {} : { until: options.until }),
      },
      trace: tracePath,
    };
    const bar = progressBar(options.err, options.progress);
    // As `portsim run` makes the run: in a thread of its own where it can, with its heap.
    const never = new AbortController().signal;
    const outcome = await runOrExitAsync(loaded, options.err, async () => {
      try {
        return await runPlaced(loaded, spec, packageVersion(), { progress: bar.update }, never);
      } finally {
        bar.done();
      }
    });
    if (outcome.kind === 'trace-failed') {
      options.err(`bench: cannot write ${tracePath}: ${outcome.code}\n`);
      exitWith(EXIT_INVALID, 'cannotWrite');
    }
    if (outcome.kind === 'stopped') {
      options.err(shortOfMemoryText('bench', outcome.short ?? { used: 0, limit: 0 }, `${percentDone(outcome.reached)}%`));
      exitWith(EXIT_OUT_OF_MEMORY, 'outOfMemory');
    }
    const wallSeconds = Number(hrtime.bigint() - t0) / 1e9;
    for (const w of outcome.warnings) {
      const at = locate(loaded, w.path);
      options.err(`${at.file}:${at.line}:${at.column}: warning: ${w.message}\n`);
    }
    const report = outcome.report;
    return {
      scenario: basename(file).replace(/\.ya?ml$/i, ''),
      file,
      title: report.scenario.title,
      variant: report.variant ?? 'base',
      seed: report.seed,
      simulatedSeconds: report.simulatedSeconds,
      wallSeconds,
      events: report.events,
      maxRssKiB: resourceUsage().maxRSS,
      traceBytes: statSync(tracePath).size,
      trace: options.trace ?? null,
    };
  } finally {
    if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true });
    forget();
  }
}

/** The run as one `key=value` line, in the format of the other bench commands. */
export function scenarioLine(b: ScenarioBench): string {
  // Values are single tokens: a name with spaces would break the line's format.
  const token = (s: string): string => s.replace(/\s+/g, '_');
  return (
    `engine=portsim scenario=${token(b.scenario)} variant=${token(b.variant)} seed=${b.seed} sim_s=${b.simulatedSeconds} ` +
    `wall_s=${b.wallSeconds.toFixed(4)} events=${b.events} ev_per_s=${Math.round(b.events / b.wallSeconds)} ` +
    `maxrss_kb=${b.maxRssKiB} trace_bytes=${b.traceBytes}`
  );
}

/** The run as one JSON object (on one line). */
export function scenarioJson(b: ScenarioBench): string {
  return JSON.stringify({
    engine: 'portsim',
    node: process.version,
    ...b,
    eventsPerSecond: Math.round(b.events / b.wallSeconds),
    peakRssMiB: Math.round((b.maxRssKiB / 1024) * 10) / 10,
  });
}
