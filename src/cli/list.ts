/**
 * `portsim list`: the bundled scenarios (the `.yaml` files of `scenarios/`) with their titles.
 *
 * @module
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadScenario, ScenarioError } from '../scenario/index.js';
import { EXIT_INVALID, exitWith } from './cli-exit.js';
import { packageRoot } from './package-root.js';

/** One scenario file and its title, or why it cannot be read. */
export interface ListedScenario {
  readonly file: string;
  readonly title?: string;
  readonly problem?: string;
}

/** The scenarios in `dir`, sorted by file name. */
export function listScenarios(dir: string): ListedScenario[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  return files.map((f) => {
    try {
      return { file: f, title: loadScenario(join(dir, f)).scenario.title };
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      const n = e.problems.length;
      return { file: f, problem: `invalid: ${n} problem${n === 1 ? '' : 's'} (portsim validate ${join(dir, f)})` };
    }
  });
}

/** Adds the `list` command to `program`. */
export function addListCommand(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('list')
    .description('list the bundled scenarios with their titles')
    .option('--dir <folder>', 'list the scenarios of this folder instead')
    .action((opts: { dir?: string }) => {
      const dir = opts.dir ?? join(packageRoot(), 'scenarios');
      let listed: ListedScenario[];
      try {
        listed = listScenarios(dir);
      } catch (e) {
        err(`portsim list: cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
        exitWith(EXIT_INVALID, 'cannotRead');
      }
      if (listed.length === 0) {
        err(`no scenarios in ${dir}\n`);
        return;
      }
      const width = Math.max(...listed.map((s) => s.file.length));
      for (const s of listed) out(`${s.file.padEnd(width)}  ${s.title ?? `(${s.problem})`}\n`);
    });
}
