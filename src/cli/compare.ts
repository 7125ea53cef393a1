/**
 * `portsim compare <scenario>`: runs variants on the same population with common random
 * numbers, over one or more seeds spread over worker threads, and prints the trade-off table
 * with confidence intervals, the paired differences from the baseline, and the collateral
 * damage customer by customer.
 *
 * Exit codes: 0 done, 2 bad usage or bad input, 3 out of memory, 130 interrupted (Ctrl-C).
 *
 * @module
 */
import { type Command, InvalidArgumentError } from 'commander';
import { runScenario, setEngineVersion } from '../run/index.js';
import { type LoadedScenario, ScenarioError } from '../scenario/index.js';
import { compareVariants, JobError, variantsToCompare, WorkerOutOfMemory } from '../whatif/index.js';
import { formatComparison } from '../whatif/index.js';
import { EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OUT_OF_MEMORY, exitWith } from './cli-exit.js';
import { packageVersion } from './package-root.js';
import { progressBar } from './progress-bar.js';
import { durationArg, loadOrExit, runOrExit, seedArg } from './run.js';
import { withInterrupt } from './interrupt.js';


interface CompareFlags {
  variants?: string[];
  seeds: number;
  seed?: string;
  until?: number;
  workers?: number;
  lateAfter?: number;
  threshold?: number;
  json?: boolean;
  diff?: boolean;
}

/** Reads a whole-number option within bounds. */
export function countArg(name: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new InvalidArgumentError(`${name} is a whole number from ${min} to ${max}, got "${text}"`);
    return n;
  };
}

function listArg(text: string): string[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new InvalidArgumentError('give variant names separated by commas, such as base,proposal');
  return names;
}

/** Checks that every variant's world can be built, before any run starts (exit 2 if not). */
export function preflight(loaded: LoadedScenario, variants: readonly string[], err: (s: string) => void): void {
  for (const variant of variants) runOrExit(loaded, err, () => runScenario(loaded, { variant, until: 0 }));
}

/** Reports a run's failure in a worker: a scenario problem as such (exit 2), anything else as a bug. */
export function reportJobFailure(e: unknown, command: string, err: (s: string) => void): never {
  if (e instanceof ScenarioError) {
    err(`${e.lines().join('\n')}\n`);
    exitWith(EXIT_INVALID, 'invalidScenario');
  }
  if (e instanceof WorkerOutOfMemory) {
    err(
      `portsim ${command}: out of memory: ${e.message}.\n` +
        `  Use fewer --workers (each then gets more), a shorter --until, or fewer subscribers.\n`,
    );
    exitWith(EXIT_OUT_OF_MEMORY, 'outOfMemory');
  }
  if (e instanceof JobError) {
    err(`portsim ${command}: a run failed: ${e.kind}: ${e.message}\n${e.workerStack ?? ''}\n`);
    exitWith(1, 'runFailed');
  }
  throw e;
}

/** Adds the `compare` command to `program`. */
export function addCompareCommand(program: Command, out: (s: string) => void, err: (s: string) => void, options: { stderrTTY: boolean }): void {
  program
    .command('compare')
    .description('run variants on the same population (common random numbers) and compare their trade-offs, with confidence intervals over seeds')
    .argument('<scenario>', 'the scenario file (YAML)')
    .option('--variants <a,b,...>', 'variants to compare, the first being the baseline (default: base and every variant)', listArg)
    .option('--seeds <n>', 'number of seeds (independent replications); 5 or more for useful intervals', countArg('--seeds', 1, 10_000), 1)
    .option('--seed <n>', "the first seed (default: the scenario's); the others follow it", seedArg)
    .option('--until <duration>', 'stop each run early, e.g. 2d', durationArg)
    .option('--workers <k>', 'worker threads (default: the machine\'s cores)', countArg('--workers', 0, 256))
    .option('--late-after <duration>', 'delivery later than this counts as late (default 1h)', durationArg)
    .option('--threshold <duration>', 'a message delivered later than in the baseline by more than this is harmed (default: --late-after)', durationArg)
    .option('--diff', 'list the customers and messages whose outcome changes, by the rule or reply that caused it')
    .option('--json', 'print the comparison as JSON on stdout (figures, every run, and every changed message)')
    .addHelpText(
      'after',
      '\nExamples:\n  portsim compare scenarios/lime-stlucia-port25.yaml --until 3d\n  portsim compare scenarios/lime-stlucia-port25.yaml --variants base,exception --seeds 5 --diff\n  portsim compare my.yaml --seeds 10 --json > comparison.json',
    )
    .action(async (file: string, flags: CompareFlags) => {
      setEngineVersion(packageVersion());
      const loaded = loadOrExit(file, err);
      let variants: string[];
      try {
        variants = variantsToCompare(loaded, flags.variants);
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        err(`${e.lines().join('\n')}\n`);
        exitWith(EXIT_INVALID, 'unknownVariant');
      }
      preflight(loaded, variants, err);
      const bar = progressBar(err, options.stderrTTY);
      const comparison = await withInterrupt(async (signal) => {
        try {
          return await compareVariants(loaded, {
            variants,
            seeds: flags.seeds,
            ...(flags.seed === undefined ? {} : { seed: flags.seed }),
            ...(flags.until === undefined ? {} : { until: flags.until }),
            ...(flags.workers === undefined ? {} : { workers: flags.workers }),
            ...(flags.lateAfter === undefined ? {} : { lateAfter: flags.lateAfter }),
            ...(flags.threshold === undefined ? {} : { threshold: flags.threshold }),
            signal,
            onProgress: (done, total) => bar.update(done / total, `${Math.floor(done)}/${total} runs`),
          });
        } catch (e) {
          reportJobFailure(e, 'compare', err);
        } finally {
          bar.done();
        }
      });
      if (comparison === null) {
        err('portsim compare: interrupted; nothing was printed\n');
        exitWith(EXIT_INTERRUPTED, 'interrupted');
      }
      if (flags.json === true) out(`${JSON.stringify(comparison, null, 2)}\n`);
      else out(formatComparison(comparison, { diff: flags.diff === true }));
    });
}
