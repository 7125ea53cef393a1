/**
 * `portsim schema`: prints the JSON Schema of scenario files, for editors (or writes it to a
 * file with `--out`, as `npm run schema` does for `scenarios/portsim.schema.json`).
 *
 * @module
 */
import type { Command } from 'commander';
import { scenarioJsonSchemaText } from '../scenario/index.js';
import { EXIT_INVALID, exitWith } from './cli-exit.js';
import { writeFileAtomic } from '../export/index.js';

/** Adds the `schema` command to `program`. */
export function addSchemaCommand(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion and checks)')
    .option('-o, --out <file>', 'write it to this file instead of stdout')
    .action((opts: { out?: string }) => {
      const text = scenarioJsonSchemaText();
      if (opts.out === undefined) {
        out(text);
        return;
      }
      try {
        writeFileAtomic(opts.out, text);
      } catch (e) {
        err(`portsim schema: cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
        exitWith(EXIT_INVALID, 'cannotWrite');
      }
    });
}
