/**
 * `portsim validate <scenario>`: reads and checks a scenario without running it.
 *
 * Prints `ok` and a short summary on stdout when the scenario is valid (exit 0); otherwise
 * prints every problem as `file:line:column: message` on stderr and exits with code 2.
 *
 * @module
 */
import type { Command } from 'commander';
import { loadScenario, ScenarioError } from '../scenario/index.js';
import { EXIT_INVALID, exitWith } from './cli-exit.js';

/** Adds the `validate` command to `program`. */
export function addValidateCommand(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('validate')
    .description('check a scenario file and report every problem as file:line:column (exit 0 valid, 2 invalid)')
    .argument('<scenario>', 'the scenario file (YAML)')
    .action((file: string) => {
      try {
        const loaded = loadScenario(file);
        const n = loaded.variants.size;
        out(`ok ${file}: ${JSON.stringify(loaded.scenario.title)}${n > 0 ? `, ${n} variant${n === 1 ? '' : 's'}` : ''}\n`);
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        err(`${e.lines().join('\n')}\n`);
        exitWith(EXIT_INVALID, 'invalidScenario');
      }
    });
}
