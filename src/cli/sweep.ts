/**
 * `portsim sweep <scenario> --set PATH=VALUES ...`: runs the grid of parameter values on
 * worker threads, writes one row per run (CSV or JSON) as runs finish, and ends with the
 * frontier of spam stopped against legitimate mail harmed, drawn in the terminal.
 *
 * Ctrl-C stops the sweep and keeps the finished rows; the same command with `--resume`
 * carries on from them. Exit codes: 0 done, 2 bad usage or bad input, 3 out of memory, 130 interrupted.
 *
 * @module
 */
import { hrtime } from 'node:process';
import { type Command, InvalidArgumentError } from 'commander';
import { runScenario, setEngineVersion } from '../run/index.js';
import { formatProblem, locate, ScenarioError } from '../scenario/index.js';
import {
  type Assignment,
  AssignmentError,
  csvLine,
  formatFor,
  frontierChart,
  openRowFile,
  parseAssignment,
  planSweep,
  pointProblemLine,
  type RowFile,
  RowFileError,
  type RowFormat,
  rowCells,
  rowKey,
  runSweep,
  type SweepPlan,
  SweepPlanError,
  type SweepRow,
  sweepColumns,
  sweepJobs,
  tradeOffs,
  cellText,
} from '../whatif/index.js';
import { WorldError } from '../world/index.js';
import { EXIT_INTERRUPTED, EXIT_INVALID, exitWith } from './cli-exit.js';
import { countArg, reportJobFailure } from './compare.js';
import { withInterrupt } from './interrupt.js';
import { packageVersion } from './package-root.js';
import { progressBar } from './progress-bar.js';
import { durationArg, loadOrExit, seedArg } from './run.js';

interface SweepFlags {
  set: Assignment[];
  variant?: string;
  seeds: number;
  seed?: string;
  until?: number;
  lateAfter?: number;
  workers?: number;
  out?: string;
  format?: string;
  resume?: boolean;
  force?: boolean;
}

function collectSet(text: string, previous: Assignment[]): Assignment[] {
  try {
    return [...previous, parseAssignment(text)];
  } catch (e) {
    if (e instanceof AssignmentError) throw new InvalidArgumentError(e.message.replace(/^--set /, ''));
    throw e;
  }
}

/** Builds every point's world before anything runs, so a world problem stops the sweep at once (exit 2). */
function preflight(plan: SweepPlan, err: (s: string) => void): void {
  for (const p of plan.points) {
    try {
      runScenario(p.loaded, { variant: plan.variant, until: 0 });
    } catch (e) {
      if (!(e instanceof WorldError)) throw e;
      const at = locate(p.loaded, e.path);
      const problem = { at, file: p.loaded.source.file, path: [...e.path], message: e.message };
      err(`${at.line === 0 ? pointProblemLine(problem) : formatProblem(problem)}\n`);
      exitWith(EXIT_INVALID, 'invalidScenario');
    }
  }
}

function wallSeconds(): number {
  return Number(hrtime.bigint()) / 1e9;
}

/** Adds the `sweep` command to `program`. */
export function addSweepCommand(program: Command, out: (s: string) => void, err: (s: string) => void, options: { stderrTTY: boolean }): void {
  program
    .command('sweep')
    .description('run a grid of parameter values over seeds, one row per run, and chart the frontier of spam stopped against legitimate mail harmed')
    .argument('<scenario>', 'the scenario file (YAML)')
    .option('--set <path=values>', 'a parameter and its values; repeat for a grid (see below)', collectSet, [])
    .option('--variant <name>', 'run this variant at every point (default: the base scenario)')
    .option('--seeds <n>', 'seeds per point', countArg('--seeds', 1, 10_000), 1)
    .option('--seed <n>', "the first seed (default: the scenario's)", seedArg)
    .option('--until <duration>', 'stop each run early, e.g. 2d', durationArg)
    .option('--late-after <duration>', 'delivery later than this counts as late (default 1h)', durationArg)
    .option('--workers <k>', "worker threads (default: the machine's cores)", countArg('--workers', 0, 256))
    .option('--out <file>', 'write the rows to FILE as they finish (.json for JSON, CSV otherwise); without it, CSV on stdout at the end')
    .option('--format <csv|json>', 'the format of --out, whatever its name')
    .option('--resume', 'carry on from the rows already in --out (after Ctrl-C)')
    .option('--force', 'start --out again even if it exists')
    .addHelpText(
      'after',
      `
Paths follow the scenario's keys; a list of named items is entered by name, in brackets or
with dots (the longest name that matches):
  world.servers[mx.example.com].limits.perIp.limit     world.servers.mx.example.com.limits.perIp.limit
  world.isps[lime].firewall.rules[block-25].action     world.clientGroups.zombies.zombies.share
Values: a comma-separated list of YAML values and ranges:
  10/day,20/day     10..100 step 10     10/day..100/day step 10/day     5%..25% step 5%
  drop,{type: reject, with: tcp-reset},{type: redirect, to: smtp.lime.example}

Examples:
  portsim sweep scenarios/lime-stlucia-port25.yaml --until 3d --set 'world.clientGroups.zombies.zombies.share=25%..100% step 25%' --out zombies.csv
  portsim sweep my.yaml --seeds 3 --set 'world.isps[isp].firewall.rules[block-25].action=drop,{type: reject, with: tcp-reset}' --out actions.json`,
    )
    .action(async (file: string, flags: SweepFlags) => {
      setEngineVersion(packageVersion());
      if (flags.set.length === 0) {
        err('portsim sweep: nothing to sweep: give at least one --set PATH=VALUES (portsim sweep --help shows the syntax)\n');
        exitWith(EXIT_INVALID, 'usage');
      }
      if (flags.resume === true && flags.out === undefined) {
        err('portsim sweep: --resume carries on from the rows of --out FILE: give --out\n');
        exitWith(EXIT_INVALID, 'usage');
      }
      const base = loadOrExit(file, err);
      let plan: SweepPlan;
      try {
        plan = planSweep(file, base, {
          assignments: flags.set,
          ...(flags.variant === undefined ? {} : { variant: flags.variant }),
          seeds: flags.seeds,
          ...(flags.seed === undefined ? {} : { seed: flags.seed }),
          ...(flags.until === undefined ? {} : { until: flags.until }),
          ...(flags.lateAfter === undefined ? {} : { lateAfter: flags.lateAfter }),
        });
      } catch (e) {
        if (e instanceof SweepPlanError) err(`${e.lines.join('\n')}\n`);
        else if (e instanceof ScenarioError) err(`${e.lines().join('\n')}\n`);
        else throw e;
        exitWith(EXIT_INVALID, 'invalidSweep');
      }
      preflight(plan, err);

      let file_: RowFile | null = null;
      if (flags.out !== undefined) {
        let format: RowFormat;
        try {
          format = formatFor(flags.out, flags.format);
          file_ = openRowFile(flags.out, format, plan, { resume: flags.resume === true, overwrite: flags.force === true, clock: wallSeconds });
        } catch (e) {
          if (!(e instanceof RowFileError)) throw e;
          err(`portsim sweep: ${e.message}\n`);
          exitWith(EXIT_INVALID, 'badOutput');
        }
      } else if (flags.format !== undefined && flags.format !== 'csv') {
        err('portsim sweep: without --out the rows go to stdout as CSV; give --out FILE for JSON\n');
        exitWith(EXIT_INVALID, 'usage');
      }
      const rowFile = file_;
      const resumed = rowFile?.resumed ?? [];
      const done = new Set(resumed.map((r) => rowKey(plan.parameters.map((p) => cellText(r.params[p])), r.variant, r.seed)));
      const total = sweepJobs(plan).length;
      const todo = total - done.size;
      if (resumed.length > 0) err(`resuming: ${resumed.length} of ${total} runs already in ${rowFile?.path ?? ''}\n`);

      const bar = progressBar(err, options.stderrTTY);
      const outcome = await withInterrupt(
        async (signal) => {
          try {
            return await runSweep(plan, done, {
              ...(flags.workers === undefined ? {} : { workers: flags.workers }),
              signal,
              onRow: (row) => rowFile?.append(row),
              onProgress: (n, of) => bar.update(n / of, `${Math.floor(n)}/${of} runs`),
            });
          } catch (e) {
            reportJobFailure(e, 'sweep', err);
          } finally {
            bar.done();
          }
        },
        () => err('\ninterrupted: stopping the runs under way and keeping the finished rows (Ctrl-C again to quit at once)\n'),
      );
      const rows: SweepRow[] = [...resumed, ...outcome.rows].sort((a, b) => a.run - b.run);
      if (outcome.interrupted) {
        rowFile?.flush();
        const where = rowFile === null ? 'no --out file was given, so none were kept' : `they are in ${rowFile.path}; run the same command with --resume to finish`;
        err(`portsim sweep: interrupted after ${rows.length} of ${total} runs (${outcome.rows.length} new of ${todo}); ${where}\n`);
        exitWith(EXIT_INTERRUPTED, 'interrupted');
      }
      rowFile?.finish(rows);
      const summary = [
        '',
        `${plan.title}: ${plan.points.length} point${plan.points.length === 1 ? '' : 's'} × ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'} = ${total} runs${resumed.length > 0 ? ` (${resumed.length} resumed)` : ''}`,
        'Frontier: spam stopped against legitimate mail harmed (late, bounced, lost or still queued), mean over seeds',
        '',
        ...frontierChart(tradeOffs(plan, rows)),
      ].join('\n');
      if (rowFile === null) {
        out([csvLine(sweepColumns(plan)), ...rows.map((r) => csvLine(rowCells(plan, r)))].join(''));
        err(`${summary}\n`);
      } else out(`${summary}\n\n${rows.length} rows written to ${rowFile.path}\n`);
    });
}
